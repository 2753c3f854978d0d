/*
 * test_format.c: the printf engine (src/lib/format.c) that the kernel and
 * the user library share, compiled for the host and compared with the C
 * library's snprintf.
 *
 * The random test builds thousands of conversion specifications from the
 * parts the engine supports and keeps only those whose output the C standard
 * defines (for example, '#' is undefined with %d, and '0' with %s), so every
 * difference is a bug in one of the two, never a matter of taste.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The engine's snprintf and vsnprintf would collide with the C library's,
 * which this test compares them with: host.mk compiles format.c with them
 * renamed to lib_snprintf and lib_vsnprintf, and the header is read the same way.
 */
#define snprintf  lib_snprintf
#define vsnprintf lib_vsnprintf
#include "lib/format.h"
#undef snprintf
#undef vsnprintf

/* Format with both engines and compare output and return value. */
static void check_same(const char *fmt, ...)
{
    char mine[512];
    char theirs[512];
    va_list a;
    va_list b;
    va_start(a, fmt);
    va_copy(b, a);
    int my_length = lib_vsnprintf(mine, sizeof(mine), fmt, a);
    int their_length = vsnprintf(theirs, sizeof(theirs), fmt, b);
    va_end(b);
    va_end(a);
    cr_assert_str_eq(mine, theirs, "format \"%s\": ours \"%s\", libc \"%s\"", fmt, mine, theirs);
    cr_assert_eq(my_length, their_length, "format \"%s\": length %d, libc %d", fmt, my_length,
                 their_length);
}

Test(format, fixed_examples)
{
    check_same("plain text");
    check_same("%d %i %u", -1, 0, 42u);
    check_same("%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42);
    check_same("%x %X %o %#x %#X %#o", 0xabcu, 0xabcu, 8u, 0xabcu, 0xabcu, 8u);
    check_same("%.0d|%.0x|%#.0o|%.3d|%08.3d", 0, 0u, 0u, 7, 7);
    check_same("%ld %lld %lu %llx", LONG_MIN, LLONG_MIN, ULONG_MAX, ULLONG_MAX);
    check_same("%hhd %hhu %hd %hu", 300, 300u, 70000, 70000u);
    check_same("%zu %zd %td %tx", (size_t)12345, (ssize_t)-9, (ptrdiff_t)-77, (ptrdiff_t)255);
    check_same("%s|%10s|%-10s|%.2s|%*.*s", "hello", "hi", "hi", "hello", 6, 3, "abcdef");
    check_same("%c|%3c|%-3c|%%", 'a', 'b', 'c');
    check_same("%*d|%-*d|%*d", 6, 1, 6, 2, -6, 3);
    check_same("%.*d|%.*d", 4, 5, -1, 5);
}

Test(format, pointers_are_hex_with_prefix)
{
    char buf[64];
    lib_snprintf(buf, sizeof(buf), "%p", (void *)0xffffffff80200000ul);
    cr_assert_str_eq(buf, "0xffffffff80200000");
    lib_snprintf(buf, sizeof(buf), "%p", (void *)0);
    cr_assert_str_eq(buf, "0x0");
    lib_snprintf(buf, sizeof(buf), "[%20p]", (void *)0x1234);
    cr_assert_str_eq(buf, "[              0x1234]");
}

Test(format, truncation_keeps_terminator_and_full_length)
{
    char buf[6];
    memset(buf, 'X', sizeof(buf));
    cr_assert_eq(lib_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12), 9);
    cr_assert_str_eq(buf, "abcde");
    cr_assert_eq(lib_snprintf(buf, 1, "%d", 123), 3);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(lib_snprintf(NULL, 0, "%x", 0xfffu), 3);
}

Test(format, unknown_conversion_is_printed_as_written)
{
    char buf[64];
    /* Through a variable, so the compiler's format check does not reject it. */
    const char *fmt = "a%qb %d";
    lib_snprintf(buf, sizeof(buf), fmt, 5);
    /* %q is not a conversion: it shows, and its argument is not consumed. */
    cr_assert_str_eq(buf, "a%qb 5");
}

/* ---- Random specifications ---- */

enum kind { KIND_SIGNED, KIND_UNSIGNED, KIND_STRING, KIND_CHAR };

static uint64_t next_random(uint64_t *state)
{
    /* xorshift64: deterministic, so a failure reproduces. */
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Values near the edges matter most: 0, 1, -1, the limits, small and random ones. */
static uint64_t interesting_value(uint64_t *state)
{
    static const uint64_t edges[] = {0,
                                     1,
                                     7,
                                     8,
                                     9,
                                     10,
                                     15,
                                     16,
                                     255,
                                     256,
                                     65535,
                                     65536,
                                     0x7fffffff,
                                     0x80000000,
                                     0xffffffff,
                                     0x7fffffffffffffff,
                                     0x8000000000000000,
                                     0xffffffffffffffff};
    uint64_t choice = next_random(state) % 3;
    if (choice == 0)
        return edges[next_random(state) % (sizeof(edges) / sizeof(edges[0]))];
    if (choice == 1)
        return next_random(state) % 1000;
    return next_random(state);
}

Test(format, random_specifications_match_libc)
{
    static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    static const char integer_conversions[] = "diuxXo";
    static const char *const strings[] = {"", "a", "hello", "a longer string of text"};
    uint64_t state = 0x9e3779b97f4a7c15ull;
    int compared = 0;

    for (int round = 0; round < 20000; round++) {
        enum kind kind = (enum kind)(next_random(&state) % 4);
        char conversion;
        const char *length = "";
        if (kind == KIND_SIGNED || kind == KIND_UNSIGNED) {
            conversion = integer_conversions[next_random(&state) % 6];
            kind = (conversion == 'd' || conversion == 'i') ? KIND_SIGNED : KIND_UNSIGNED;
            length = lengths[next_random(&state) % 8];
        } else {
            conversion = kind == KIND_STRING ? 's' : 'c';
        }

        /* Flags, dropping those the standard leaves undefined for this conversion. */
        char flags[8];
        int nflags = 0;
        const char *all_flags = "-+ #0";
        for (int i = 0; i < 5; i++) {
            char flag = all_flags[i];
            if (next_random(&state) % 3 != 0)
                continue;
            if (flag == '#' && !(conversion == 'x' || conversion == 'X' || conversion == 'o'))
                continue;
            if (flag == '0' && (kind == KIND_STRING || kind == KIND_CHAR))
                continue;
            if ((flag == '+' || flag == ' ') && kind != KIND_SIGNED)
                continue;
            flags[nflags++] = flag;
        }
        flags[nflags] = '\0';

        /* Width: none, digits, or '*' (sometimes negative). */
        char width[16] = "";
        int width_star = 0;
        bool use_width_star = false;
        switch (next_random(&state) % 3) {
        case 1: snprintf(width, sizeof(width), "%d", (int)(next_random(&state) % 25)); break;
        case 2:
            strcpy(width, "*");
            use_width_star = true;
            width_star = (int)(next_random(&state) % 41) - 20;
            break;
        }
        if (width[0] == '0')
            width[0] = '\0'; /* "0" would read as a flag */

        /* Precision: none, ".", ".digits" or ".*"; undefined for %c. */
        char precision[16] = "";
        int precision_star = 0;
        bool use_precision_star = false;
        if (kind != KIND_CHAR) {
            switch (next_random(&state) % 4) {
            case 1: strcpy(precision, "."); break;
            case 2:
                snprintf(precision, sizeof(precision), ".%d", (int)(next_random(&state) % 25));
                break;
            case 3:
                strcpy(precision, ".*");
                use_precision_star = true;
                precision_star = (int)(next_random(&state) % 30) - 5;
                break;
            }
        }

        char fmt[64];
        snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags, width, precision, length, conversion);

        uint64_t raw = interesting_value(&state);
        /* Pass the value as the type the length modifier names, as C requires. */
#define WITH_STARS(value)                                                                          \
    do {                                                                                           \
        if (use_width_star && use_precision_star)                                                  \
            check_same(fmt, width_star, precision_star, value);                                    \
        else if (use_width_star)                                                                   \
            check_same(fmt, width_star, value);                                                    \
        else if (use_precision_star)                                                               \
            check_same(fmt, precision_star, value);                                                \
        else                                                                                       \
            check_same(fmt, value);                                                                \
    } while (0)

        if (kind == KIND_STRING) {
            WITH_STARS(strings[raw % 4]);
        } else if (kind == KIND_CHAR) {
            WITH_STARS((int)(' ' + raw % 95));
        } else if (strcmp(length, "l") == 0 || strcmp(length, "z") == 0 ||
                   strcmp(length, "t") == 0 || strcmp(length, "j") == 0) {
            WITH_STARS((long)raw);
        } else if (strcmp(length, "ll") == 0) {
            WITH_STARS((long long)raw);
        } else {
            WITH_STARS((int)raw);
        }
        compared++;
    }
    cr_assert_eq(compared, 20000);
}
