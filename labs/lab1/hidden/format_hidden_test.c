/*
 * format_hidden_test.c: lab 1's hidden cases (instructors only). The grader
 * copies this file beside the printf engine; it never reaches a handout.
 * Every expected string was checked against glibc's snprintf, except %p,
 * where the kernel prints 0x and lowercase hex for every pointer.
 */
#include "ktest/ktest.h"

#include <stddef.h>
#include <stdint.h>

/* The declaration alone: the engine's header may move, and this file must not care. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void format_hidden_int64_limits(struct ktest *t)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%lld|%+lld|%022lld|%-22lld|", (long long)INT64_MIN,
              (long long)INT64_MAX, (long long)INT64_MIN, (long long)INT64_MAX);
    EXPECT_STREQ(t, buf,
                 "-9223372036854775808|+9223372036854775807|-009223372036854775808|"
                 "9223372036854775807   |");
    snprintf(buf, sizeof(buf), "%llu|%#llo|%#llX", (unsigned long long)UINT64_MAX,
              (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
    EXPECT_STREQ(t, buf, "18446744073709551615|01777777777777777777777|0XFFFFFFFFFFFFFFFF");
}

static void format_hidden_zero_with_precision(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "[%.0d|%.0x|%#.0o|%#.0x|%+.0d|% .0d|%5.0d|%-3.0u]", 0, 0u, 0u, 0u,
              0, 0, 0, 0u);
    EXPECT_STREQ(t, buf, "[||0||+| |     |   ]");
}

static void format_hidden_alternate_and_zero_pad(struct ktest *t)
{
    char buf[96];
    /* Through a variable: the compiler warns that '0' is ignored here, which is the point. */
    const char *fmt = "[%#08x|%#-8x|%#010o|%#.5x|%#o|%#5o|%08.3d|%-08d]";
    snprintf(buf, sizeof(buf), fmt, 0xabu, 0xabu, 8u, 0xabu, 0u, 8u, -7, -7);
    EXPECT_STREQ(t, buf, "[0x0000ab|0xab    |0000000010|0x000ab|0|  010|    -007|-7      ]");
}

static void format_hidden_narrow_lengths(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "[%hhx|%hhu|%hhd|%hx|%hd|%hu]", (unsigned)-1, 257u, 200,
              (unsigned)-1, -32769, 70000u);
    EXPECT_STREQ(t, buf, "[ff|1|-56|ffff|32767|4464]");
    snprintf(buf, sizeof(buf), "[%jd|%zu|%td|%jx]", (intmax_t)-12, (size_t)0, (ptrdiff_t)-1,
              (uintmax_t)255);
    EXPECT_STREQ(t, buf, "[-12|0|-1|ff]");
}

static void format_hidden_star_arguments(struct ktest *t)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "[%*d|%-*d|%.*d|%*.*d|%0*d]", -5, 1, -5, 2, -3, 4, 6, 3, 5, 4, -9);
    EXPECT_STREQ(t, buf, "[1    |2    |4|   005|-009]");
}

static void format_hidden_pointer_fields(struct ktest *t)
{
    char buf[96];
    const void *volatile nothing = NULL;
    snprintf(buf, sizeof(buf), "[%20p|%-20p|%p|%p]", (void *)0x1234, (void *)0x1234,
              (void *)0xffffffff80200000ul, nothing);
    EXPECT_STREQ(t, buf, "[              0x1234|0x1234              |0xffffffff80200000|0x0]");
}

static const struct ktest_case format_hidden_cases[] = {
    KTEST_CASE(format_hidden_int64_limits),
    KTEST_CASE(format_hidden_zero_with_precision),
    KTEST_CASE(format_hidden_alternate_and_zero_pad),
    KTEST_CASE(format_hidden_narrow_lengths),
    KTEST_CASE(format_hidden_star_arguments),
    KTEST_CASE(format_hidden_pointer_fields),
    {0},
};
KTEST_SUITE(format_hidden, format_hidden_cases);
