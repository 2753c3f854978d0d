/*
 * string_test.c: the string functions the kernel and the user library share,
 * where they are easy to get wrong: memmove over overlapping ranges, in both
 * directions. The lengths go through a volatile so the compiler cannot
 * replace the calls with its own inline copies.
 */
#include "ktest/ktest.h"
#include "lib/string.h"

static volatile size_t eight = 8;

static void string_memmove_overlapping_up_and_down(struct ktest *t)
{
    char up[16] = "abcdefghijklmno";
    /* To a higher address: the source's tail is overwritten unless copied backward. */
    memmove(up + 3, up, eight);
    EXPECT_STREQ(t, up, "abcabcdefghlmno");
    char down[16] = "abcdefghijklmno";
    memmove(down, down + 3, eight);
    EXPECT_STREQ(t, down, "defghijkijklmno");
    char same[8] = "same";
    EXPECT_TRUE(t, memmove(same, same, eight / 2) == same);
    EXPECT_STREQ(t, same, "same");
}

static const struct ktest_case string_cases[] = {
    KTEST_CASE(string_memmove_overlapping_up_and_down),
    {0},
};
KTEST_SUITE(string, string_cases);
