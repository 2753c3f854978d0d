/*
 * signal_test.c: the kernel side of signals that needs no user program:
 * sched_interrupt_locked ends interruptible sleeps (and only those), and
 * the signal frame has Linux's layout. The rest is tested from user mode
 * (user/prog/sigtest.c, usertests' signal_* cases).
 */
#include "ktest/ktest.h"
#include "abi/signal.h"
#include "arch/riscv.h"
#include "proc/interruptible.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "proc/wait_queue.h"
#include "trap/timer.h"

enum sleep_kind { TIMED_INTERRUPTIBLE, TIMED_ORDINARY, QUEUE_INTERRUPTIBLE };

static struct wait_queue sleepers = WAIT_QUEUE_INIT(sleepers, "signal test");
static volatile uint64_t slept_for;

/* Sleep the way `arg` says for up to `wake_after` time units; record how long it took. */
static int sleeper(void *arg)
{
    enum sleep_kind kind = (enum sleep_kind)(uintptr_t)arg;
    uint64_t start = read_time();
    uint64_t tenth = timer_frequency() / 10;
    if (kind == TIMED_INTERRUPTIBLE)
        sched_sleep_until_interruptible(start + 100 * tenth); /* ten seconds */
    else if (kind == TIMED_ORDINARY)
        sched_sleep_until(start + tenth);
    else
        wait_queue_sleep_interruptible(&sleepers, NULL);
    slept_for = read_time() - start;
    return 0;
}

/* Start a sleeper, wait until it is asleep, interrupt it, and join it. */
static void interrupt_a_sleeper(struct ktest *t, enum sleep_kind kind)
{
    slept_for = 0;
    struct thread *thread = thread_create(sleeper, (void *)(uintptr_t)kind, "sleeper");
    ASSERT_NOT_NULL(t, thread);
    for (;;) {
        spinlock_acquire(&sched_lock);
        bool asleep = thread->state == THREAD_BLOCKED;
        if (asleep)
            sched_interrupt_locked(thread);
        spinlock_release(&sched_lock);
        if (asleep)
            break;
        sched_sleep_ticks(1);
    }
    EXPECT_EQ(t, thread_join(thread, NULL), 0);
}

static void signal_interrupt_ends_an_interruptible_sleep(struct ktest *t)
{
    interrupt_a_sleeper(t, TIMED_INTERRUPTIBLE);
    EXPECT_LT(t, slept_for, timer_frequency()); /* well under its ten seconds */
    EXPECT_EQ(t, sched_sleeping_count(), 0ul);
}

static void signal_interrupt_leaves_an_ordinary_sleep_alone(struct ktest *t)
{
    interrupt_a_sleeper(t, TIMED_ORDINARY);
    EXPECT_GE(t, slept_for, timer_frequency() / 10); /* its whole tenth of a second */
}

static void signal_interrupt_takes_a_sleeper_off_its_wait_queue(struct ktest *t)
{
    interrupt_a_sleeper(t, QUEUE_INTERRUPTIBLE);
    EXPECT_EQ(t, wait_queue_wake_all(&sleepers), 0ul); /* nobody left on it */
}

static void signal_frame_has_the_layout_of_riscv64_linux(struct ktest *t)
{
    EXPECT_EQ(t, sizeof(siginfo_t), 128ul);
    EXPECT_EQ(t, __builtin_offsetof(struct rt_sigframe, uc), 128ul);
    EXPECT_EQ(t, __builtin_offsetof(struct ucontext, uc_sigmask), 40ul);
    EXPECT_EQ(t, __builtin_offsetof(struct ucontext, uc_mcontext), 176ul);
    EXPECT_EQ(t, __builtin_offsetof(struct sigcontext, sc_fpregs), 256ul);
    EXPECT_EQ(t, sizeof(struct rt_sigframe), 1088ul);
    EXPECT_EQ(t, __builtin_offsetof(siginfo_t, si_addr), 16ul);
    EXPECT_EQ(t, __builtin_offsetof(siginfo_t, si_status), 24ul);
    EXPECT_STREQ(t, signal_name(SIGSEGV), "SIGSEGV");
    EXPECT_STREQ(t, signal_name(SIGCHLD), "SIGCHLD");
    EXPECT_STREQ(t, signal_name(40), "SIG?");
}

static const struct ktest_case signal_cases[] = {
    KTEST_CASE(signal_interrupt_ends_an_interruptible_sleep),
    KTEST_CASE(signal_interrupt_leaves_an_ordinary_sleep_alone),
    KTEST_CASE(signal_interrupt_takes_a_sleeper_off_its_wait_queue),
    KTEST_CASE(signal_frame_has_the_layout_of_riscv64_linux),
    {0},
};
KTEST_SUITE(signal, signal_cases);
