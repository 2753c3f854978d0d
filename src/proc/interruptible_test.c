/*
 * interruptible_test.c: a wait-queue sleep with a deadline (ppoll's
 * timeout), proc/interruptible.h. The sleeper is on the wait queue and in
 * the timer queue at once; whichever ends the sleep must take it off both,
 * or a later wake-up or tick would find a thread that is no longer asleep.
 */
#include "abi/errno.h"
#include "arch/riscv.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "proc/interruptible.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"
#include "trap/timer.h"

static struct spinlock guard = SPINLOCK_INIT("timed sleep test");
static struct wait_queue queue = WAIT_QUEUE_INIT(queue, "timed sleep test");

/* The deadline comes first: -ETIMEDOUT, not before it, and the queue is empty after. */
static void timed_sleep_ends_at_its_deadline(struct ktest *t)
{
    size_t sleeping = sched_sleeping_count();
    uint64_t start = read_time();
    uint64_t deadline = start + 2 * timer_interval();
    spinlock_acquire(&guard);
    int result = wait_queue_sleep_until_interruptible(&queue, &guard, deadline);
    EXPECT_FALSE(t, wait_queue_wake_one(&queue)); /* nobody left on the queue */
    spinlock_release(&guard);
    EXPECT_EQ(t, result, -ETIMEDOUT);
    EXPECT_GE(t, read_time(), deadline);
    EXPECT_EQ(t, sched_sleeping_count(), sleeping);
}

/* Wake the sleeper as soon as it is on the queue (a tick may run this thread first). */
static int wake_soon(void *unused)
{
    (void)unused;
    for (int tries = 0; tries < 1000; tries++) {
        spinlock_acquire(&guard);
        bool woken = wait_queue_wake_one(&queue);
        spinlock_release(&guard);
        if (woken)
            return 1;
        sched_yield();
    }
    return 0;
}

/* A wake-up comes first: 0, long before the deadline, and the timer queue no longer holds it. */
static void timed_sleep_woken_early_leaves_the_timer_queue(struct ktest *t)
{
    hold_other_harts(); /* the waker runs only once this thread sleeps */
    size_t sleeping = sched_sleeping_count();
    uint64_t deadline = read_time() + 10 * timer_frequency();
    struct thread *waker = thread_create(wake_soon, NULL, "waker");
    ASSERT_NOT_NULL(t, waker);
    spinlock_acquire(&guard);
    int result = wait_queue_sleep_until_interruptible(&queue, &guard, deadline);
    spinlock_release(&guard);
    int woke = 0;
    thread_join(waker, &woke);
    release_other_harts();
    EXPECT_EQ(t, result, 0);
    EXPECT_EQ(t, woke, 1);
    EXPECT_LT(t, read_time(), deadline);
    EXPECT_EQ(t, sched_sleeping_count(), sleeping);
}

/* A deadline already past: -ETIMEDOUT at once, without sleeping. */
static void timed_sleep_with_a_past_deadline_returns_at_once(struct ktest *t)
{
    spinlock_acquire(&guard);
    int result = wait_queue_sleep_until_interruptible(&queue, &guard, read_time() - 1);
    spinlock_release(&guard);
    EXPECT_EQ(t, result, -ETIMEDOUT);
}

static const struct ktest_case timed_sleep_cases[] = {
    KTEST_CASE(timed_sleep_ends_at_its_deadline),
    KTEST_CASE(timed_sleep_woken_early_leaves_the_timer_queue),
    KTEST_CASE(timed_sleep_with_a_past_deadline_returns_at_once),
    {0},
};
KTEST_SUITE(timed_sleep, timed_sleep_cases);
