/*
 * usertests [NAME...]: the user-mode test runner.
 *
 * Each test runs in a child of its own, so a test that crashes fails alone;
 * the child's wait status decides the test. A test is either a program run
 * with arguments (fault_load must die of SIGSEGV, exit_code 42 must exit
 * with 42) or a function here, whose child exits with its count of failed
 * CHECKs. The results come out as KTAP version 1, like the kernel's ktest,
 * so tests/system turns each one into a pytest test:
 *
 *     KTAP version 1
 *     1..1
 *         KTAP version 1
 *         # Subtest: usertests
 *         1..30
 *         ok 1 exec_hello
 *         ...
 *
 * With names, only those tests run. Exit status: the number that failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

/* ---- Checks inside a test function ------------------------------------------- */

static int check_failures; /* in the test's child */

#define CHECK(condition) check((condition), #condition, __LINE__)

static void check(bool ok, const char *text, int line)
{
    if (!ok) {
        printf("    # usertests.c:%d: CHECK failed: %s (errno %d: %s)\n", line, text, errno,
               strerror(errno));
        check_failures++;
    }
}

static long nanoseconds_since_boot(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000000000L + now.tv_nsec;
}

/* ---- Test functions ------------------------------------------------------------ */

/* A child of depth d forks two children of depth d - 1 and exits with their sum; leaves exit 1. */
static int tree_leaves(int depth)
{
    if (depth == 0)
        return 1;
    pid_t children[2];
    for (int i = 0; i < 2; i++) {
        children[i] = fork();
        if (children[i] == 0)
            _exit(tree_leaves(depth - 1));
    }
    int sum = 0;
    for (int i = 0; i < 2; i++) {
        int status;
        if (children[i] > 0 && waitpid(children[i], &status, 0) == children[i] && WIFEXITED(status))
            sum += WEXITSTATUS(status);
    }
    return sum;
}

static void test_fork_tree(void)
{
    CHECK(tree_leaves(4) == 16);
}

static void test_wait_collects_every_exit_code(void)
{
    enum { CHILDREN = 10 };
    pid_t pids[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(100 + i);
        CHECK(pids[i] > 0);
    }
    int seen = 0;
    for (int n = 0; n < CHILDREN; n++) {
        int status;
        pid_t pid = wait(&status);
        for (int i = 0; i < CHILDREN; i++) {
            if (pid == pids[i] && WIFEXITED(status) && WEXITSTATUS(status) == 100 + i)
                seen++;
        }
    }
    CHECK(seen == CHILDREN);
    CHECK(wait(NULL) < 0 && errno == ECHILD);
}

static void test_waitpid_picks_its_child(void)
{
    pid_t first = fork();
    if (first == 0)
        _exit(1);
    pid_t second = fork();
    if (second == 0)
        _exit(2);
    int status;
    CHECK(waitpid(second, &status, 0) == second && WEXITSTATUS(status) == 2);
    CHECK(waitpid(first, &status, 0) == first && WEXITSTATUS(status) == 1);
}

static void test_wnohang_does_not_wait(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        usleep(200 * 1000);
        _exit(7);
    }
    int status;
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 7);
}

static void test_wait_without_children(void)
{
    CHECK(wait(NULL) < 0 && errno == ECHILD);
    CHECK(waitpid(12345, NULL, 0) < 0 && errno == ECHILD);
}

static void test_pids(void)
{
    pid_t me = getpid();
    CHECK(me > 0 && getpid() == me);
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == me && getpid() != me ? 0 : 1);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int global_value = 1;

static void test_fork_copies_memory(void)
{
    int stack_value = 2;
    pid_t pid = fork();
    if (pid == 0) {
        bool copied = global_value == 1 && stack_value == 2;
        global_value = 10;
        stack_value = 20;
        _exit(copied ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
    CHECK(global_value == 1 && stack_value == 2);
}

static void test_kill_a_child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            sched_yield();
    }
    CHECK(kill(pid, SIGKILL) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(kill(pid, SIGKILL) < 0 && errno == ESRCH); /* reaped: no such process now */
}

/* Free physical frames, from sysinfo: what the kernel must get back. */
static unsigned long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.freeram : 0;
}

static void test_fork_exit_wait_1000_times(void)
{
    /* One cycle first: the kernel heap may take frames once, and keeps them. */
    pid_t first = fork();
    if (first == 0)
        _exit(0);
    waitpid(first, NULL, 0);
    unsigned long frames_before = free_frames();
    int good = 0;
    for (int i = 0; i < 1000; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0xff);
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == (i & 0xff))
            good++;
    }
    CHECK(good == 1000);
    unsigned long frames_after = free_frames();
    if (frames_after != frames_before)
        printf("    # free frames: %lu before, %lu after\n", frames_before, frames_after);
    CHECK(frames_before > 0 && frames_after == frames_before);
}

/* The kernel survives a fork bomb, and gets every frame back once it is reaped. */
static void test_fork_bomb_returns_every_frame(void)
{
    pid_t warm = fork(); /* as above: let the kernel heap take what it keeps */
    if (warm == 0)
        _exit(0);
    waitpid(warm, NULL, 0);
    unsigned long frames_before = free_frames();
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"forkbomb", NULL};
        execvp("forkbomb", argv);
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unsigned long frames_after = free_frames();
    if (frames_after != frames_before)
        printf("    # free frames: %lu before, %lu after\n", frames_before, frames_after);
    CHECK(frames_after == frames_before);
}

static void test_exec_missing_program(void)
{
    char *argv[] = {"no_such_program", NULL};
    CHECK(execvp("no_such_program", argv) < 0 && errno == ENOENT);
}

static void test_unknown_syscall_is_enosys(void)
{
    CHECK(syscall0(1000) == -ENOSYS);
}

static void test_bad_file_descriptors(void)
{
    char byte = 0;
    CHECK(write(5, &byte, 1) < 0 && errno == EBADF);
    CHECK(read(7, &byte, 1) < 0 && errno == EBADF);
    CHECK(write(-1, &byte, 1) < 0 && errno == EBADF);
}

static void test_write_returns_count(void)
{
    CHECK(write(STDOUT_FILENO, "", 0) == 0);
    CHECK(write(STDOUT_FILENO, "    # write ok\n", 15) == 15);
}

static void test_clock_moves_forward(void)
{
    struct timespec a;
    struct timespec b;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
    CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    CHECK(clock_gettime(12345, &a) < 0 && errno == EINVAL);
}

static void test_nanosleep_sleeps(void)
{
    long before = nanoseconds_since_boot();
    struct timespec request = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
    CHECK(nanosleep(&request, NULL) == 0);
    long slept = nanoseconds_since_boot() - before;
    CHECK(slept >= 100 * 1000000L);
    CHECK(slept < 5 * 1000000000L);
    struct timespec bad = {.tv_sec = 0, .tv_nsec = 1000000000L};
    CHECK(nanosleep(&bad, NULL) < 0 && errno == EINVAL);
}

/* A parent that exits before its child: the child lives on, adopted by init (pid 1). */
static void test_parent_exits_before_child(void)
{
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            for (int i = 0; i < 100 && getppid() != 1; i++)
                usleep(10 * 1000);
            printf("    # the orphan's parent is now %d\n", getppid());
            _exit(0);
        }
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WEXITSTATUS(status) == 0);
    usleep(300 * 1000); /* give the orphan time to report */
}

/* ---- The table of tests ------------------------------------------------------------- */

enum outcome { EXITS, KILLED_BY };

struct usertest {
    const char *name;
    void (*function)(void); /* run in a child; or NULL, and then: */
    const char *argv[4];    /* the program to run, and its arguments */
    enum outcome outcome;   /* what the wait status must say */
    int expected;           /* the exit code or the signal */
};

#define FUNCTION_TEST(name)                                                                        \
    {                                                                                              \
#name, test_##name, {NULL }, EXITS, 0                                                      \
    }

static const struct usertest tests[] = {
    {"exec_hello", NULL, {"hello", "one", "two"}, EXITS, 0},
    {"exec_passes_arguments", NULL, {"exit_code", "42"}, EXITS, 42},
    {"exec_echo", NULL, {"echo", "    #", "echo", "ran"}, EXITS, 0},
    {"fault_load_null", NULL, {"fault_load"}, KILLED_BY, SIGSEGV},
    {"fault_load_kernel_memory", NULL, {"fault_load", "0xffffffff80200000"}, KILLED_BY, SIGSEGV},
    {"fault_store_own_text", NULL, {"fault_store"}, KILLED_BY, SIGSEGV},
    {"fault_illegal_instruction", NULL, {"fault_illegal"}, KILLED_BY, SIGILL},
    {"bad_pointers_are_efault", NULL, {"badptr"}, EXITS, 0},
    {"brk", NULL, {"brk_test"}, EXITS, 0},
    {"mmap", NULL, {"mmap_test"}, EXITS, 0},
    {"yield_ping", NULL, {"yield_ping", "3"}, EXITS, 0},
    {"sleep_program", NULL, {"sleep", "0", "50"}, EXITS, 0},
    {"fork_bomb", NULL, {"forkbomb"}, EXITS, 0},
    FUNCTION_TEST(fork_tree),
    FUNCTION_TEST(wait_collects_every_exit_code),
    FUNCTION_TEST(waitpid_picks_its_child),
    FUNCTION_TEST(wnohang_does_not_wait),
    FUNCTION_TEST(wait_without_children),
    FUNCTION_TEST(pids),
    FUNCTION_TEST(fork_copies_memory),
    FUNCTION_TEST(kill_a_child),
    FUNCTION_TEST(fork_exit_wait_1000_times),
    FUNCTION_TEST(fork_bomb_returns_every_frame),
    FUNCTION_TEST(exec_missing_program),
    FUNCTION_TEST(unknown_syscall_is_enosys),
    FUNCTION_TEST(bad_file_descriptors),
    FUNCTION_TEST(write_returns_count),
    FUNCTION_TEST(clock_moves_forward),
    FUNCTION_TEST(nanosleep_sleeps),
    FUNCTION_TEST(parent_exits_before_child),
};

#define TEST_COUNT (int)(sizeof(tests) / sizeof(tests[0]))

/* ---- The runner ------------------------------------------------------------------ */

static void run_in_child(const struct usertest *test)
{
    if (test->function != NULL) {
        check_failures = 0;
        test->function();
        _exit(check_failures);
    }
    execvp(test->argv[0], (char *const *)test->argv);
    printf("    # cannot run %s: %s\n", test->argv[0], strerror(errno));
    _exit(127);
}

/* Run one test; returns true if it passed. A failure explains itself in a # line. */
static bool run_test(const struct usertest *test)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("    # fork: %s\n", strerror(errno));
        return false;
    }
    if (pid == 0)
        run_in_child(test);
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        printf("    # waitpid: %s\n", strerror(errno));
        return false;
    }
    bool ok = test->outcome == EXITS ? WIFEXITED(status) && WEXITSTATUS(status) == test->expected
                                     : WIFSIGNALED(status) && WTERMSIG(status) == test->expected;
    if (!ok) {
        printf("    # expected %s %d, but ", test->outcome == EXITS ? "exit status" : "signal",
               test->expected);
        if (WIFSIGNALED(status))
            printf("it was killed by signal %d (%s)\n", WTERMSIG(status),
                   strsignal(WTERMSIG(status)));
        else
            printf("it exited with %d\n", WEXITSTATUS(status));
    }
    return ok;
}

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    int planned = 0;
    for (int i = 0; i < TEST_COUNT; i++)
        planned += selected(tests[i].name, argc, argv);
    if (planned == 0) {
        printf("usertests: no test is called that; the tests are:\n");
        for (int i = 0; i < TEST_COUNT; i++)
            printf("  %s\n", tests[i].name);
        return 1;
    }

    printf("KTAP version 1\n1..1\n");
    printf("    KTAP version 1\n    # Subtest: usertests\n    1..%d\n", planned);
    int number = 0;
    int failed = 0;
    for (int i = 0; i < TEST_COUNT; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        bool ok = run_test(&tests[i]);
        failed += !ok;
        printf("    %s %d %s\n", ok ? "ok" : "not ok", ++number, tests[i].name);
    }
    int passed = planned - failed;
    printf("    # usertests: pass:%d fail:%d skip:0 total:%d\n", passed, failed, planned);
    printf("%s 1 usertests\n", failed == 0 ? "ok" : "not ok");
    printf("# Totals: pass:%d fail:%d skip:0 total:%d\n", passed, failed, planned);
    return failed > 255 ? 255 : failed;
}
