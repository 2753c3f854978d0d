/*
 * ktest.h: in-kernel unit tests, shaped like Linux's KUnit.
 *
 * A test file sits beside the code it tests (src/lib/format_test.c) and
 * holds cases and one suite:
 *
 *     static void format_pads_width(struct ktest *t)
 *     {
 *         char buf[8];
 *         snprintf(buf, sizeof(buf), "%3d", 7);
 *         EXPECT_STREQ(t, buf, "  7");
 *     }
 *
 *     static const struct ktest_case format_cases[] = {
 *         KTEST_CASE(format_pads_width),
 *         {0},
 *     };
 *     KTEST_SUITE(format, format_cases);
 *
 * EXPECT_* records a failure and the case goes on; ASSERT_* records it and
 * ends the case at once. Both print file:line and both values. KTEST_SKIP
 * ends a case as skipped, with a reason. Results are printed as KTAP
 * version 1, which tests/system parses into one pytest test per case.
 */
#ifndef KTEST_KTEST_H
#define KTEST_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ktest/setjmp.h"

enum ktest_status { KTEST_PASS, KTEST_FAIL, KTEST_SKIP_STATUS };

struct ktest {
    const char *name;
    enum ktest_status status;
    const char *skip_reason;
    jmp_buf abort_point; /* where ASSERT and SKIP jump to */
};

struct ktest_case {
    const char *name;
    void (*run)(struct ktest *t);
};

struct ktest_suite {
    const char *name;
    const struct ktest_case *cases; /* ended by an entry with run == NULL */
    /* Optional: run before and after each case (for example to check leaks). */
    void (*before_each)(struct ktest *t);
    void (*after_each)(struct ktest *t);
};

/* One line, not the four that clang-format would make of it. */
/* clang-format off */
#define KTEST_CASE(function) {.name = #function, .run = function}
/* clang-format on */

/* Register a suite: its address goes into the .ktest_suites linker section. */
#define KTEST_SUITE(suite_name, case_array)                                                        \
    static const struct ktest_suite ktest_suite_##suite_name = {.name = #suite_name,               \
                                                                .cases = (case_array)};            \
    static const struct ktest_suite *const ktest_suite_ptr_##suite_name                            \
        __attribute__((used, section(".ktest_suites"))) = &ktest_suite_##suite_name

/* The same, with hooks run around every case. */
#define KTEST_SUITE_HOOKS(suite_name, case_array, before, after)                                   \
    static const struct ktest_suite ktest_suite_##suite_name = {.name = #suite_name,               \
                                                                .cases = (case_array),             \
                                                                .before_each = (before),           \
                                                                .after_each = (after)};            \
    static const struct ktest_suite *const ktest_suite_ptr_##suite_name                            \
        __attribute__((used, section(".ktest_suites"))) = &ktest_suite_##suite_name

/* Failure reporting, used by the macros below. `fatal` ends the case. */
void ktest_fail_condition(struct ktest *t, const char *file, int line, const char *text,
                          bool fatal);
void ktest_fail_integers(struct ktest *t, const char *file, int line, const char *left_text,
                         const char *op, const char *right_text, int64_t left, int64_t right,
                         bool fatal);
void ktest_fail_strings(struct ktest *t, const char *file, int line, const char *left_text,
                        const char *op, const char *right_text, const char *left, const char *right,
                        bool fatal);
__attribute__((noreturn)) void ktest_skip(struct ktest *t, const char *reason);

#define KTEST_CHECK_TRUE(t, condition, fatal)                                                      \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ktest_fail_condition((t), __FILE__, __LINE__, #condition, (fatal));                    \
    } while (0)

/* Compare two integers (or pointers) with `op`, keeping their own types. */
#define KTEST_CHECK_OP(t, left, op, right, fatal)                                                  \
    do {                                                                                           \
        __typeof__(left) ktest_left = (left);                                                      \
        __typeof__(right) ktest_right = (right);                                                   \
        if (!(ktest_left op ktest_right))                                                          \
            ktest_fail_integers((t), __FILE__, __LINE__, #left, #op, #right,                       \
                                (int64_t)(ktest_left), (int64_t)(ktest_right), (fatal));           \
    } while (0)

#define KTEST_CHECK_STR(t, left, op, right, fatal)                                                 \
    do {                                                                                           \
        const char *ktest_left = (left);                                                           \
        const char *ktest_right = (right);                                                         \
        if (!(ktest_strcmp(ktest_left, ktest_right) op 0))                                         \
            ktest_fail_strings((t), __FILE__, __LINE__, #left, #op, #right, ktest_left,            \
                               ktest_right, (fatal));                                              \
    } while (0)

/* strcmp that orders NULL before every string, so a NULL never faults a test. */
int ktest_strcmp(const char *a, const char *b);

#define EXPECT_TRUE(t, c)     KTEST_CHECK_TRUE(t, c, false)
#define EXPECT_FALSE(t, c)    KTEST_CHECK_TRUE(t, !(c), false)
#define EXPECT_EQ(t, a, b)    KTEST_CHECK_OP(t, a, ==, b, false)
#define EXPECT_NE(t, a, b)    KTEST_CHECK_OP(t, a, !=, b, false)
#define EXPECT_LT(t, a, b)    KTEST_CHECK_OP(t, a, <, b, false)
#define EXPECT_LE(t, a, b)    KTEST_CHECK_OP(t, a, <=, b, false)
#define EXPECT_GT(t, a, b)    KTEST_CHECK_OP(t, a, >, b, false)
#define EXPECT_GE(t, a, b)    KTEST_CHECK_OP(t, a, >=, b, false)
#define EXPECT_NULL(t, p)     KTEST_CHECK_OP(t, (const void *)(p), ==, (const void *)0, false)
#define EXPECT_NOT_NULL(t, p) KTEST_CHECK_OP(t, (const void *)(p), !=, (const void *)0, false)
#define EXPECT_STREQ(t, a, b) KTEST_CHECK_STR(t, a, ==, b, false)
#define EXPECT_STRNE(t, a, b) KTEST_CHECK_STR(t, a, !=, b, false)

#define ASSERT_TRUE(t, c)     KTEST_CHECK_TRUE(t, c, true)
#define ASSERT_FALSE(t, c)    KTEST_CHECK_TRUE(t, !(c), true)
#define ASSERT_EQ(t, a, b)    KTEST_CHECK_OP(t, a, ==, b, true)
#define ASSERT_NE(t, a, b)    KTEST_CHECK_OP(t, a, !=, b, true)
#define ASSERT_LT(t, a, b)    KTEST_CHECK_OP(t, a, <, b, true)
#define ASSERT_LE(t, a, b)    KTEST_CHECK_OP(t, a, <=, b, true)
#define ASSERT_GT(t, a, b)    KTEST_CHECK_OP(t, a, >, b, true)
#define ASSERT_GE(t, a, b)    KTEST_CHECK_OP(t, a, >=, b, true)
#define ASSERT_NULL(t, p)     KTEST_CHECK_OP(t, (const void *)(p), ==, (const void *)0, true)
#define ASSERT_NOT_NULL(t, p) KTEST_CHECK_OP(t, (const void *)(p), !=, (const void *)0, true)
#define ASSERT_STREQ(t, a, b) KTEST_CHECK_STR(t, a, ==, b, true)
#define ASSERT_STRNE(t, a, b) KTEST_CHECK_STR(t, a, !=, b, true)

#define KTEST_SKIP(t, reason) ktest_skip((t), (reason))

/*
 * Run every registered suite whose name matches `filter`, print KTAP, and
 * return the number of failed cases. Filter syntax: a glob on the suite name
 * ("format*"), or "suite_glob.case_glob" ("format.pads*"). Empty means all.
 * A filter that matches nothing counts as one failure, so a typo cannot pass.
 */
int ktest_run_all(const char *filter);

/*
 * Grading: with a nonce set (from grade.nonce= on the command line), the
 * report carries it and ends with a tag over its own lines (see ktest.c).
 * At most 64 characters are kept; "" turns grading off.
 */
void ktest_set_nonce(const char *nonce);

/* Shell-style glob match: '*' any run, '?' any one character. */
bool ktest_glob_match(const char *pattern, const char *text);

#endif
