/*
 * test_user_format.c: the user library's printf engine (user/lib/format.c),
 * compiled for the host and compared with glibc's snprintf.
 *
 * The random test draws conversion specifications from the parts the engine
 * supports, and keeps to combinations whose output C defines exactly: no
 * '#' on decimal, no '0' or precision on %c, %s and %p, no '+' or ' ' on
 * unsigned conversions. So any difference is a bug, not a matter of taste.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* A sink into a fixed buffer, for the engine under test. */
struct string_sink {
    struct format_sink sink;
    char text[512];
    size_t length;
};

static void string_sink_put(struct format_sink *sink, char c)
{
    struct string_sink *out = (struct string_sink *)sink;
    if (out->length < sizeof(out->text) - 1)
        out->text[out->length++] = c;
}

static void check_same(const char *fmt, ...)
{
    struct string_sink mine = {.sink = {.put = string_sink_put}};
    char theirs[512];
    va_list a;
    va_list b;
    va_start(a, fmt);
    va_copy(b, a);
    int my_count = format_to_sink(&mine.sink, fmt, a);
    int their_count = vsnprintf(theirs, sizeof(theirs), fmt, b);
    va_end(a);
    va_end(b);
    mine.text[mine.length] = '\0';
    cr_assert_str_eq(mine.text, theirs, "format \"%s\"", fmt);
    cr_assert_eq(my_count, their_count, "format \"%s\": count", fmt);
}

Test(user_format, plain_conversions)
{
    check_same("hello, world");
    check_same("%d %i %u", -42, 42, 42u);
    check_same("%x %X %o", 0xbeefu, 0xbeefu, 0755u);
    check_same("%c%c%c", 'a', 'b', 'c');
    check_same("%s and %s", "this", "that");
    check_same("100%%");
    check_same("%p", (void *)0x12345678);
    check_same("%p", (void *)0); /* glibc prints (nil), and so does ours */
    check_same("%ld %lu %lx", -1L, ~0UL, ~0UL);
    check_same("%lld %d", (long long)INT64_MIN, INT32_MIN);
    check_same("%zu %zd %td %jd", (size_t)-1, (ssize_t)-5, (ptrdiff_t)-7, (intmax_t)INT64_MAX);
    check_same("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
}

Test(user_format, width_precision_and_flags)
{
    check_same("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
    check_same("[%.3d] [%.0d] [%.0x] [%#.0o]", 7, 0, 0u, 0u);
    check_same("[%#x] [%#X] [%#o] [%#o]", 255u, 255u, 8u, 0u);
    check_same("[%8.3s] [%-8.3s] [%.10s]", "abcdef", "abcdef", "abc");
    check_same("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 1, 4, 1, -6, 1);
    check_same("[%.*s]", -1, "negative precision is none");
    check_same("[%-08d] [%08.3d] [%+05d] [% 05d]", -3, -3, 3, 3);
    check_same("[%-6c] [%6c]", 'x', 'y');
    check_same("[%20p] [%-20p]", (void *)0xabc, (void *)0xabc);
}

/* Format with the engine under test only. */
static int format_mine(char *text, const char *fmt, ...)
{
    struct string_sink out = {.sink = {.put = string_sink_put}};
    va_list args;
    va_start(args, fmt);
    int count = format_to_sink(&out.sink, fmt, args);
    va_end(args);
    out.text[out.length] = '\0';
    strcpy(text, out.text);
    return count;
}

/* Cases C leaves undefined, where the engine makes its own documented choice. */
Test(user_format, null_string_and_unknown_conversion)
{
    char text[512];
    const char *nothing = NULL;
    cr_expect_eq(format_mine(text, "[%s]", nothing), 8);
    cr_expect_str_eq(text, "[(null)]");
    cr_expect_eq(format_mine(text, "%q!"), 3); /* shown as written, so the mistake is seen */
    cr_expect_str_eq(text, "%q!");
    cr_expect_eq(format_mine(text, "end %"), 4);
    cr_expect_str_eq(text, "end ");
}

/* ---- Random specifications ------------------------------------------------------ */

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* A random value, often near the edges of its type. */
static uint64_t random_bits(uint64_t *state)
{
    static const uint64_t edges[] = {
        0,          1,          9,          10,        127,
        128,        255,        256,        65535,     65536,
        0x7fffffff, 0x80000000, UINT64_MAX, INT64_MAX, (uint64_t)INT64_MIN};
    uint64_t pick = next_random(state);
    if (pick % 3 == 0)
        return edges[(pick >> 8) % (sizeof(edges) / sizeof(edges[0]))];
    return next_random(state) >> (next_random(state) % 64);
}

/* Build one "%...X" specification that C defines, and check it with a matching argument. */
static void check_random_spec(uint64_t *state)
{
    static const char conversions[] = "diuxXocsp";
    char conversion = conversions[next_random(state) % (sizeof(conversions) - 1)];
    bool is_signed = conversion == 'd' || conversion == 'i';
    bool is_integer = strchr("diuxXo", conversion) != NULL;

    char fmt[32];
    size_t n = 0;
    fmt[n++] = '[';
    fmt[n++] = '%';
    if (next_random(state) % 3 == 0)
        fmt[n++] = '-';
    if (is_integer && next_random(state) % 3 == 0)
        fmt[n++] = '0';
    if (is_signed && next_random(state) % 4 == 0)
        fmt[n++] = '+';
    if (is_signed && next_random(state) % 4 == 0)
        fmt[n++] = ' ';
    if (strchr("xXo", conversion) != NULL && next_random(state) % 3 == 0)
        fmt[n++] = '#';
    if (next_random(state) % 2 == 0)
        n += (size_t)sprintf(fmt + n, "%d", (int)(next_random(state) % 25));
    if ((is_integer || conversion == 's') && next_random(state) % 2 == 0)
        n += (size_t)sprintf(fmt + n, ".%d", (int)(next_random(state) % 22));
    const char *length = "";
    if (is_integer) {
        static const char *const lengths[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
        length = lengths[next_random(state) % 8];
    }
    n += (size_t)sprintf(fmt + n, "%s%c]", length, conversion);

    uint64_t bits = random_bits(state);
    static const char *const strings[] = {"", "a", "kernel", "a longer string of text"};
    if (conversion == 's')
        check_same(fmt, strings[bits % 4]);
    else if (conversion == 'c')
        check_same(fmt, (int)(' ' + bits % 95));
    else if (conversion == 'p')
        check_same(fmt,
                   (void *)(uintptr_t)(bits | 1)); /* not NULL: glibc's (nil) is tested apart */
    else if (length[0] == 'l' || length[0] == 'z' || length[0] == 't' || length[0] == 'j')
        check_same(fmt, bits); /* every 64-bit length takes a 64-bit argument */
    else
        check_same(fmt, (unsigned)bits); /* int, and hh/h promoted to int */
}

Test(user_format, ten_thousand_random_specifications_match_glibc)
{
    uint64_t state = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < 10000; i++)
        check_random_spec(&state);
}
