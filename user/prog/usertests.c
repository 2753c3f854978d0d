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
 *         1..63
 *         ok 1 exec_hello
 *         ...
 *
 * With names, only those tests run. Exit status: the number that failed.
 */
#include <sys/free_frames.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sched.h>
#include <termios.h>
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

/*
 * A child that computes and never makes a system call can still be
 * killed: the kill takes effect on its way back to user mode after a
 * timer interrupt, not only after a system call.
 */
static void test_kill_a_child_spinning_in_user_code(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (volatile unsigned long spins = 0;; spins++) {
        }
    }
    usleep(20 * 1000); /* let it run, so it is in user mode when the kill comes */
    CHECK(kill(pid, SIGKILL) == 0);
    int status = 0;
    pid_t reaped = 0;
    for (int i = 0; i < 100 && reaped == 0; i++) {
        reaped = waitpid(pid, &status, WNOHANG);
        if (reaped == 0)
            usleep(10 * 1000);
    }
    CHECK(reaped == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* Free physical frames, from sysinfo: what the kernel must get back. */
static unsigned long free_frames(void)
{
    long count = free_frames_settled(); /* sys/free_frames.h: once the count holds still */
    return count < 0 ? 0 : (unsigned long)count;
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

/*
 * One page, unmapped and mapped again at the same address, must show the
 * new page: the CPU may still cache the old translation until the kernel
 * flushes it (sfence.vma). Between the two, another mapping takes the
 * freed frame and fills it, so a stale translation would read its bytes.
 */
static void test_munmap_then_map_again_sees_the_new_page(void)
{
    const size_t page = 4096;
    char *fixed = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fixed != MAP_FAILED);
    if (fixed == MAP_FAILED)
        return;
    memset(fixed, 'A', page);
    CHECK(fixed[100] == 'A'); /* the translation is cached now */
    CHECK(munmap(fixed, page) == 0);
    /* Elsewhere (the lowest gap is the page just freed): it takes the freed frame. */
    char *other = mmap(fixed + 16 * page, page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(other != MAP_FAILED);
    if (other != MAP_FAILED)
        memset(other, 'B', page);
    char *again =
        mmap(fixed, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(again == fixed);
    if (again == fixed) {
        CHECK(again[100] == 0); /* a fresh page is zeroed */
        again[100] = 'C';
        CHECK(again[100] == 'C');
    }
    if (other != MAP_FAILED)
        CHECK(other[100] == 'B');
    munmap(fixed, page);
    if (other != MAP_FAILED)
        munmap(other, page);
}

/*
 * A zombie orphan: the grandchild has exited before its parent dies, so
 * when it is handed to init (pid 1: this runner) there is nothing left to
 * happen that would wake init, except the hand-over itself. The runner
 * waits for anything while this test runs, and must reap it at once.
 */
static int process_count(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? info.procs : -1;
}

static void test_zombie_orphan_is_reaped_by_init(void)
{
    /* An earlier test's orphan may still be on its way out: start from a steady count. */
    int before = process_count();
    for (int i = 0; i < 50; i++) {
        usleep(10 * 1000);
        int again = process_count();
        if (again == before)
            break;
        before = again;
    }
    pid_t child = fork();
    if (child == 0) {
        if (fork() == 0)
            _exit(0);
        usleep(30 * 1000); /* the grandchild is a zombie now */
        _exit(0);          /* and goes to init, a zombie already */
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child && WEXITSTATUS(status) == 0);
    /* Zombies count in sysinfo's procs: back to `before` once init has reaped it. */
    int now = process_count();
    for (int i = 0; i < 50 && now != before; i++) {
        usleep(10 * 1000);
        now = process_count();
    }
    if (now != before)
        printf("    # processes: %d before, %d after\n", before, now);
    CHECK(before > 0 && now == before);
}

/* A parent that exits before its child: the child lives on, adopted by init (pid 1). */
static void test_parent_exits_before_child(void)
{
    int channel[2];
    CHECK(pipe(channel) == 0);
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            for (int i = 0; i < 100 && getppid() != 1; i++)
                usleep(10 * 1000);
            pid_t adopter = getppid();
            write(channel[1], &adopter, sizeof(adopter));
            _exit(0);
        }
        _exit(0);
    }
    close(channel[1]);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WEXITSTATUS(status) == 0);
    pid_t adopter = -1;
    CHECK(read(channel[0], &adopter, sizeof(adopter)) == sizeof(adopter));
    char end;
    CHECK(read(channel[0], &end, 1) ==
          0); /* the orphan has exited: init reaps it, not a later test */
    close(channel[0]);
    if (adopter != 1)
        printf("    # the orphan's parent is now %d\n", adopter);
    CHECK(adopter == 1);
}

/* ---- Registers across system calls --------------------------------------------- */

/*
 * syscall_keeping(regs): load x1 and x3..x31 from regs[1..31] (sp is the
 * routine's own), make the system call in a7 with a0..a5 as loaded, and
 * store every register back into regs. Linux's promise, and this kernel's:
 * everything but a0 comes back unchanged. trap.S skips reloading s0..s11
 * after most calls (docs/syscalls.md), so this is where a mistake there
 * would show. scrub_handler is a signal handler that returns with every
 * register but sp, ra and a0 overwritten: rt_sigreturn must load them all back.
 */
void syscall_keeping(uint64_t regs[32]);
void scrub_handler(int signal);
asm(".text\n"
    ".globl syscall_keeping\n"
    "syscall_keeping:\n"
    "    addi sp, sp, -256\n" /* x[n] of the caller's at n * 8; regs at 0; t0 at 16 */
    "    .irp n, 1, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27\n"
    "    sd   x\\n, (\\n * 8)(sp)\n"
    "    .endr\n"
    "    sd   a0, 0(sp)\n"
    "    mv   t0, a0\n"
    "    .irp n, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
    "24, 25, 26, 27, 28, 29, 30, 31\n"
    "    ld   x\\n, (\\n * 8)(t0)\n"
    "    .endr\n"
    "    ld   t0, 40(t0)\n"
    "    ecall\n"
    "    sd   t0, 16(sp)\n"
    "    ld   t0, 0(sp)\n"
    "    .irp n, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
    "24, 25, 26, 27, 28, 29, 30, 31\n"
    "    sd   x\\n, (\\n * 8)(t0)\n"
    "    .endr\n"
    "    ld   t1, 16(sp)\n"
    "    sd   t1, 40(t0)\n"
    "    .irp n, 1, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27\n"
    "    ld   x\\n, (\\n * 8)(sp)\n"
    "    .endr\n"
    "    addi sp, sp, 256\n"
    "    ret\n"
    ".globl scrub_handler\n"
    "scrub_handler:\n"
    "    li   t0, 0x5c5c5c5c5c5c5c5c\n"
    "    .irp n, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, "
    "26, 27, 28, 29, 30, 31\n"
    "    mv   x\\n, t0\n"
    "    .endr\n"
    "    ret\n"); /* to the kernel's trampoline, which calls rt_sigreturn */

/* Make system call `number` with every register set to a pattern; check each came back. */
static void registers_survive(const char *what, long number, long a0, long a1, long a2, long result)
{
    uint64_t want[32], regs[32];
    for (int i = 0; i < 32; i++)
        want[i] = 0xa5a5000000000000ull | (uint64_t)i << 40 | (uint64_t)i * 0x10101ull;
    want[0] = want[2] = 0;
    want[10] = (uint64_t)a0;
    want[11] = (uint64_t)a1;
    want[12] = (uint64_t)a2;
    want[17] = (uint64_t)number;
    memcpy(regs, want, sizeof(regs));
    syscall_keeping(regs);
    want[10] = (uint64_t)result;
    for (int i = 1; i < 32; i++) {
        if (i != 2 && regs[i] != want[i]) {
            printf("    # %s: x%d is 0x%lx, not 0x%lx\n", what, i, regs[i], want[i]);
            check_failures++;
        }
    }
}

static void test_syscalls_keep_every_register(void)
{
    /* A call that returns at once. */
    registers_survive("getpid", SYS_getpid, 0, 0, 0, getpid());
    /* A call that sleeps: another process runs meanwhile, and this one comes back on a switch. */
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t child = fork();
    if (child == 0) {
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    char byte = 0;
    registers_survive("read from a pipe", SYS_read, fds[0], (long)&byte, 1, 1);
    CHECK(byte == 'x');
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    close(fds[1]);
    /* A handler that scrubs every register runs on the way out; rt_sigreturn restores them. */
    struct sigaction action = {0};
    action.sa_handler = scrub_handler;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    registers_survive("kill with a handler", SYS_kill, getpid(), SIGUSR1, 0, 0);
    action.sa_handler = SIG_DFL;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
}

/* ---- Files: descriptors, the calls that take paths, the disk ------------------------ */

/*
 * Each file test works in a folder of its own under /tmp, made fresh by
 * scratch() and removed with everything in it by the runner, so that the
 * disk is as it was when usertests ends (the system tests run e2fsck on it).
 */
static char scratch_dir[128];

/* scratch_dir/name. The result lives until 64 more calls: a test may hold several at once. */
static const char *scratch(const char *name)
{
    static char paths[64][256];
    static int next;
    char *path = paths[next++ % 64];
    snprintf(path, sizeof(paths[0]), "%s/%s", scratch_dir, name);
    return path;
}

/* Write all of `text` to a new file (mode 0644); true if it worked. */
static bool write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    size_t length = strlen(text);
    bool ok = write(fd, text, length) == (ssize_t)length;
    return close(fd) == 0 && ok;
}

/* The whole of a small file, NUL-terminated, into buf; its length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t total = 0;
    for (;;) {
        ssize_t got = read(fd, buf + total, size - 1 - (size_t)total);
        if (got <= 0)
            break;
        total += got;
    }
    buf[total] = '\0';
    close(fd);
    return total;
}

/* How many descriptors are open now (0..63). */
static int open_descriptors(void)
{
    int count = 0;
    for (int fd = 0; fd < 64; fd++)
        count += fcntl(fd, F_GETFD) >= 0;
    return count;
}

static void test_open_read_write_close(void)
{
    const char *path = scratch("rw");
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 3);
    CHECK(write(fd, "hello, disk", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[32] = {0};
    CHECK(read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello, disk", 11) == 0);
    CHECK(read(fd, buf, sizeof(buf)) == 0); /* the end */
    CHECK(close(fd) == 0);
    CHECK(close(fd) < 0 && errno == EBADF);
    /* The lowest free descriptor is the one handed out. */
    int a = open(path, O_RDONLY);
    int b = open(path, O_RDONLY);
    CHECK(a >= 0 && b == a + 1);
    close(a);
    CHECK(open(path, O_RDONLY) == a);
    close(a);
    close(b);
    CHECK(read(a, buf, 1) < 0 && errno == EBADF);
}

static void test_open_flags(void)
{
    const char *path = scratch("flags");
    CHECK(open(path, O_RDONLY) < 0 && errno == ENOENT);
    CHECK(write_file(path, "0123456789"));
    CHECK(open(path, O_RDWR | O_CREAT | O_EXCL, 0644) < 0 && errno == EEXIST);
    int fd = open(path, O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "ab", 2) == 2); /* at the end, whatever the position */
    close(fd);
    char buf[64];
    CHECK(read_file(path, buf, sizeof(buf)) == 12 && strcmp(buf, "0123456789ab") == 0);
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    close(fd);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 0);
    CHECK(open(path, O_RDONLY | O_DIRECTORY) < 0 && errno == ENOTDIR);
    CHECK(open(scratch_dir, O_WRONLY) < 0 && errno == EISDIR);
    CHECK(open(scratch_dir, O_RDONLY | O_CREAT, 0644) < 0 && errno == EISDIR);
    CHECK(open(scratch("none/file"), O_RDONLY | O_CREAT, 0644) < 0 && errno == ENOENT);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(write(fd, "x", 1) < 0 && errno == EBADF); /* opened for reading only */
    close(fd);
    fd = open(path, O_WRONLY);
    CHECK(read(fd, buf, 1) < 0 && errno == EBADF);
    close(fd);
}

static void test_create_mode_and_umask(void)
{
    mode_t old = umask(027);
    CHECK(umask(027) == 027);
    int fd = open(scratch("masked"), O_WRONLY | O_CREAT, 0666);
    CHECK(fd >= 0);
    close(fd);
    struct stat st;
    CHECK(stat(scratch("masked"), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640);
    CHECK(mkdir(scratch("dir"), 0777) == 0);
    CHECK(stat(scratch("dir"), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0750);
    umask(old);
}

/* fork shares open files: the child's reads move the parent's position too. */
static void test_fork_shares_file_positions(void)
{
    const char *path = scratch("shared");
    CHECK(write_file(path, "abcdefgh"));
    int fd = open(path, O_RDONLY);
    pid_t pid = fork();
    if (pid == 0) {
        char buf[3];
        _exit(read(fd, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0 ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
    char buf[8];
    CHECK(read(fd, buf, 8) == 5 && memcmp(buf, "defgh", 5) == 0);
    close(fd);
}

static void test_dup_dup2_dup3_fcntl(void)
{
    const char *path = scratch("dup");
    CHECK(write_file(path, "0123456789"));
    int fd = open(path, O_RDWR | O_APPEND);
    int copy = dup(fd);
    CHECK(copy == fd + 1);
    char buf[4];
    CHECK(read(fd, buf, 4) == 4 && lseek(copy, 0, SEEK_CUR) == 4); /* one position */
    CHECK(dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0);
    CHECK(dup2(fd, fd) == fd);
    CHECK(dup3(fd, 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC);
    CHECK(dup3(fd, fd, 0) < 0 && errno == EINVAL);
    CHECK(dup3(fd, 22, O_APPEND) < 0 && errno == EINVAL);
    CHECK(dup2(63, 5) < 0 && errno == EBADF);
    CHECK(dup2(fd, 64) < 0 && errno == EBADF);
    CHECK(fcntl(fd, F_DUPFD, 30) == 30);
    CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 30) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(copy, F_GETFD) == 0); /* the flag is the descriptor's, not the file's */
    CHECK(fcntl(fd, F_GETFL) == (O_RDWR | O_APPEND));
    CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0 && fcntl(copy, F_GETFL) == (O_RDWR | O_NONBLOCK));
    CHECK(fcntl(fd, 12345) < 0 && errno == EINVAL);
    CHECK(fcntl(40, F_GETFD) < 0 && errno == EBADF);
    /* Closing a duplicate leaves the file open through the others. */
    CHECK(close(fd) == 0 && lseek(copy, 0, SEEK_SET) == 0 && read(copy, buf, 2) == 2);
    for (int i = 20; i <= 31; i++)
        close(i);
    close(copy);
}

/* execve keeps descriptors, but closes the close-on-exec ones. */
static void test_exec_closes_close_on_exec_descriptors(void)
{
    const char *path = scratch("cloexec");
    CHECK(write_file(path, "x"));
    int kept = open(path, O_RDONLY);
    int closed = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(kept >= 0 && closed >= 0);
    pid_t pid = fork();
    if (pid == 0) {
        char kept_text[8], closed_text[8];
        snprintf(kept_text, sizeof(kept_text), "%d", kept);
        snprintf(closed_text, sizeof(closed_text), "%d", closed);
        char *argv[] = {"usertests", "--descriptors", kept_text, closed_text, NULL};
        execvp("usertests", argv);
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(kept);
    close(closed);
}

static void test_pread_pwrite(void)
{
    const char *path = scratch("pread");
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    CHECK(write(fd, "0123456789", 10) == 10);
    char buf[8] = {0};
    CHECK(pread(fd, buf, 3, 4) == 3 && memcmp(buf, "456", 3) == 0);
    CHECK(pwrite(fd, "AB", 2, 1) == 2);
    CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* neither moved the position */
    CHECK(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "0AB3", 4) == 0);
    CHECK(pread(fd, buf, 4, -1) < 0 && errno == EINVAL);
    CHECK(pread(fd, buf, 4, 100) == 0);
    close(fd);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(pwrite(fds[1], "x", 1, 0) < 0 && errno == ESPIPE);
    CHECK(pread(fds[0], buf, 1, 0) < 0 && errno == ESPIPE);
    close(fds[0]);
    close(fds[1]);
}

static void test_readv_writev(void)
{
    const char *path = scratch("vector");
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    struct iovec out[3] = {{"one ", 4}, {"", 0}, {"two", 3}};
    CHECK(writev(fd, out, 3) == 7);
    lseek(fd, 0, SEEK_SET);
    char a[2], b[16] = {0};
    struct iovec in[2] = {{a, 2}, {b, sizeof(b)}};
    CHECK(readv(fd, in, 2) == 7 && memcmp(a, "on", 2) == 0 && strcmp(b, "e two") == 0);
    CHECK(readv(fd, in, -1) < 0 && errno == EINVAL);
    CHECK(writev(fd, (struct iovec *)0x10, 1) < 0 && errno == EFAULT);
    close(fd);
}

static void test_lseek_and_holes(void)
{
    const char *path = scratch("holes");
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
    CHECK(write(fd, "end", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_END) == 100003);
    CHECK(lseek(fd, -3, SEEK_CUR) == 100000);
    CHECK(lseek(fd, -1, SEEK_SET) < 0 && errno == EINVAL);
    CHECK(lseek(fd, 0, 7) < 0 && errno == EINVAL);
    char buf[4096];
    CHECK(pread(fd, buf, sizeof(buf), 50000) == (ssize_t)sizeof(buf));
    bool zeros = true;
    for (size_t i = 0; i < sizeof(buf); i++)
        zeros &= buf[i] == 0;
    CHECK(zeros); /* a hole reads as zeros */
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 100003 && st.st_blocks <= 16);
    close(fd);
    int fds[2];
    CHECK(pipe(fds) == 0 && lseek(fds[0], 0, SEEK_SET) < 0 && errno == ESPIPE);
    close(fds[0]);
    close(fds[1]);
}

static void test_stat_fstat_lstat(void)
{
    const char *path = scratch("statme");
    CHECK(write_file(path, "12345"));
    struct stat st, by_fd, empty_path;
    CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5 && st.st_nlink == 1);
    CHECK(st.st_ino > 2 && st.st_blksize >= 1024 && st.st_blocks > 0);
    int fd = open(path, O_RDONLY);
    CHECK(fstat(fd, &by_fd) == 0 && by_fd.st_ino == st.st_ino && by_fd.st_size == 5);
    CHECK(fstatat(fd, "", &empty_path, AT_EMPTY_PATH) == 0 && empty_path.st_ino == st.st_ino);
    close(fd);
    CHECK(symlink("statme", scratch("link")) == 0);
    CHECK(lstat(scratch("link"), &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 6);
    CHECK(stat(scratch("link"), &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == by_fd.st_ino);
    CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == 2);
    CHECK(stat(scratch("missing"), &st) < 0 && errno == ENOENT);
    CHECK(stat(scratch("statme/inside"), &st) < 0 && errno == ENOTDIR);
    CHECK(fstat(0, &st) == 0 && S_ISCHR(st.st_mode)); /* the console */
    CHECK(fstat(99, &st) < 0 && errno == EBADF);
}

/* "entry_with_a_longish_name_042" -> 42. */
static bool sscanf_index(const char *name, int *index)
{
    const char *prefix = "entry_with_a_longish_name_";
    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return false;
    *index = atoi(name + strlen(prefix));
    return true;
}

static void test_getdents_lists_every_entry(void)
{
    enum { FILES = 150 };
    char name[64];
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof(name), "entry_with_a_longish_name_%03d", i);
        CHECK(write_file(scratch(name), ""));
    }
    static bool seen[FILES];
    memset(seen, 0, sizeof(seen));
    int dots = 0, others = 0;
    DIR *dir = opendir(scratch_dir);
    CHECK(dir != NULL);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        int index;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            dots++;
            CHECK(entry->d_type == DT_DIR);
        } else if (sscanf_index(entry->d_name, &index) && index < FILES && !seen[index]) {
            seen[index] = true;
            CHECK(entry->d_type == DT_REG);
        } else {
            others++;
        }
    }
    if (dir != NULL)
        closedir(dir);
    int count = 0;
    for (int i = 0; i < FILES; i++)
        count += seen[i];
    CHECK(count == FILES && dots == 2 && others == 0);
    int fd = open(scratch(name), O_RDONLY);
    char buf[64];
    CHECK(syscall3(SYS_getdents64, fd, (long)buf, sizeof(buf)) == -ENOTDIR);
    close(fd);
    fd = open(scratch_dir, O_RDONLY | O_DIRECTORY);
    CHECK(syscall3(SYS_getdents64, fd, (long)buf, 10) == -EINVAL); /* too small for a record */
    CHECK(read(fd, buf, 1) < 0 && errno == EISDIR);
    close(fd);
}

static void test_mkdir_rmdir_unlink(void)
{
    const char *dir = scratch("d");
    CHECK(mkdir(dir, 0755) == 0);
    CHECK(mkdir(dir, 0755) < 0 && errno == EEXIST);
    CHECK(write_file(scratch("d/f"), "x"));
    CHECK(rmdir(dir) < 0 && errno == ENOTEMPTY);
    CHECK(unlink(dir) < 0 && errno == EISDIR);
    CHECK(rmdir(scratch("d/f")) < 0 && errno == ENOTDIR);
    CHECK(unlink(scratch("d/f")) == 0);
    CHECK(unlink(scratch("d/f")) < 0 && errno == ENOENT);
    struct stat st;
    CHECK(stat(scratch_dir, &st) == 0 && st.st_nlink == 3); /* ".", its name, and d's ".." */
    CHECK(unlinkat(AT_FDCWD, dir, AT_REMOVEDIR) == 0);
    CHECK(stat(scratch_dir, &st) == 0 && st.st_nlink == 2);
    CHECK(mkdir("/", 0755) < 0 && errno == EEXIST);
    CHECK(rmdir(scratch(".")) < 0 && errno == EINVAL);
    CHECK(unlinkat(AT_FDCWD, dir, 0x4000) < 0 && errno == EINVAL);
}

static void test_link_symlink_readlink(void)
{
    const char *target = scratch("target");
    CHECK(write_file(target, "through the link"));
    CHECK(link(target, scratch("hard")) == 0);
    struct stat a, b;
    CHECK(stat(target, &a) == 0 && stat(scratch("hard"), &b) == 0);
    CHECK(a.st_ino == b.st_ino && a.st_nlink == 2);
    CHECK(link(target, scratch("hard")) < 0 && errno == EEXIST);
    CHECK(link(scratch_dir, scratch("dirlink")) < 0 && errno == EPERM);
    CHECK(symlink("target", scratch("soft")) == 0);
    char buf[64];
    CHECK(readlink(scratch("soft"), buf, sizeof(buf)) == 6 && memcmp(buf, "target", 6) == 0);
    CHECK(readlink(scratch("soft"), buf, 3) == 3 && memcmp(buf, "tar", 3) == 0);
    CHECK(readlink(target, buf, sizeof(buf)) < 0 && errno == EINVAL);
    CHECK(read_file(scratch("soft"), buf, sizeof(buf)) == 16);
    CHECK(open(scratch("soft"), O_RDONLY | O_NOFOLLOW) < 0 && errno == ELOOP);
    CHECK(symlink("nowhere", scratch("dangling")) == 0);
    CHECK(open(scratch("dangling"), O_RDONLY) < 0 && errno == ENOENT);
    CHECK(symlink("loop", scratch("loop")) == 0);
    CHECK(open(scratch("loop"), O_RDONLY) < 0 && errno == ELOOP);
    CHECK(unlink(target) == 0 && read_file(scratch("hard"), buf, sizeof(buf)) == 16);
    CHECK(stat(scratch("hard"), &b) == 0 && b.st_nlink == 1);
}

static void test_rename(void)
{
    CHECK(write_file(scratch("a"), "A"));
    CHECK(write_file(scratch("b"), "B"));
    CHECK(rename(scratch("a"), scratch("c")) == 0);
    CHECK(access(scratch("a"), F_OK) < 0 && errno == ENOENT);
    char buf[8];
    CHECK(read_file(scratch("c"), buf, sizeof(buf)) == 1 && buf[0] == 'A');
    /* renameat2(RENAME_NOREPLACE) refuses to replace; plain rename replaces. */
    CHECK(syscall5(SYS_renameat2, AT_FDCWD, (long)scratch("c"), AT_FDCWD, (long)scratch("b"),
                   RENAME_NOREPLACE) == -EEXIST);
    CHECK(syscall5(SYS_renameat2, AT_FDCWD, (long)scratch("c"), AT_FDCWD, (long)scratch("b"),
                   RENAME_EXCHANGE) == -EINVAL);
    CHECK(rename(scratch("c"), scratch("b")) == 0);
    CHECK(read_file(scratch("b"), buf, sizeof(buf)) == 1 && buf[0] == 'A');
    CHECK(mkdir(scratch("d1"), 0755) == 0 && mkdir(scratch("d1/sub"), 0755) == 0);
    CHECK(rename(scratch("d1"), scratch("d2")) == 0);
    CHECK(access(scratch("d2/sub"), F_OK) == 0);
    CHECK(rename(scratch("d2"), scratch("d2/sub/inside")) < 0 && errno == EINVAL);
    CHECK(rename(scratch("b"), scratch("d2")) < 0 && errno == EISDIR);
    CHECK(rename(scratch("missing"), scratch("x")) < 0 && errno == ENOENT);
}

static void test_ftruncate_and_fsync(void)
{
    const char *path = scratch("trunc");
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK(ftruncate(fd, 4) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
    CHECK(ftruncate(fd, 8) == 0);
    char buf[8];
    CHECK(pread(fd, buf, 8, 0) == 8 && memcmp(buf, "0123\0\0\0\0", 8) == 0);
    CHECK(ftruncate(fd, -1) < 0 && errno == EINVAL);
    CHECK(fsync(fd) == 0);
    close(fd);
    fd = open(path, O_RDONLY);
    CHECK(ftruncate(fd, 0) < 0 && errno == EINVAL);
    CHECK(fsync(fd) == 0);
    close(fd);
    int fds[2];
    CHECK(pipe(fds) == 0 && fsync(fds[0]) < 0 && errno == EINVAL);
    close(fds[0]);
    close(fds[1]);
    sync();
}

static void test_chdir_fchdir_getcwd(void)
{
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, "/") == 0);
    CHECK(mkdir(scratch("here"), 0755) == 0 && mkdir(scratch("here/deeper"), 0755) == 0);
    CHECK(chdir(scratch("here/deeper")) == 0);
    char expected[256];
    snprintf(expected, sizeof(expected), "%s/here/deeper", scratch_dir);
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, expected) == 0);
    CHECK(getcwd(cwd, 5) == NULL && errno == ERANGE);
    CHECK(write_file("relative", "r")); /* relative to the new directory */
    CHECK(access(scratch("here/deeper/relative"), F_OK) == 0);
    CHECK(chdir("..") == 0 && access("deeper/relative", F_OK) == 0);
    int fd = open("deeper", O_RDONLY | O_DIRECTORY);
    CHECK(chdir("/") == 0 && fchdir(fd) == 0 && access("relative", F_OK) == 0);
    /* The *at() calls start from a directory descriptor. */
    CHECK(mkdirat(fd, "made_at", 0755) == 0 && access("made_at", F_OK) == 0);
    CHECK(unlinkat(fd, "made_at", AT_REMOVEDIR) == 0);
    int file = openat(fd, "relative", O_RDONLY);
    CHECK(file >= 0);
    CHECK(fchdir(file) < 0 && errno == ENOTDIR);
    CHECK(openat(file, "x", O_RDONLY) < 0 && errno == ENOTDIR);
    CHECK(openat(77, "x", O_RDONLY) < 0 && errno == EBADF);
    close(file);
    close(fd);
    CHECK(chdir(scratch("here/deeper/relative")) < 0 && errno == ENOTDIR);
    CHECK(chdir(scratch("nowhere")) < 0 && errno == ENOENT);
    CHECK(chdir("/") == 0);
}

/* An unlinked file lives on while it is open, with no name and no links. */
static void test_unlinked_open_file_lives_on(void)
{
    const char *path = scratch("ghost");
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    CHECK(unlink(path) == 0 && access(path, F_OK) < 0);
    CHECK(write(fd, "still here", 10) == 10);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 10, 0) == 10 && strcmp(buf, "still here") == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0);
    close(fd); /* now its blocks and inode are freed */
}

static void test_descriptors_run_out_with_emfile(void)
{
    int before = open_descriptors();
    int opened = 0, last = -1;
    for (;;) {
        int fd = open("/", O_RDONLY);
        if (fd < 0) {
            CHECK(errno == EMFILE);
            break;
        }
        last = fd;
        opened++;
    }
    CHECK(before + opened == 64 && last == 63);
    int fds[2];
    CHECK(pipe(fds) < 0 && errno == EMFILE);
    CHECK(dup(0) < 0 && errno == EMFILE);
    for (int fd = 63; fd > 63 - opened; fd--)
        close(fd);
    CHECK(open_descriptors() == before);
}

static void test_long_names_are_enametoolong(void)
{
    static char path[5000];
    memset(path, 'a', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    CHECK(open(path, O_RDONLY) < 0 && errno == ENAMETOOLONG);
    CHECK(mkdir(path, 0755) < 0 && errno == ENAMETOOLONG);
    char name[300];
    snprintf(name, sizeof(name), "%s/", scratch_dir);
    size_t used = strlen(name);
    memset(name + used, 'n', 256);
    name[used + 256] = '\0';
    CHECK(open(name, O_RDWR | O_CREAT, 0644) < 0 && errno == ENAMETOOLONG);
    name[used + 255] = '\0'; /* 255 bytes is the longest name */
    int fd = open(name, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
    char cwd[4];
    CHECK(chdir(scratch_dir) == 0 && getcwd(cwd, sizeof(cwd)) == NULL && errno == ERANGE);
    chdir("/");
}

static void test_bad_pointers_to_file_calls(void)
{
    const long bad = 0xffffffff80200000L; /* the kernel's text */
    CHECK(syscall4(SYS_openat, AT_FDCWD, 0, O_RDONLY, 0) == -EFAULT);
    CHECK(syscall4(SYS_openat, AT_FDCWD, bad, O_RDONLY, 0) == -EFAULT);
    CHECK(syscall3(SYS_mkdirat, AT_FDCWD, bad, 0755) == -EFAULT);
    CHECK(syscall1(SYS_chdir, 0) == -EFAULT);
    CHECK(syscall2(SYS_getcwd, bad, 100) == -EFAULT);
    CHECK(syscall2(SYS_pipe2, 0, 0) == -EFAULT);
    CHECK(syscall2(SYS_fstat, 0, 0) == -EFAULT);
    CHECK(syscall4(SYS_newfstatat, AT_FDCWD, (long)"/", bad, 0) == -EFAULT);
    CHECK(syscall4(SYS_readlinkat, AT_FDCWD, (long)"/", 0, 10) == -EINVAL);
    int fd = open(scratch("ptr"), O_RDWR | O_CREAT, 0644);
    CHECK(write(fd, "data", 4) == 4 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(syscall3(SYS_read, fd, bad, 4) == -EFAULT);
    CHECK(syscall3(SYS_write, fd, bad, 4) == -EFAULT);
    CHECK(syscall3(SYS_getdents64, open(scratch_dir, O_RDONLY), 0, 100) == -EFAULT);
    CHECK(syscall3(SYS_readv, fd, bad, 1) == -EFAULT);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4); /* the failed write wrote nothing */
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(syscall3(SYS_write, fds[1], bad, 1) == -EFAULT);
    CHECK(write(fds[1], "z", 1) == 1);
    CHECK(syscall3(SYS_read, fds[0], bad, 1) == -EFAULT);
    char c = 0;
    CHECK(read(fds[0], &c, 1) == 1 && c == 'z'); /* the byte stayed for a good read */
    close(fds[0]);
    close(fds[1]);
    close(fd);
}

/* 5 MiB through the single and into the double indirect block, read back exactly. */
static void test_big_file_through_indirect_blocks(void)
{
    const char *path = scratch("big");
    enum { CHUNK = 8192, CHUNKS = 640 };
    static uint32_t buf[CHUNK / 4];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0;
    for (uint32_t c = 0; ok && c < CHUNKS; c++) {
        for (uint32_t i = 0; i < CHUNK / 4; i++)
            buf[i] = c * (CHUNK / 4) + i;
        ok = write(fd, buf, CHUNK) == CHUNK;
    }
    CHECK(ok);
    CHECK(fsync(fd) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == (long)CHUNK * CHUNKS);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    for (uint32_t c = 0; ok && c < CHUNKS; c++) {
        ok = read(fd, buf, CHUNK) == CHUNK;
        for (uint32_t i = 0; ok && i < CHUNK / 4; i++)
            ok = buf[i] == c * (CHUNK / 4) + i;
    }
    CHECK(ok);
    CHECK(ftruncate(fd, 100000) == 0 && fstat(fd, &st) == 0 && st.st_size == 100000);
    close(fd);
}

/*
 * Four processes write 1 MiB each at once, more than the buffer cache holds,
 * so blocks are evicted (written) by several processes together and the
 * disk has several requests in flight; then each reads its file back.
 */
static void test_concurrent_writers(void)
{
    enum { WRITERS = 4, SIZE = 1024 * 1024, PIECE = 8192 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        if (pids[w] != 0)
            continue;
        char name[16];
        snprintf(name, sizeof(name), "w%d", w);
        static uint8_t piece[PIECE];
        int fd = open(scratch(name), O_RDWR | O_CREAT, 0644);
        bool ok = fd >= 0;
        for (int at = 0; ok && at < SIZE; at += PIECE) {
            for (int i = 0; i < PIECE; i++)
                piece[i] = (uint8_t)((at + i) * (w + 3));
            ok = write(fd, piece, PIECE) == PIECE;
        }
        for (int at = 0; ok && at < SIZE; at += PIECE) {
            ok = pread(fd, piece, PIECE, at) == PIECE;
            for (int i = 0; ok && i < PIECE; i++)
                ok = piece[i] == (uint8_t)((at + i) * (w + 3));
        }
        _exit(ok ? 0 : 1);
    }
    int good = 0;
    for (int w = 0; w < WRITERS; w++) {
        int status;
        good += waitpid(pids[w], &status, 0) == pids[w] && WIFEXITED(status) &&
                WEXITSTATUS(status) == 0;
    }
    CHECK(good == WRITERS);
}

/* Fill the disk: -ENOSPC, nothing half done, and the space comes back. */
static void test_full_disk_is_enospc(void)
{
    const char *keep = scratch("keep");
    CHECK(write_file(keep, "safe and sound"));
    const char *path = scratch("filler");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static char block[65536];
    memset(block, 0x5a, sizeof(block));
    long total = 0;
    int error = 0;
    for (;;) {
        ssize_t n = write(fd, block, sizeof(block));
        if (n < 0) {
            error = errno;
            break;
        }
        total += n;
        if (n < (ssize_t)sizeof(block)) {
            /* A short write: the next one says why. */
            CHECK(write(fd, block, 1) < 0);
            error = errno;
            break;
        }
    }
    printf("    # the disk took %ld KiB before ENOSPC\n", total / 1024);
    CHECK(error == ENOSPC);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == total);
    close(fd);
    char buf[32];
    CHECK(read_file(keep, buf, sizeof(buf)) == 14 && strcmp(buf, "safe and sound") == 0);
    CHECK(unlink(path) == 0);
    /* The space is back: a new file of 1 MiB fits. */
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0;
    for (int i = 0; ok && i < 16; i++)
        ok = write(fd, block, sizeof(block)) == (ssize_t)sizeof(block);
    CHECK(ok);
    close(fd);
}

static void test_console_ioctls(void)
{
    struct termios settings;
    CHECK(isatty(0) && tcgetattr(0, &settings) == 0);
    CHECK((settings.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
    CHECK(tcsetattr(0, TCSANOW, &settings) == 0);
    struct winsize size;
    CHECK(ioctl(1, TIOCGWINSZ, &size) == 0 && size.ws_col == 80 && size.ws_row == 24);
    CHECK(ioctl(0, 0x1234, 0) < 0 && errno == ENOTTY);
    CHECK(ioctl(0, TCGETS, 0) < 0 && errno == EFAULT);
    int fds[2];
    CHECK(pipe(fds) == 0 && !isatty(fds[0]) && errno == ENOTTY);
    close(fds[0]);
    close(fds[1]);
}

static void test_dev_null_and_zero(void)
{
    int null = open("/dev/null", O_RDWR);
    CHECK(null >= 0 && write(null, "gone", 4) == 4);
    char buf[8] = "xxxxxxx";
    CHECK(read(null, buf, sizeof(buf)) == 0);
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(zero >= 0 && read(zero, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[7] == 0);
    struct stat st;
    CHECK(fstat(null, &st) == 0 && S_ISCHR(st.st_mode));
    close(null);
    close(zero);
    int console = open("/dev/console", O_WRONLY);
    CHECK(console >= 0 && write(console, "    # via /dev/console\n", 23) == 23);
    close(console);
}

/* ---- Pipes ---------------------------------------------------------------------------- */

static void test_pipe_in_one_process(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0 && fds[1] == fds[0] + 1);
    CHECK(write(fds[1], "abc", 3) == 3);
    char buf[8];
    CHECK(read(fds[0], buf, 2) == 2 && memcmp(buf, "ab", 2) == 0);
    CHECK(read(fds[0], buf, 8) == 1 && buf[0] == 'c');
    CHECK(close(fds[1]) == 0);
    CHECK(read(fds[0], buf, 8) == 0); /* no writer left: the end */
    CHECK(write(fds[0], "x", 1) < 0 && errno == EBADF);
    close(fds[0]);
    struct stat st;
    CHECK(pipe2(fds, O_CLOEXEC) == 0 && fcntl(fds[0], F_GETFD) == FD_CLOEXEC);
    CHECK(fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(pipe2(fds, 0x1234) < 0 && errno == EINVAL);
    close(fds[0]);
    close(fds[1]);
}

/* 200 KiB through a 4 KiB pipe, between two processes, every byte checked. */
static void test_pipe_between_processes(void)
{
    enum { TOTAL = 200 * 1024 };
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        static uint8_t out[3000];
        for (int sent = 0; sent < TOTAL;) {
            int n = TOTAL - sent < (int)sizeof(out) ? TOTAL - sent : (int)sizeof(out);
            for (int i = 0; i < n; i++)
                out[i] = (uint8_t)((sent + i) * 7);
            if (write(fds[1], out, (size_t)n) != n)
                _exit(1);
            sent += n;
        }
        _exit(0);
    }
    close(fds[1]);
    static uint8_t in[5000];
    long received = 0;
    bool right = true;
    for (;;) {
        ssize_t got = read(fds[0], in, sizeof(in));
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; i++)
            right &= in[i] == (uint8_t)((received + i) * 7);
        received += got;
    }
    close(fds[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(received == TOTAL && right);
}

/* The end comes when the last writer closes, not the first. */
static void test_pipe_eof_after_the_last_writer(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t writers[2];
    for (int w = 0; w < 2; w++) {
        writers[w] = fork();
        if (writers[w] == 0) {
            close(fds[0]);
            usleep((useconds_t)(w * 100 * 1000));
            _exit(write(fds[1], w == 0 ? "first" : "second", w == 0 ? 5 : 6) > 0 ? 0 : 1);
        }
    }
    close(fds[1]);
    char buf[32];
    long total = 0;
    ssize_t got;
    while ((got = read(fds[0], buf + total, sizeof(buf) - (size_t)total)) > 0)
        total += got;
    CHECK(total == 11);
    close(fds[0]);
    for (int w = 0; w < 2; w++)
        waitpid(writers[w], NULL, 0);
}

/* Writing to a pipe with no reader: EPIPE, and SIGPIPE ends the writer. */
static void test_pipe_without_reader_is_epipe_and_sigpipe(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    close(fds[0]);
    pid_t pid = fork();
    if (pid == 0) {
        write(fds[1], "x", 1);
        _exit(0); /* not reached: SIGPIPE's default ends the process */
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
    close(fds[1]);
}

/* Four writers, 4096-byte records of their own byte: no record is ever split. */
static void test_pipe_writes_up_to_4096_bytes_are_atomic(void)
{
    enum { WRITERS = 4, RECORDS = 16, RECORD = 4096 };
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(fds[0]);
            static char record[RECORD];
            memset(record, 'A' + w, sizeof(record));
            for (int r = 0; r < RECORDS; r++) {
                if (write(fds[1], record, RECORD) != RECORD)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(fds[1]);
    static char stream[WRITERS * RECORDS * RECORD];
    long total = 0;
    ssize_t got;
    while ((got = read(fds[0], stream + total, sizeof(stream) - (size_t)total)) > 0)
        total += got;
    close(fds[0]);
    CHECK(total == (long)sizeof(stream));
    int torn = 0;
    for (long r = 0; r < total / RECORD; r++) {
        for (long i = 1; i < RECORD; i++) {
            if (stream[r * RECORD + i] != stream[r * RECORD]) {
                torn++;
                break;
            }
        }
    }
    CHECK(torn == 0);
    for (int w = 0; w < WRITERS; w++)
        waitpid(pids[w], NULL, 0);
}

static void test_pipe_nonblocking(void)
{
    int fds[2];
    CHECK(pipe2(fds, O_NONBLOCK) == 0);
    char buf[4096];
    CHECK(read(fds[0], buf, 1) < 0 && errno == EAGAIN);
    memset(buf, 'n', sizeof(buf));
    CHECK(write(fds[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf));
    CHECK(write(fds[1], buf, 1) < 0 && errno == EAGAIN); /* full */
    CHECK(read(fds[0], buf, 10) == 10);
    CHECK(write(fds[1], buf, 100) < 0 && errno == EAGAIN); /* 100 bytes go in whole or not at all */
    CHECK(write(fds[1], buf, 10) == 10);
    close(fds[0]);
    close(fds[1]);
}

/*
 * pipe_write's fast path (a write that fits, a reader there) with the ring
 * wrapping: a buffer whose tail is unmapped gets -EFAULT, and the part that
 * was copied before the ring's end is not in the pipe; a good wrapping write
 * comes out intact; a write of exactly the room left goes in whole.
 */
static void test_pipe_wrapping_write_with_a_bad_tail_leaves_nothing(void)
{
    const long page = 4096;
    int fds[2];
    CHECK(pipe2(fds, O_NONBLOCK) == 0);
    static char buf[4096];
    memset(buf, 'a', 4000);
    CHECK(write(fds[1], buf, 4000) == 4000 && read(fds[0], buf, 4000) == 4000);
    /* The ring's next byte is 96 before its end. A 300-byte write wraps. */
    char *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(two != MAP_FAILED);
    CHECK(munmap(two + page, page) == 0);
    char *edge = two + page - 200; /* 200 good bytes, then nothing */
    memset(edge, 'b', 200);
    CHECK(syscall3(SYS_write, fds[1], (long)edge, 300) == -EFAULT);
    CHECK(read(fds[0], buf, 1) < 0 && errno == EAGAIN); /* not one byte went in */
    for (int i = 0; i < 300; i++)
        buf[i] = (char)('0' + i % 10);
    CHECK(write(fds[1], buf, 300) == 300);
    char back[300];
    CHECK(read(fds[0], back, sizeof(back)) == 300 && memcmp(back, buf, 300) == 0);
    /* Empty again: exactly the room there is goes in whole, then nothing fits. */
    memset(buf, 'c', 4096);
    CHECK(write(fds[1], buf, 4096) == 4096);
    CHECK(write(fds[1], buf, 1) < 0 && errno == EAGAIN);
    CHECK(read(fds[0], buf, 4096) == 4096 && buf[0] == 'c' && buf[4095] == 'c');
    munmap(two, page);
    close(fds[0]);
    close(fds[1]);
}

/* A writer that dies, killed or faulting, closes its end: the reader sees the end. */
static void test_pipe_end_closes_when_its_process_dies(void)
{
    for (int how = 0; how < 2; how++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            write(fds[1], "last words", 10);
            if (how == 0) {
                for (;;)
                    sched_yield(); /* until killed */
            }
            *(volatile int *)0 = 1; /* a fault: SIGSEGV */
            _exit(0);
        }
        close(fds[1]);
        char buf[16];
        CHECK(read(fds[0], buf, sizeof(buf)) == 10);
        if (how == 0)
            kill(pid, SIGKILL);
        CHECK(read(fds[0], buf, sizeof(buf)) == 0);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
        close(fds[0]);
    }
}

/* The plumbing a shell does: a child's output through dup2 and execve into a pipe. */
static void test_pipe_carries_a_programs_output(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = {"echo", "through", "the", "pipe", NULL};
        execvp("echo", argv);
        _exit(127);
    }
    close(fds[1]);
    char buf[64] = {0};
    long total = 0;
    ssize_t got;
    while ((got = read(fds[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
        total += got;
    CHECK(strcmp(buf, "through the pipe\n") == 0);
    close(fds[0]);
    waitpid(pid, NULL, 0);
}

/* ---- The shell's redirections and pipes, from a script ---------------------------- */

static void test_shell_redirections_and_pipes(void)
{
    char script[1024];
    snprintf(script, sizeof(script),
             "cd %s\n"
             "echo hello world > out\n"
             "echo second line >> out\n"
             "cat < out | wc > count\n"
             "ls missing 2> err\n"
             "grep second out | cat > grepped\n"
             "mkdir sub\n"
             "cd sub\n"
             "echo 'relative,  quoted' > here\n"
             "exit_code 1 && echo no > and_no || echo yes > or_yes; echo $? > status\n",
             scratch_dir);
    CHECK(write_file(scratch("script"), script));
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(scratch("script"), O_RDONLY);
        dup2(in, STDIN_FILENO);
        close(in);
        char *argv[] = {"sh", NULL};
        execvp("sh", argv);
        _exit(127);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
    char buf[256];
    CHECK(read_file(scratch("out"), buf, sizeof(buf)) > 0 &&
          strcmp(buf, "hello world\nsecond line\n") == 0);
    CHECK(read_file(scratch("count"), buf, sizeof(buf)) > 0 &&
          strcmp(buf, "      2       4      24\n") == 0);
    CHECK(read_file(scratch("err"), buf, sizeof(buf)) > 0 && strstr(buf, "No such file") != NULL);
    CHECK(read_file(scratch("grepped"), buf, sizeof(buf)) > 0 && strcmp(buf, "second line\n") == 0);
    CHECK(read_file(scratch("sub/here"), buf, sizeof(buf)) > 0 &&
          strcmp(buf, "relative,  quoted\n") == 0);
    CHECK(access(scratch("sub/and_no"), F_OK) < 0); /* && after a failure: not run */
    CHECK(read_file(scratch("sub/or_yes"), buf, sizeof(buf)) > 0 && strcmp(buf, "yes\n") == 0);
    CHECK(read_file(scratch("sub/status"), buf, sizeof(buf)) > 0 && strcmp(buf, "0\n") == 0);
}

/* ---- The table of tests ------------------------------------------------------------- */

enum outcome { EXITS, KILLED_BY };

struct usertest {
    const char *name;
    void (*function)(void); /* run in a child; or NULL, and then: */
    const char *argv[4];    /* the program to run, and its arguments */
    enum outcome outcome;   /* what the wait status must say */
    int expected;           /* the exit code or the signal */
    bool needs_disk;        /* skipped without a root file system; works in its own /tmp folder */
};

#define FUNCTION_TEST(name)                                                                        \
    {                                                                                              \
#name, test_##name, {NULL }, EXITS, 0, false                                               \
    }
#define FILE_TEST(name)                                                                            \
    {                                                                                              \
#name, test_##name, {NULL }, EXITS, 0, true                                                \
    }

static const struct usertest tests[] = {
    {"exec_hello", NULL, {"hello", "one", "two"}, EXITS, 0, false},
    {"exec_passes_arguments", NULL, {"exit_code", "42"}, EXITS, 42, false},
    {"exec_echo", NULL, {"echo", "    #", "echo", "ran"}, EXITS, 0, false},
    {"fault_load_null", NULL, {"fault_load"}, KILLED_BY, SIGSEGV, false},
    {"fault_load_kernel_memory",
     NULL,
     {"fault_load", "0xffffffff80200000"},
     KILLED_BY,
     SIGSEGV,
     false},
    {"fault_store_own_text", NULL, {"fault_store"}, KILLED_BY, SIGSEGV, false},
    {"fault_illegal_instruction", NULL, {"fault_illegal"}, KILLED_BY, SIGILL, false},
    {"bad_pointers_are_efault", NULL, {"badptr"}, EXITS, 0, false},
    {"brk", NULL, {"brk_test"}, EXITS, 0, false},
    {"mmap", NULL, {"mmap_test"}, EXITS, 0, false},
    {"yield_ping", NULL, {"yield_ping", "3"}, EXITS, 0, false},
    {"sleep_program", NULL, {"sleep", "0", "50"}, EXITS, 0, false},
    {"fork_bomb", NULL, {"forkbomb"}, EXITS, 0, false},
    FUNCTION_TEST(fork_tree),
    FUNCTION_TEST(wait_collects_every_exit_code),
    FUNCTION_TEST(waitpid_picks_its_child),
    FUNCTION_TEST(wnohang_does_not_wait),
    FUNCTION_TEST(wait_without_children),
    FUNCTION_TEST(pids),
    FUNCTION_TEST(fork_copies_memory),
    FUNCTION_TEST(kill_a_child),
    FUNCTION_TEST(kill_a_child_spinning_in_user_code),
    FUNCTION_TEST(fork_exit_wait_1000_times),
    FUNCTION_TEST(fork_bomb_returns_every_frame),
    FUNCTION_TEST(exec_missing_program),
    FUNCTION_TEST(unknown_syscall_is_enosys),
    FUNCTION_TEST(syscalls_keep_every_register),
    FUNCTION_TEST(bad_file_descriptors),
    FUNCTION_TEST(write_returns_count),
    FUNCTION_TEST(clock_moves_forward),
    FUNCTION_TEST(nanosleep_sleeps),
    FUNCTION_TEST(parent_exits_before_child),
    FUNCTION_TEST(zombie_orphan_is_reaped_by_init),
    FUNCTION_TEST(munmap_then_map_again_sees_the_new_page),
    FILE_TEST(open_read_write_close),
    FILE_TEST(open_flags),
    FILE_TEST(create_mode_and_umask),
    FILE_TEST(fork_shares_file_positions),
    FILE_TEST(dup_dup2_dup3_fcntl),
    FILE_TEST(exec_closes_close_on_exec_descriptors),
    FILE_TEST(pread_pwrite),
    FILE_TEST(readv_writev),
    FILE_TEST(lseek_and_holes),
    FILE_TEST(stat_fstat_lstat),
    FILE_TEST(getdents_lists_every_entry),
    FILE_TEST(mkdir_rmdir_unlink),
    FILE_TEST(link_symlink_readlink),
    FILE_TEST(rename),
    FILE_TEST(ftruncate_and_fsync),
    FILE_TEST(chdir_fchdir_getcwd),
    FILE_TEST(unlinked_open_file_lives_on),
    FILE_TEST(descriptors_run_out_with_emfile),
    FILE_TEST(long_names_are_enametoolong),
    FILE_TEST(bad_pointers_to_file_calls),
    FILE_TEST(big_file_through_indirect_blocks),
    FILE_TEST(concurrent_writers),
    FILE_TEST(full_disk_is_enospc),
    FILE_TEST(dev_null_and_zero),
    FILE_TEST(shell_redirections_and_pipes),
    FUNCTION_TEST(console_ioctls),
    FUNCTION_TEST(pipe_in_one_process),
    FUNCTION_TEST(pipe_between_processes),
    FUNCTION_TEST(pipe_eof_after_the_last_writer),
    FUNCTION_TEST(pipe_without_reader_is_epipe_and_sigpipe),
    FUNCTION_TEST(pipe_writes_up_to_4096_bytes_are_atomic),
    FUNCTION_TEST(pipe_nonblocking),
    FUNCTION_TEST(pipe_wrapping_write_with_a_bad_tail_leaves_nothing),
    FUNCTION_TEST(pipe_end_closes_when_its_process_dies),
    FUNCTION_TEST(pipe_carries_a_programs_output),
    /* Issue 15, memory: user/prog/vmtest.c. */
    {"brk_never_grows_over_a_mapping", NULL, {"vmtest", "brk_foreign"}, EXITS, 0, false},
    {"prot_none_is_efault_for_the_kernel", NULL, {"vmtest", "prot_none"}, EXITS, 0, false},
    {"prot_none_read_is_sigsegv", NULL, {"vmtest", "prot_none_read"}, KILLED_BY, SIGSEGV, false},
    {"fork_is_copy_on_write", NULL, {"vmtest", "cow"}, EXITS, 0, false},
    {"fork_of_an_8_mib_heap_copies_nothing", NULL, {"vmtest", "fork_big_heap"}, EXITS, 0, false},
    {"anonymous_memory_is_demand_zero", NULL, {"vmtest", "demand_zero"}, EXITS, 0, false},
    {"stack_grows_to_4_mib", NULL, {"vmtest", "stack", "4096"}, EXITS, 0, false},
    {"stack_past_8_mib_is_sigsegv", NULL, {"vmtest", "stack", "16384"}, KILLED_BY, SIGSEGV, false},
    {"mprotect_read_only_none_and_back", NULL, {"vmtest", "mprotect"}, EXITS, 0, false},
    {"munmap_of_a_middle_page", NULL, {"vmtest", "munmap_middle"}, EXITS, 0, false},
    /* Issue 17, threads: user/prog/threadtest.c. */
    {"threaded_processes_return_every_frame", NULL, {"threadtest", "frames"}, EXITS, 0, false},
    {"munmap_reaches_a_thread_on_another_hart", NULL, {"threadtest", "shootdown"}, EXITS, 0, false},
    {"user_copies_survive_a_racing_munmap", NULL, {"threadtest", "copyrace"}, EXITS, 0, false},
    /* Issue 15, signals and FP: user/prog/sigtest.c, user/prog/fptest.c. */
    {"fp_two_processes_and_exec", NULL, {"fptest", "pair"}, EXITS, 0, false},
    {"fp_across_a_signal_handler", NULL, {"fptest", "signal"}, EXITS, 0, false},
    {"fp_copied_by_fork", NULL, {"fptest", "fork"}, EXITS, 0, false},
    {"signal_handler_runs_and_returns", NULL, {"sigtest", "handler"}, EXITS, 0, false},
    {"signal_mask_blocks_and_unblocks", NULL, {"sigtest", "mask"}, EXITS, 0, false},
    {"signal_mask_inside_a_handler", NULL, {"sigtest", "handler_mask"}, EXITS, 0, false},
    {"signal_default_actions", NULL, {"sigtest", "defaults"}, EXITS, 0, false},
    {"signal_sigchld_with_siginfo", NULL, {"sigtest", "sigchld"}, EXITS, 0, false},
    {"signal_interrupts_with_eintr", NULL, {"sigtest", "eintr"}, EXITS, 0, false},
    {"signal_sa_restart_restarts", NULL, {"sigtest", "restart"}, EXITS, 0, false},
    {"signal_kill_ends_blocked_process", NULL, {"sigtest", "kill_blocked"}, EXITS, 0, false},
    {"signal_init_survives_kill", NULL, {"sigtest", "init_survives"}, EXITS, 0, false},
    {"signal_nanosleep_saturates_and_checks",
     NULL,
     {"sigtest", "nanosleep_limits"},
     EXITS,
     0,
     false},
    {"signal_segv_handler_longjmps", NULL, {"sigtest", "segv_longjmp"}, EXITS, 0, false},
    {"signal_fault_handlers_fix_up", NULL, {"sigtest", "fault_fixup"}, EXITS, 0, false},
    {"signal_process_groups_and_sessions", NULL, {"sigtest", "groups"}, EXITS, 0, false},
    {"signal_reaches_a_running_process", NULL, {"sigtest", "other_hart"}, EXITS, 0, false},
    {"signal_stop_and_continue", NULL, {"sigtest", "stop_continue"}, EXITS, 0, false},
    {"signal_stop_and_continue_cancel",
     NULL,
     {"sigtest", "stop_cancels_continue"},
     EXITS,
     0,
     false},
    {"signal_stop_while_blocked", NULL, {"sigtest", "stop_blocked"}, EXITS, 0, false},
    {"signal_kill_of_a_stopped_process", NULL, {"sigtest", "kill_stopped"}, EXITS, 0, false},
    {"signal_alternate_stack", NULL, {"sigtest", "altstack"}, EXITS, 0, false},
    {"signal_stack_overflow_on_alternate_stack",
     NULL,
     {"sigtest", "altstack_overflow"},
     EXITS,
     0,
     false},
};

#define TEST_COUNT (int)(sizeof(tests) / sizeof(tests[0]))

/* ---- The runner ------------------------------------------------------------------ */

/* Remove `path` and everything under it; quiet about what is not there. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *dir = opendir(path);
    struct dirent *entry;
    char child[512];
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
        remove_tree(child);
        rewinddir(dir);
    }
    if (dir != NULL)
        closedir(dir);
    rmdir(path);
}

/* Is there a root file system with a /tmp to work in? */
static bool have_disk(void)
{
    struct stat st;
    return stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode);
}

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
    if (test->needs_disk) {
        snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/usertests_%s", test->name);
        remove_tree(scratch_dir);
        if (mkdir(scratch_dir, 0755) < 0) {
            printf("    # cannot make %s: %s\n", scratch_dir, strerror(errno));
            return false;
        }
    }
    pid_t pid = fork();
    if (pid < 0) {
        printf("    # fork: %s\n", strerror(errno));
        return false;
    }
    if (pid == 0)
        run_in_child(test);
    /* Like init, reap whatever ends: as pid 1, the runner adopts the tests' orphans. */
    int status;
    pid_t reaped;
    while ((reaped = wait(&status)) != pid) {
        if (reaped < 0) {
            printf("    # wait: %s\n", strerror(errno));
            return false;
        }
    }
    if (test->needs_disk)
        remove_tree(scratch_dir);
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

/* usertests --descriptors KEPT CLOSED: exec_closes_close_on_exec_descriptors's other half. */
static int check_descriptors(char **argv)
{
    int kept = atoi(argv[2]);
    int closed = atoi(argv[3]);
    return fcntl(kept, F_GETFD) >= 0 && fcntl(closed, F_GETFD) < 0 && errno == EBADF ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--descriptors") == 0)
        return check_descriptors(argv);
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
    int skipped = 0;
    bool disk = have_disk();
    for (int i = 0; i < TEST_COUNT; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        if (tests[i].needs_disk && !disk) {
            skipped++;
            printf("    ok %d %s # SKIP no root file system\n", ++number, tests[i].name);
            continue;
        }
        bool ok = run_test(&tests[i]);
        failed += !ok;
        printf("    %s %d %s\n", ok ? "ok" : "not ok", ++number, tests[i].name);
    }
    int passed = planned - failed - skipped;
    printf("    # usertests: pass:%d fail:%d skip:%d total:%d\n", passed, failed, skipped, planned);
    printf("%s 1 usertests\n", failed == 0 ? "ok" : "not ok");
    printf("# Totals: pass:%d fail:%d skip:%d total:%d\n", passed, failed, skipped, planned);
    return failed > 255 ? 255 : failed;
}
