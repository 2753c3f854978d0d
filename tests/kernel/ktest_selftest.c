/*
 * ktest_selftest: proves the in-kernel test framework can fail. Its suite
 * has cases that pass, fail an EXPECT (and go on), fail an ASSERT (and stop),
 * and skip. The system test checks every line of the KTAP and that QEMU's
 * exit status is the number of failed cases (2).
 */
#include "console/console.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "ktest/ktest.h"
#include "main.h"

static void selftest_passes(struct ktest *t)
{
    EXPECT_EQ(t, 2 + 2, 4);
    EXPECT_STREQ(t, "abc", "abc");
}

static void selftest_expect_fails_and_goes_on(struct ktest *t)
{
    int answer = 41;
    EXPECT_EQ(t, answer, 42);
    kprintf("    # selftest: still running after EXPECT\n");
    EXPECT_STREQ(t, "left", "right");
}

static void selftest_assert_ends_case(struct ktest *t)
{
    ASSERT_TRUE(t, 1 > 2);
    kprintf("    # selftest: ERROR this line must never print\n");
}

static void selftest_skips(struct ktest *t)
{
    KTEST_SKIP(t, "skipped on purpose");
}

static const struct ktest_case selftest_cases[] = {
    KTEST_CASE(selftest_passes),
    KTEST_CASE(selftest_expect_fails_and_goes_on),
    KTEST_CASE(selftest_assert_ends_case),
    KTEST_CASE(selftest_skips),
    {0},
};
KTEST_SUITE(selftest, selftest_cases);

void kernel_run(void)
{
    char filter[128] = "";
    devicetree_bootarg("ktest.filter", filter, sizeof(filter));
    machine_exit(ktest_run_all(filter));
}
