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
 *
 * The runner prints its own lines with a small writer of its own, not with
 * the printf engine: the report stays readable when the code under test is
 * that engine (lab 1) or anything kprintf depends on.
 *
 * Grading. With grade.nonce=N on the command line (ktest_set_nonce), the
 * report proves it comes from this run of this runner: "# nonce: N" follows
 * the first line, and the last line is
 *
 *     # grade: nonce=N pass:P fail:F skip:S total:T tag:0123456789abcdef
 *
 * where the tag is FNV-1a (64 bits) over "nonce:N\n" and then every
 * structural line printed (version, plans, subtests, results, totals), each
 * with its newline, in order. The grader recomputes it from what it read, so a report
 * printed by other code, replayed from an earlier run, or with lines added
 * or removed does not count. Code running in the kernel can read N too: see
 * docs/labs/instructors.md for what this does and does not stop.
 */
#include "ktest/ktest.h"

#include "console/console.h"
#include "lib/string.h"

#include <stdint.h>

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

/* ---- The runner's own output, and the grading tag ---------------------------- */

#define FNV_OFFSET_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME        0x100000001b3ull

static char grade_nonce[65]; /* "" when not grading */
static uint64_t grade_tag;

static void tag_fold(const char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        grade_tag ^= (unsigned char)bytes[i];
        grade_tag *= FNV_PRIME;
    }
}

void ktest_set_nonce(const char *nonce)
{
    strlcpy(grade_nonce, nonce, sizeof(grade_nonce));
}

/* One line of output, built by pieces; a line too long is cut, never overrun. */
struct ktap_line {
    char text[200];
    size_t used;
};

static void line_add(struct ktap_line *line, const char *text)
{
    while (*text != '\0' && line->used < sizeof(line->text) - 1)
        line->text[line->used++] = *text++;
}

static void line_add_number(struct ktap_line *line, int number)
{
    char digits[12];
    int count = 0;
    unsigned int value = number < 0 ? -(unsigned int)number : (unsigned int)number;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    if (number < 0)
        line_add(line, "-");
    while (count > 0) {
        char digit[2] = {digits[--count], '\0'};
        line_add(line, digit);
    }
}

/* Print the line; a structural one is folded into the grading tag. */
static void line_print(struct ktap_line *line, bool structural)
{
    line->text[line->used++] = '\n';
    console_write(line->text, line->used);
    if (structural)
        tag_fold(line->text, line->used);
    line->used = 0;
}

/* The common case: a fixed text, a number, and a name, such as "    ok 3 format_zero". */
static void print_result(const char *indent, bool ok, int number, const char *name,
                         const char *skip_reason)
{
    struct ktap_line line = {.used = 0};
    line_add(&line, indent);
    line_add(&line, ok ? "ok " : "not ok ");
    line_add_number(&line, number);
    line_add(&line, " ");
    line_add(&line, name);
    if (skip_reason != NULL) {
        line_add(&line, " # SKIP ");
        line_add(&line, skip_reason);
    }
    line_print(&line, true);
}

static void print_plan(const char *indent, int count)
{
    struct ktap_line line = {.used = 0};
    line_add(&line, indent);
    line_add(&line, "1..");
    line_add_number(&line, count);
    line_print(&line, true);
}

static void print_text(const char *first, const char *second, bool structural)
{
    struct ktap_line line = {.used = 0};
    line_add(&line, first);
    line_add(&line, second);
    line_print(&line, structural);
}

/* Add "pass:P fail:F skip:S total:T". */
static void line_add_counts(struct ktap_line *line, int passed, int failed, int skipped)
{
    line_add(line, "pass:");
    line_add_number(line, passed);
    line_add(line, " fail:");
    line_add_number(line, failed);
    line_add(line, " skip:");
    line_add_number(line, skipped);
    line_add(line, " total:");
    line_add_number(line, passed + failed + skipped);
}

/* "# grade: nonce=N pass:... tag:T", the report's last line when grading. */
static void print_grade_line(int passed, int failed, int skipped)
{
    struct ktap_line line = {.used = 0};
    line_add(&line, "# grade: nonce=");
    line_add(&line, grade_nonce);
    line_add(&line, " ");
    line_add_counts(&line, passed, failed, skipped);
    line_add(&line, " tag:");
    for (int shift = 60; shift >= 0; shift -= 4) {
        char digit[2] = {"0123456789abcdef"[(grade_tag >> shift) & 0xf], '\0'};
        line_add(&line, digit);
    }
    line_print(&line, false);
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
    print_text("    KTAP version 1", "", true);
    print_text("    # Subtest: ", suite->name, true);
    print_plan("    ", cases);
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
            print_result("    ", true, number, c->name, NULL);
        } else if (status == KTEST_SKIP_STATUS) {
            mine.skipped++;
            print_result("    ", true, number, c->name, t.skip_reason);
        } else {
            mine.failed++;
            print_result("    ", false, number, c->name, NULL);
        }
    }
    struct ktap_line line = {.used = 0};
    line_add(&line, "    # ");
    line_add(&line, suite->name);
    line_add(&line, ": ");
    line_add_counts(&line, mine.passed, mine.failed, mine.skipped);
    line_print(&line, false);
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

    /* The tag starts from the nonce, then takes each structural line as printed. */
    grade_tag = FNV_OFFSET_BASIS;
    tag_fold("nonce:", 6);
    tag_fold(grade_nonce, strlen(grade_nonce));
    tag_fold("\n", 1);
    print_text("KTAP version 1", "", true);
    if (grade_nonce[0] != '\0')
        print_text("# nonce: ", grade_nonce, false);
    print_plan("", suites);
    struct ktest_totals totals = {0, 0, 0};
    int number = 0;
    for (const struct ktest_suite *const *s = ktest_suites_start; s < ktest_suites_end; s++) {
        int cases = count_matching_cases(*s, &filter);
        if (cases == 0)
            continue;
        number++;
        bool ok = run_suite(*s, &filter, cases, &totals);
        print_result("", ok, number, (*s)->name, NULL);
    }
    struct ktap_line line = {.used = 0};
    line_add(&line, "# Totals: ");
    line_add_counts(&line, totals.passed, totals.failed, totals.skipped);
    line_print(&line, true);
    if (suites == 0) {
        struct ktap_line message = {.used = 0};
        line_add(&message, "# no test matched the filter '");
        line_add(&message, filter_text);
        line_add(&message, "'");
        line_print(&message, false);
    }
    if (grade_nonce[0] != '\0')
        print_grade_line(totals.passed, totals.failed, totals.skipped);
    return suites == 0 ? 1 : totals.failed;
}
