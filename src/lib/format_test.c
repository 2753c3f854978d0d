/*
 * format_test.c: the printf engine inside the kernel. The host tests compare
 * it with glibc over thousands of formats; these cases check it on the target,
 * where long is 64 bits and the compiler is the cross compiler.
 */
#include "lib/format.h"
#include "console/ksyms.h"
#include "console/panic.h"
#include "ktest/ktest.h"

#include <stdint.h>

static void format_integers_and_width(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%d|%5d|%-5d|%05d", -7, 42, 42, -42);
    EXPECT_STREQ(t, buf, "-7|   42|42   |-0042");
    snprintf(buf, sizeof(buf), "%+d % d %u", 3, 3, 4000000000u);
    EXPECT_STREQ(t, buf, "+3  3 4000000000");
}

static void format_length_modifiers(struct ktest *t)
{
    char buf[64];
    /* An int for %hhd and %hd on purpose: the engine must narrow it as C says. */
    // cppcheck-suppress invalidPrintfArgType_sint
    snprintf(buf, sizeof(buf), "%hhd %hd %ld %lld", 300, 70000, -1L, (long long)INT64_MIN);
    EXPECT_STREQ(t, buf, "44 4464 -1 -9223372036854775808");
    snprintf(buf, sizeof(buf), "%zu %td %lx", (size_t)123, (ptrdiff_t)-5, 0xdeadbeefUL);
    EXPECT_STREQ(t, buf, "123 -5 deadbeef");
}

static void format_hex_octal_alternate(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%#x %#X %#o %#x %o", 255, 255, 8, 0, 8);
    EXPECT_STREQ(t, buf, "0xff 0XFF 010 0 10");
}

static void format_precision_and_star(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.3d|%.0d|%*d|%-*d|%.*s", 5, 0, 4, 1, 3, 2, 2, "abcdef");
    EXPECT_STREQ(t, buf, "005||   1|2  |ab");
}

static void format_strings_chars_pointers(struct ktest *t)
{
    char buf[64];
    /* volatile, so the compiler cannot see (and warn about) the NULL argument. */
    const char *volatile nothing = NULL;
    // cppcheck-suppress nullPointer ; printing NULL as "(null)" is what the case checks
    snprintf(buf, sizeof(buf), "%s|%5s|%-3c|%%|%p", nothing, "ab", 'x', (void *)0x1234);
    EXPECT_STREQ(t, buf, "(null)|   ab|x  |%|0x1234");
}

static void format_truncates_and_counts(struct ktest *t)
{
    char buf[8];
    int length = snprintf(buf, sizeof(buf), "%s", "0123456789");
    EXPECT_EQ(t, length, 10);
    EXPECT_STREQ(t, buf, "0123456");
    EXPECT_EQ(t, snprintf(NULL, 0, "%d", 12345), 5);
}

static const struct ktest_case format_cases[] = {
    KTEST_CASE(format_integers_and_width),
    KTEST_CASE(format_length_modifiers),
    KTEST_CASE(format_hex_octal_alternate),
    KTEST_CASE(format_precision_and_star),
    KTEST_CASE(format_strings_chars_pointers),
    KTEST_CASE(format_truncates_and_counts),
    {0},
};
KTEST_SUITE(format, format_cases);

static void panic_ksyms_finds_kernel_functions(struct ktest *t)
{
    uint64_t offset = 1;
    const char *name = ksyms_lookup((uint64_t)format_emit, &offset);
    EXPECT_STREQ(t, name, "format_emit");
    EXPECT_EQ(t, offset, 0ul);
    name = ksyms_lookup((uint64_t)format_emit + 4, &offset);
    EXPECT_STREQ(t, name, "format_emit");
    EXPECT_EQ(t, offset, 4ul);
    EXPECT_NULL(t, ksyms_lookup(0x1000, &offset));
}

static const struct ktest_case panic_cases[] = {
    KTEST_CASE(panic_ksyms_finds_kernel_functions),
    {0},
};
KTEST_SUITE(panic, panic_cases);
