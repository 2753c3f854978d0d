/*
 * sync_hidden_test.c: lab 6's hidden cases (graded in the course tree and on
 * Gradescope, never in the handout). Each checks one promise of the
 * primitives that the visible tests only touch in passing.
 *
 * Worker threads only use EXPECT: an ASSERT would jump back to the test
 * runner's stack from another thread's.
 */
#include "ktest/ktest.h"
#include "arch/riscv.h"
#include "proc/condvar.h"
#include "proc/mutex.h"
#include "proc/sched.h"
#include "proc/semaphore.h"
#include "proc/thread.h"

static struct mutex hidden_mutex;
static struct condvar hidden_condvar;
static volatile bool hidden_flag;
static volatile int hidden_count;
static struct ktest *hidden_t;

static int wait_then_check_ownership(void *unused)
{
    (void)unused;
    mutex_lock(&hidden_mutex);
    while (!hidden_flag)
        condvar_wait(&hidden_condvar, &hidden_mutex);
    EXPECT_TRUE(hidden_t, mutex_held(&hidden_mutex)); /* back from the wait, holding it */
    hidden_count++;
    mutex_unlock(&hidden_mutex);
    return 0;
}

static void sync_hidden_condvar_wait_returns_holding_the_mutex(struct ktest *t)
{
    hidden_t = t;
    mutex_init(&hidden_mutex, "hidden");
    condvar_init(&hidden_condvar, "hidden");
    hidden_flag = false;
    hidden_count = 0;
    struct thread *waiter = thread_create(wait_then_check_ownership, NULL, "hidden-waiter");
    ASSERT_NOT_NULL(t, waiter);
    sched_sleep_ticks(2);
    /* The waiter let the mutex go while it waits: this thread can take it. */
    EXPECT_TRUE(t, mutex_try_lock(&hidden_mutex));
    hidden_flag = true;
    condvar_signal(&hidden_condvar);
    mutex_unlock(&hidden_mutex);
    thread_join(waiter, NULL);
    EXPECT_EQ(t, hidden_count, 1);
}

static struct semaphore hidden_semaphore;

static int down_once(void *unused)
{
    (void)unused;
    semaphore_down(&hidden_semaphore);
    __atomic_fetch_add(&hidden_count, 1, __ATOMIC_RELEASE);
    return 0;
}

static void sync_hidden_semaphore_wakes_one_per_up(struct ktest *t)
{
    semaphore_init(&hidden_semaphore, 0, "hidden");
    hidden_count = 0;
    struct thread *threads[3];
    for (int i = 0; i < 3; i++) {
        threads[i] = thread_create(down_once, NULL, "hidden-down");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    sched_sleep_ticks(2);
    EXPECT_EQ(t, hidden_count, 0);
    for (int up = 1; up <= 3; up++) {
        semaphore_up(&hidden_semaphore);
        sched_sleep_ticks(2);
        EXPECT_EQ(t, hidden_count, up);
    }
    for (int i = 0; i < 3; i++)
        thread_join(threads[i], NULL);
    EXPECT_EQ(t, semaphore_count(&hidden_semaphore), 0ul);
}

static int hold_for_a_while(void *unused)
{
    (void)unused;
    mutex_lock(&hidden_mutex);
    hidden_flag = true;
    sched_sleep_ticks(3);
    mutex_unlock(&hidden_mutex);
    return 0;
}

static void sync_hidden_try_lock_fails_while_another_holds(struct ktest *t)
{
    mutex_init(&hidden_mutex, "hidden");
    hidden_flag = false;
    struct thread *holder = thread_create(hold_for_a_while, NULL, "hidden-holder");
    ASSERT_NOT_NULL(t, holder);
    while (!hidden_flag)
        sched_yield();
    EXPECT_FALSE(t, mutex_try_lock(&hidden_mutex));
    EXPECT_FALSE(t, mutex_held(&hidden_mutex));
    thread_join(holder, NULL);
    EXPECT_TRUE(t, mutex_try_lock(&hidden_mutex));
    mutex_unlock(&hidden_mutex);
}

static int lock_and_count(void *unused)
{
    (void)unused;
    mutex_lock(&hidden_mutex);
    hidden_count++;
    mutex_unlock(&hidden_mutex);
    return 0;
}

/* Sleepers on a held mutex each get it once it is let go, and none runs while it is held. */
static void sync_hidden_unlock_hands_over_to_a_sleeper(struct ktest *t)
{
    mutex_init(&hidden_mutex, "hidden");
    hidden_count = 0;
    mutex_lock(&hidden_mutex);
    struct thread *threads[3];
    for (int i = 0; i < 3; i++) {
        threads[i] = thread_create(lock_and_count, NULL, "hidden-locker");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    sched_sleep_ticks(2);
    EXPECT_EQ(t, hidden_count, 0);
    EXPECT_EQ(t, hidden_mutex.sleepers, 3u);
    mutex_unlock(&hidden_mutex);
    for (int i = 0; i < 3; i++)
        thread_join(threads[i], NULL);
    EXPECT_EQ(t, hidden_count, 3);
    EXPECT_NULL(t, hidden_mutex.owner);
}

static const struct ktest_case sync_hidden_cases[] = {
    KTEST_CASE(sync_hidden_condvar_wait_returns_holding_the_mutex),
    KTEST_CASE(sync_hidden_semaphore_wakes_one_per_up),
    KTEST_CASE(sync_hidden_try_lock_fails_while_another_holds),
    KTEST_CASE(sync_hidden_unlock_hands_over_to_a_sleeper),
    {0},
};
KTEST_SUITE(sync_hidden, sync_hidden_cases);
