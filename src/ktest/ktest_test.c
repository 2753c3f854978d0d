/*
 * ktest_test.c: tests of the test framework's own pieces.
 */
#include "ktest/ktest.h"

static void ktest_glob_matches_literals_and_stars(struct ktest *t)
{
    EXPECT_TRUE(t, ktest_glob_match("format", "format"));
    EXPECT_FALSE(t, ktest_glob_match("format", "formats"));
    EXPECT_TRUE(t, ktest_glob_match("format*", "formats"));
    EXPECT_TRUE(t, ktest_glob_match("*", ""));
    EXPECT_TRUE(t, ktest_glob_match("*_test", "fdt_test"));
    EXPECT_TRUE(t, ktest_glob_match("f?t", "fdt"));
    EXPECT_FALSE(t, ktest_glob_match("f?t", "ft"));
    EXPECT_TRUE(t, ktest_glob_match("a*b*c", "aXXbYYbc"));
    EXPECT_FALSE(t, ktest_glob_match("a*b*c", "aXXbYYb"));
}

static void ktest_strcmp_orders_null_first(struct ktest *t)
{
    EXPECT_EQ(t, ktest_strcmp(NULL, NULL), 0);
    EXPECT_LT(t, ktest_strcmp(NULL, ""), 0);
    EXPECT_GT(t, ktest_strcmp("a", NULL), 0);
    EXPECT_EQ(t, ktest_strcmp("same", "same"), 0);
}

static const struct ktest_case ktest_cases[] = {
    KTEST_CASE(ktest_glob_matches_literals_and_stars),
    KTEST_CASE(ktest_strcmp_orders_null_first),
    {0},
};
KTEST_SUITE(ktest, ktest_cases);
