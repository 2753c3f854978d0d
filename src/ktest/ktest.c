/*
 * ktest.c: the in-kernel test runner and its KTAP output.
 *
 * KTAP version 1, as KUnit prints it: one top-level plan of suites, and for
 * each suite an indented sub-document with one line per case:
 *
 *     KTAP version 1
 *     1..2
 *         KTAP version 1
 *         # Subtest: format
 *         1..3
 *         ok 1 format_pads_width
 *         # format_zero: EXPECTATION FAILED at src/lib/format_test.c:40
 *         not ok 2 format_zero
 *         ok 3 format_wide # SKIP not on this machine
 *     not ok 1 format
 *
 * Diagnostics are "#" lines printed before the result line they explain.
 */
#include "ktest/ktest.h"

#include "console/console.h"
#include "lib/string.h"

extern const struct ktest_suite *const ktest_suites_start[];
extern const struct ktest_suite *const ktest_suites_end[];

int ktest_strcmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b ? 0 : (a == NULL ? -1 : 1);
    return strcmp(a, b);
}

bool ktest_glob_match(const char *pattern, const char *text)
{
    /* Iterative match with one backtrack point: the last '*' seen. */
    const char *star = NULL;
    const char *star_text = NULL;
    while (*text != '\0') {
        if (*pattern == '*') {
            star = pattern++;
            star_text = text;
        } else if (*pattern == '?' || *pattern == *text) {
            pattern++;
            text++;
        } else if (star != NULL) {
            pattern = star + 1;
            text = ++star_text;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

static void record_failure(struct ktest *t, bool fatal)
{
    t->status = KTEST_FAIL;
    if (fatal)
        longjmp(t->abort_point, 1);
}

static const char *failure_kind(bool fatal)
{
    return fatal ? "ASSERTION" : "EXPECTATION";
}

void ktest_fail_condition(struct ktest *t, const char *file, int line, const char *text, bool fatal)
{
    kprintf("    # %s: %s FAILED at %s:%d\n", t->name, failure_kind(fatal), file, line);
    kprintf("    #   Expected %s to be true, but it is false\n", text);
    record_failure(t, fatal);
}

void ktest_fail_integers(struct ktest *t, const char *file, int line, const char *left_text,
                         const char *op, const char *right_text, int64_t left, int64_t right,
                         bool fatal)
{
    kprintf("    # %s: %s FAILED at %s:%d\n", t->name, failure_kind(fatal), file, line);
    kprintf("    #   Expected %s %s %s, but\n", left_text, op, right_text);
    kprintf("    #       %s == %lld (0x%llx)\n", left_text, (long long)left,
            (unsigned long long)left);
    kprintf("    #       %s == %lld (0x%llx)\n", right_text, (long long)right,
            (unsigned long long)right);
    record_failure(t, fatal);
}

void ktest_fail_strings(struct ktest *t, const char *file, int line, const char *left_text,
                        const char *op, const char *right_text, const char *left, const char *right,
                        bool fatal)
{
    kprintf("    # %s: %s FAILED at %s:%d\n", t->name, failure_kind(fatal), file, line);
    kprintf("    #   Expected %s %s %s, but\n", left_text, op, right_text);
    kprintf("    #       %s == \"%s\"\n", left_text, left);
    kprintf("    #       %s == \"%s\"\n", right_text, right);
    record_failure(t, fatal);
}

void ktest_skip(struct ktest *t, const char *reason)
{
    t->status = KTEST_SKIP_STATUS;
    t->skip_reason = reason;
    longjmp(t->abort_point, 1);
}

/* Split "suite.case" into its two globs; a filter with no '.' matches every case. */
struct ktest_filter {
    char suite[64];
    char test_case[64];
};

static void filter_parse(const char *text, struct ktest_filter *filter)
{
    const char *dot = strchr(text, '.');
    if (text[0] == '\0') {
        strlcpy(filter->suite, "*", sizeof(filter->suite));
        strlcpy(filter->test_case, "*", sizeof(filter->test_case));
    } else if (dot == NULL) {
        strlcpy(filter->suite, text, sizeof(filter->suite));
        strlcpy(filter->test_case, "*", sizeof(filter->test_case));
    } else {
        size_t length = (size_t)(dot - text);
        if (length >= sizeof(filter->suite))
            length = sizeof(filter->suite) - 1;
        memcpy(filter->suite, text, length);
        filter->suite[length] = '\0';
        strlcpy(filter->test_case, dot + 1, sizeof(filter->test_case));
    }
}

static int count_matching_cases(const struct ktest_suite *suite, const struct ktest_filter *filter)
{
    if (!ktest_glob_match(filter->suite, suite->name))
        return 0;
    int count = 0;
    for (const struct ktest_case *c = suite->cases; c->run != NULL; c++) {
        if (ktest_glob_match(filter->test_case, c->name))
            count++;
    }
    return count;
}

/* Run one case; the before/after hooks may also fail it. */
static enum ktest_status run_case(const struct ktest_suite *suite, const struct ktest_case *c,
                                  struct ktest *t)
{
    t->name = c->name;
    t->status = KTEST_PASS;
    t->skip_reason = NULL;
    if (setjmp(t->abort_point) == 0) {
        if (suite->before_each != NULL)
            suite->before_each(t);
        c->run(t);
    }
    /* after_each runs even when an ASSERT ended the case, to undo its set-up. */
    if (suite->after_each != NULL && t->status != KTEST_SKIP_STATUS) {
        enum ktest_status before = t->status;
        if (setjmp(t->abort_point) == 0)
            suite->after_each(t);
        if (before == KTEST_FAIL)
            t->status = KTEST_FAIL;
    }
    return t->status;
}

struct ktest_totals {
    int passed, failed, skipped;
};

/* Run the matching cases of one suite; returns whether all passed or skipped. */
static bool run_suite(const struct ktest_suite *suite, const struct ktest_filter *filter, int cases,
                      struct ktest_totals *totals)
{
    kprintf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", suite->name, cases);
    struct ktest_totals mine = {0, 0, 0};
    int number = 0;
    for (const struct ktest_case *c = suite->cases; c->run != NULL; c++) {
        if (!ktest_glob_match(filter->test_case, c->name))
            continue;
        number++;
        struct ktest t;
        enum ktest_status status = run_case(suite, c, &t);
        if (status == KTEST_PASS) {
            mine.passed++;
            kprintf("    ok %d %s\n", number, c->name);
        } else if (status == KTEST_SKIP_STATUS) {
            mine.skipped++;
            kprintf("    ok %d %s # SKIP %s\n", number, c->name, t.skip_reason);
        } else {
            mine.failed++;
            kprintf("    not ok %d %s\n", number, c->name);
        }
    }
    kprintf("    # %s: pass:%d fail:%d skip:%d total:%d\n", suite->name, mine.passed, mine.failed,
            mine.skipped, number);
    totals->passed += mine.passed;
    totals->failed += mine.failed;
    totals->skipped += mine.skipped;
    return mine.failed == 0;
}

int ktest_run_all(const char *filter_text)
{
    struct ktest_filter filter;
    filter_parse(filter_text, &filter);

    int suites = 0;
    for (const struct ktest_suite *const *s = ktest_suites_start; s < ktest_suites_end; s++) {
        if (count_matching_cases(*s, &filter) > 0)
            suites++;
    }

    kprintf("KTAP version 1\n1..%d\n", suites);
    struct ktest_totals totals = {0, 0, 0};
    int number = 0;
    for (const struct ktest_suite *const *s = ktest_suites_start; s < ktest_suites_end; s++) {
        int cases = count_matching_cases(*s, &filter);
        if (cases == 0)
            continue;
        number++;
        bool ok = run_suite(*s, &filter, cases, &totals);
        kprintf("%s %d %s\n", ok ? "ok" : "not ok", number, (*s)->name);
    }
    kprintf("# Totals: pass:%d fail:%d skip:%d total:%d\n", totals.passed, totals.failed,
            totals.skipped, totals.passed + totals.failed + totals.skipped);
    if (suites == 0) {
        kprintf("# no test matched the filter '%s'\n", filter_text);
        return 1;
    }
    return totals.failed;
}
