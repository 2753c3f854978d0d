/*
 * threadtest CASE: threads of one process, made with the raw clone call
 * glibc's pthread_create makes (the user libc has no pthreads). usertests
 * runs one case per table entry; exit status: the number of failed checks.
 *
 *   frames     processes of nine threads that hammer a futex mutex, join
 *              through CLEARTID, and end by exit_group or SIGKILL with
 *              threads asleep in futex: every frame comes back (sysinfo)
 *   shootdown  a thread spins reading a page on one hart while another
 *              munmaps it: once munmap returns, the reader loads it no more
 *              (at most the one load under way) and faults (SIGSEGV); on
 *              several harts that takes munmap's TLB shootdown
 *   copyrace   a thread unmaps and maps again, over and over, the buffer
 *              that another thread's write and read system calls copy
 *              from and into: each call copies all or fails with EFAULT,
 *              the kernel never faults on its own copy, and the pipe's
 *              bytes stay whole
 */
#include <sys/free_frames.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
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
#include <time.h>
#include <unistd.h>

#include "raw_thread.h"

static int failures;

#define CHECK(condition) check((condition), #condition, __LINE__)

static void check(bool ok, const char *text, int line)
{
    if (!ok) {
        printf("    # threadtest.c:%d: CHECK failed: %s (errno %d)\n", line, text, errno);
        failures++;
    }
}

static long free_frames(void)
{
    return free_frames_settled(); /* sys/free_frames.h: once the count holds still */
}

/* ---- frames ---- */

#define WORKERS 8
#define ROUNDS  2000

static int lock_word; /* 0 free, 1 taken, 2 taken with sleepers */
static long counter;

static int hammer(void *arg __attribute__((unused)))
{
    for (int i = 0; i < ROUNDS; i++) {
        int expected = 0;
        if (!__atomic_compare_exchange_n(&lock_word, &expected, 1, false, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED)) {
            while (__atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE) != 0)
                futex(&lock_word, (FUTEX_WAIT | FUTEX_PRIVATE_FLAG), 2);
        }
        counter++;
        if (__atomic_exchange_n(&lock_word, 0, __ATOMIC_RELEASE) == 2)
            futex(&lock_word, (FUTEX_WAKE | FUTEX_PRIVATE_FLAG), 1);
    }
    return 0;
}

static int sleep_forever(void *arg __attribute__((unused)))
{
    int never = 0;
    for (;;)
        futex(&never, (FUTEX_WAIT | FUTEX_PRIVATE_FLAG), 0);
    return 0;
}

/* The child: eight hammering threads joined, then one asleep for ever; then the end. */
static void threaded_child(bool by_kill)
{
    static char stacks[WORKERS + 1][STACK_SIZE] __attribute__((aligned(16)));
    static int tids[WORKERS + 1];
    for (int i = 0; i < WORKERS; i++)
        if (spawn(hammer, NULL, stacks[i], &tids[i]) <= 0)
            _exit(50);
    for (int i = 0; i < WORKERS; i++)
        join(&tids[i]);
    if (counter != (long)WORKERS * ROUNDS)
        _exit(51);
    spawn(sleep_forever, NULL, stacks[WORKERS], &tids[WORKERS]);
    if (by_kill)
        sleep_forever(NULL); /* the parent kills the process, two threads asleep */
    syscall1(SYS_exit_group, 0);
}

static void run_threaded_children(int count)
{
    for (int i = 0; i < count; i++) {
        bool by_kill = (i & 1) != 0;
        pid_t pid = fork();
        if (pid == 0)
            threaded_child(by_kill);
        if (by_kill) {
            struct timespec pause = {0, 30 * 1000 * 1000};
            nanosleep(&pause, NULL);
            kill(pid, SIGKILL);
        }
        int status = 0;
        CHECK(waitpid(pid, &status, 0) == pid);
        if (by_kill)
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        else
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

static void case_frames(void)
{
    run_threaded_children(2); /* the kernel heap may take frames once, and keep them */
    long before = free_frames();
    run_threaded_children(10);
    long after = free_frames();
    if (after != before)
        printf("    # free frames: %ld before, %ld after\n", before, after);
    CHECK(before > 0 && after == before);
}

/* ---- shootdown ---- */

static volatile int *page;
static volatile int reader_state; /* 1 reading, 2 faulted */
static volatile long reads;       /* loads that did not fault */
static sigjmp_buf reader_jump;

static void on_segv(int signal __attribute__((unused)))
{
    siglongjmp(reader_jump, 1);
}

static int reader(void *arg __attribute__((unused)))
{
    if (sigsetjmp(reader_jump, 1) != 0) {
        reader_state = 2;
        return 0;
    }
    reader_state = 1;
    for (;;) {
        (void)*page; /* the translation sits in this hart's TLB */
        reads++;
    }
}

static void case_shootdown(void)
{
    static char stack[STACK_SIZE] __attribute__((aligned(16)));
    static int tid;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_segv;
    CHECK(sigaction(SIGSEGV, &action, NULL) == 0);
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    *page = 42;
    CHECK(spawn(reader, NULL, stack, &tid) > 0);
    while (reader_state == 0)
        sched_yield();
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    /* With several harts, wait (a while, in user mode) until the reader runs beside this thread. */
    long probe = reads;
    for (long spin = 0; spin < 5000000 && reads - probe < 1000; spin++)
        ;
    CHECK(munmap((void *)page, 4096) == 0);
    /*
     * munmap returned: on every hart the page is gone now, so the reader
     * makes at most the one load it had begun. Without a shootdown it
     * would go on reading the old frame until its hart happens to flush
     * its TLB (in QEMU, at its next trap: a tick, up to 10 ms later).
     */
    long after_unmap = reads;
    for (volatile int spin = 0; spin < 200000; spin++)
        ;
    long later = reads;
    if (later - after_unmap > 1)
        printf("    # the reader loaded the unmapped page %ld times after munmap\n",
               later - after_unmap);
    CHECK(later - after_unmap <= 1);
    for (int i = 0; i < 100 && reader_state != 2; i++)
        nanosleep(&pause, NULL);
    CHECK(reader_state == 2);
    join(&tid);
}

/* ---- copyrace ---- */

#define RACE_BYTES  4096
#define RACE_ROUNDS 20000

static char *volatile race_buffer;
static volatile int flipper_running;
static volatile long flips;

/* Unmap the buffer and map it again at the same place, as fast as it goes. */
static int flipper(void *arg __attribute__((unused)))
{
    while (flipper_running) {
        munmap(race_buffer, RACE_BYTES);
        mmap(race_buffer, RACE_BYTES, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        flips++;
    }
    return 0;
}

/* The race itself, in a child process: its exit status is its failed checks. */
static void copyrace_child(void)
{
    static char stack[STACK_SIZE] __attribute__((aligned(16)));
    static int tid;
    static char bounce[RACE_BYTES];
    int fds[2];
    CHECK(pipe(fds) == 0);
    race_buffer =
        mmap(NULL, RACE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(race_buffer != MAP_FAILED);
    flipper_running = 1;
    CHECK(spawn(flipper, NULL, stack, &tid) > 0);
    long whole = 0;
    long refused = 0;
    long broken = 0;
    for (int round = 0; round < RACE_ROUNDS; round++) {
        /* Out of the buffer (copy_from_user) into the pipe ... */
        long wrote = write(fds[1], race_buffer, RACE_BYTES);
        if (wrote == RACE_BYTES) {
            whole++;
            /* ... and back into it (copy_to_user), through a bounce that is always there. */
            CHECK(read(fds[0], bounce, RACE_BYTES) == RACE_BYTES);
            long back = write(fds[1], bounce, RACE_BYTES);
            CHECK(back == RACE_BYTES);
            long got = read(fds[0], race_buffer, RACE_BYTES);
            if (got < 0 && errno == EFAULT) {
                refused++;
                CHECK(read(fds[0], bounce, RACE_BYTES) == RACE_BYTES); /* still there, whole */
            } else if (got != RACE_BYTES) {
                broken++;
            }
        } else if (wrote < 0 && errno == EFAULT) {
            refused++;
        } else {
            broken++;
        }
    }
    flipper_running = 0;
    join(&tid);
    printf("    # %ld whole copies, %ld refused with EFAULT, %ld flips\n", whole, refused, flips);
    CHECK(broken == 0);
    CHECK(whole > 0);
    CHECK(flips > 0);
    exit(failures);
}

static void case_copyrace(void)
{
    long before = free_frames();
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        copyrace_child();
    int status = -1;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(free_frames() == before); /* its pipe, its buffer, its thread: every frame back */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: threadtest frames|shootdown|copyrace\n");
        return 2;
    }
    if (strcmp(argv[1], "frames") == 0)
        case_frames();
    else if (strcmp(argv[1], "shootdown") == 0)
        case_shootdown();
    else if (strcmp(argv[1], "copyrace") == 0)
        case_copyrace();
    else
        return 2;
    return failures;
}
