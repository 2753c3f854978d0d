/*
 * threadedge: the edges of threads and futexes, as raw system calls where
 * glibc would hide them: futex timeouts, a value that differs, bad
 * pointers, wake counts; exit of one thread against exit_group; the
 * CLEARTID wake; SIGKILL to a threaded process; fork and execve-free
 * children of a threaded process; tgkill to one thread; and eight threads
 * hammering a futex mutex for an exact count. Only facts are printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "linuxtest.h"

static long futex(atomic_int *word, int op, int value, const struct timespec *timeout)
{
    long r = syscall(SYS_futex, word, op, value, timeout, NULL, 0);
    return r < 0 ? -errno : r;
}

/* ---- futex basics ---- */

static atomic_int word;
static atomic_int asleep;

static void *sleeper(void *arg __attribute__((unused)))
{
    atomic_fetch_add(&asleep, 1);
    while (futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL) == -EAGAIN && atomic_load(&word) == 0)
        ;
    return NULL;
}

static void futex_basics(void)
{
    struct timespec tenth = {0, 100 * 1000 * 1000};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &tenth);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long elapsed_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(r == -ETIMEDOUT, "wait with a 100 ms timeout: ETIMEDOUT");
    CHECK(elapsed_ms >= 100, "it waited at least 100 ms");
    CHECK(futex(&word, FUTEX_WAIT, 1, NULL) == -EAGAIN, "wait for a value the word lacks: EAGAIN");
    CHECK(futex((atomic_int *)8, FUTEX_WAIT, 0, NULL) == -EFAULT, "wait on a bad pointer: EFAULT");
    CHECK(futex((atomic_int *)((char *)&word + 1), FUTEX_WAIT, 0, NULL) == -EINVAL,
          "wait on an unaligned word: EINVAL");
    struct timespec bad = {0, 2000000000};
    CHECK(futex(&word, FUTEX_WAIT, 0, &bad) == -EINVAL, "a timeout with tv_nsec too big: EINVAL");
    CHECK(futex(&word, FUTEX_WAKE_PRIVATE, 5, NULL) == 0, "wake with nobody waiting: 0");

    /* Wake counts: three sleepers; wake 2, then the rest. */
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, sleeper, NULL);
    while (atomic_load(&asleep) < 3)
        sched_yield();
    /*
     * Whether a sleeper is in the kernel yet cannot be seen from here, so
     * wake 2 at a time until a wake finds two (each woken one waits again,
     * the word still being 0): a wake of 2 must never wake more than 2,
     * and must wake 2 once all three wait. Give up after five seconds.
     */
    struct timespec ms = {0, 5 * 1000 * 1000};
    long first = 0, most = 0;
    for (int tries = 0; tries < 1000 && first != 2; tries++) {
        nanosleep(&ms, NULL);
        first = futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL);
        most = first > most ? first : most;
    }
    CHECK(first == 2 && most == 2, "wake 2 of 3 sleepers: 2");
    atomic_store(&word, 1);
    long rest = futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    CHECK(rest <= 3, "wake the rest: no more than were there");
    CHECK(futex(&word, FUTEX_WAKE, 10, NULL) == 0, "after the joins nobody waits");
}

/* ---- CLEARTID, gettid ---- */

static pid_t worker_tid;

static void *report_tid(void *arg __attribute__((unused)))
{
    worker_tid = (pid_t)syscall(SYS_gettid);
    return NULL;
}

static void tids(void)
{
    pthread_t t;
    pthread_create(&t, NULL, report_tid, NULL);
    pthread_join(t, NULL); /* glibc sleeps on the CLEARTID word: it returns only if it is woken */
    CHECK(syscall(SYS_gettid) == getpid(), "the main thread's tid is the pid");
    CHECK(worker_tid > 0 && worker_tid != getpid(), "another thread has a tid of its own");
    CHECK(syscall(SYS_tgkill, getpid(), worker_tid, 0) == -1 && errno == ESRCH,
          "tgkill to an ended thread: ESRCH");
}

/* ---- tgkill to one thread ---- */

static volatile pid_t handled_by;

static void on_usr1(int signal __attribute__((unused)))
{
    handled_by = (pid_t)syscall(SYS_gettid);
}

static atomic_int target_ready, target_done;
static pid_t target_tid;

static void *target(void *arg __attribute__((unused)))
{
    target_tid = (pid_t)syscall(SYS_gettid);
    atomic_store(&target_ready, 1);
    while (handled_by == 0)
        sched_yield();
    atomic_store(&target_done, 1);
    return NULL;
}

static void directed(void)
{
    signal(SIGUSR1, on_usr1);
    pthread_t t;
    pthread_create(&t, NULL, target, NULL);
    while (!atomic_load(&target_ready))
        sched_yield();
    syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
    pthread_join(t, NULL);
    CHECK(handled_by == target_tid, "tgkill's signal ran in the thread it named");
}

/* ---- exit against exit_group, kill, fork: in children ---- */

static void *forever(void *arg __attribute__((unused)))
{
    atomic_int never = 0;
    for (;;)
        futex(&never, FUTEX_WAIT_PRIVATE, 0, NULL);
    return NULL;
}

static void *exit_group_soon(void *arg __attribute__((unused)))
{
    syscall(SYS_exit_group, 7);
    return NULL;
}

static void *exit_late(void *arg __attribute__((unused)))
{
    struct timespec ms = {0, 50 * 1000 * 1000};
    nanosleep(&ms, NULL);
    printf("  the last thread still runs after the first exited\n");
    /* The same code as the first thread's: Linux reports the first thread's code, qemu-user
       the last one's, and the comparison needs one answer. */
    syscall(SYS_exit, 3);
    return NULL;
}

static int child_status(void (*body)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(100);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void body_exit_group(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, forever, NULL);
    pthread_create(&t[1], NULL, exit_group_soon, NULL);
    forever(NULL);
}

static void body_main_exits_first(void)
{
    pthread_t t;
    pthread_create(&t, NULL, exit_late, NULL);
    syscall(SYS_exit, 3); /* this thread only */
}

static void body_killed(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, forever, NULL);
    kill(getpid(), SIGKILL);
    forever(NULL);
}

static void *forker(void *arg __attribute__((unused)))
{
    pid_t pid = fork();
    if (pid == 0) {
        /* The child has one thread: this one, whose tid is now its pid. */
        _exit(syscall(SYS_gettid) == getpid() ? 21 : 22);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return (void *)(long)status;
}

static void body_fork_in_thread(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, forever, NULL);
    pthread_create(&t[1], NULL, forker, NULL);
    void *status;
    pthread_join(t[1], &status);
    _exit(WIFEXITED((long)status) ? WEXITSTATUS((long)status) : 99);
}

static void processes(void)
{
    int s = child_status(body_exit_group);
    CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 7, "exit_group in one thread ends all: status 7");
    s = child_status(body_main_exits_first);
    CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 3,
          "the first thread exits, the process ends with the last: 3");
    s = child_status(body_killed);
    CHECK(WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL, "SIGKILL ends a process of four threads");
    s = child_status(body_fork_in_thread);
    CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 21, "fork in a thread: a child of one thread");
}

/* ---- eight threads, one futex mutex, an exact count ---- */

#define HAMMERS       8
#define HAMMER_ROUNDS 20000

static atomic_int lock_word; /* 0 free, 1 taken, 2 taken with sleepers */
static long hammer_count;

static void lock(void)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&lock_word, &expected, 1))
        return;
    while (atomic_exchange(&lock_word, 2) != 0)
        futex(&lock_word, FUTEX_WAIT_PRIVATE, 2, NULL);
}

static void unlock(void)
{
    if (atomic_exchange(&lock_word, 0) == 2)
        futex(&lock_word, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void *hammer(void *arg __attribute__((unused)))
{
    for (int i = 0; i < HAMMER_ROUNDS; i++) {
        lock();
        hammer_count++;
        unlock();
    }
    return NULL;
}

static void hammering(void)
{
    pthread_t t[HAMMERS];
    for (int i = 0; i < HAMMERS; i++)
        pthread_create(&t[i], NULL, hammer, NULL);
    for (int i = 0; i < HAMMERS; i++)
        pthread_join(t[i], NULL);
    printf("hammered: %ld\n", hammer_count);
    CHECK(hammer_count == (long)HAMMERS * HAMMER_ROUNDS,
          "8 x 20000 increments under a futex mutex");
}

int main(void)
{
    lt_init();
    futex_basics();
    tids();
    directed();
    processes();
    hammering();
    return lt_status();
}
