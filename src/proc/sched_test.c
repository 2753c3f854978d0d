/*
 * sched_test.c: the scheduler: both policies through the interface, FIFO
 * order and preemption with real threads, and the timer queue.
 *
 * The policy cases drive a private run queue with stand-in threads, so
 * both policies are tested in every build whatever SCHED= chose. The other
 * cases run real threads on the kernel's scheduler. Worker threads only use
 * EXPECT: an ASSERT jumps back to the test runner's stack, which belongs to
 * the boot thread, not to them.
 */
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "proc/sched.h"
#include "proc/sched_fifo.h"
#include "proc/sched_stride.h"
#include "proc/thread.h"
#include "trap/timer.h"

/* ---- The policies, on a private run queue ------------------------------------- */

#define STAND_INS 6

static struct thread stand_ins[STAND_INS];

static void stand_ins_reset(void)
{
    memset(stand_ins, 0, sizeof(stand_ins));
    for (int i = 0; i < STAND_INS; i++) {
        stand_ins[i].tid = 1000 + i;
        stand_ins[i].priority = THREAD_PRIORITY_DEFAULT;
        list_node_init(&stand_ins[i].run_node);
    }
}

static int picked_index(const struct sched_policy *policy, struct run_queue *queue)
{
    struct thread *thread = policy->pick_next(queue);
    return thread == NULL ? -1 : (int)(thread - stand_ins);
}

static void sched_fifo_policy_keeps_arrival_order(struct ktest *t)
{
    const struct sched_policy *fifo = &sched_policy_fifo;
    struct run_queue *queue = fifo->queue_create();
    ASSERT_NOT_NULL(t, queue);
    stand_ins_reset();
    EXPECT_EQ(t, picked_index(fifo, queue), -1);
    int order[] = {3, 0, 4, 1, 2};
    for (int i = 0; i < 5; i++)
        fifo->add(queue, &stand_ins[order[i]]);
    for (int i = 0; i < 5; i++)
        EXPECT_EQ(t, picked_index(fifo, queue), order[i]);
    EXPECT_EQ(t, picked_index(fifo, queue), -1);
    kfree(queue);
}

static void sched_fifo_policy_removes_and_ticks(struct ktest *t)
{
    const struct sched_policy *fifo = &sched_policy_fifo;
    struct run_queue *queue = fifo->queue_create();
    ASSERT_NOT_NULL(t, queue);
    stand_ins_reset();
    for (int i = 0; i < 4; i++)
        fifo->add(queue, &stand_ins[i]);
    fifo->remove(queue, &stand_ins[1]);
    EXPECT_FALSE(t, list_node_linked(&stand_ins[1].run_node));
    /* A running thread is preempted once its slice is used, and only if someone waits. */
    struct thread *running = &stand_ins[5];
    running->slice_used = sched_slice_ticks() - 1;
    EXPECT_FALSE(t, fifo->tick(queue, running));
    running->slice_used = sched_slice_ticks();
    EXPECT_TRUE(t, fifo->tick(queue, running));
    EXPECT_EQ(t, picked_index(fifo, queue), 0);
    EXPECT_EQ(t, picked_index(fifo, queue), 2);
    EXPECT_EQ(t, picked_index(fifo, queue), 3);
    EXPECT_FALSE(t, fifo->tick(queue, running)); /* nobody waits: keep running */
    kfree(queue);
}

/* Stride: a thread with three times the priority is picked three times as often. */
static void sched_stride_policy_shares_follow_priorities(struct ktest *t)
{
    const struct sched_policy *stride = &sched_policy_stride;
    struct run_queue *queue = stride->queue_create();
    ASSERT_NOT_NULL(t, queue);
    stand_ins_reset();
    stand_ins[0].priority = 3;
    stand_ins[1].priority = 1;
    stand_ins[2].priority = 2;
    for (int i = 0; i < 3; i++)
        stride->add(queue, &stand_ins[i]);
    int picks[3] = {0, 0, 0};
    for (int round = 0; round < 600; round++) {
        int index = picked_index(stride, queue);
        if (index < 0 || index > 2) {
            KTEST_CHECK_TRUE(t, index >= 0 && index <= 2, false);
            kfree(queue);
            return;
        }
        picks[index]++;
        stride->add(queue, &stand_ins[index]); /* ran its slice; ready again */
    }
    /* 600 picks shared 3:1:2 is 300, 100, 200, to within one pick each. */
    EXPECT_GE(t, picks[0], 299);
    EXPECT_LE(t, picks[0], 301);
    EXPECT_GE(t, picks[1], 99);
    EXPECT_LE(t, picks[1], 101);
    EXPECT_GE(t, picks[2], 199);
    EXPECT_LE(t, picks[2], 201);
    kfree(queue);
}

/* A thread that slept long must not come back with an ancient pass and hog the hart. */
static void sched_stride_policy_late_arrival_starts_at_the_floor(struct ktest *t)
{
    const struct sched_policy *stride = &sched_policy_stride;
    struct run_queue *queue = stride->queue_create();
    ASSERT_NOT_NULL(t, queue);
    stand_ins_reset();
    stride->add(queue, &stand_ins[0]);
    for (int round = 0; round < 50; round++)
        stride->add(queue, stride->pick_next(queue));
    stride->add(queue, &stand_ins[1]); /* pass 0, far behind */
    int late_picks = 0;
    for (int round = 0; round < 10; round++) {
        int index = picked_index(stride, queue);
        late_picks += index == 1;
        stride->add(queue, &stand_ins[index]);
    }
    /* Equal priorities: from the floor it alternates with the other, it does not run 10 in a row.
     */
    EXPECT_GE(t, late_picks, 4);
    EXPECT_LE(t, late_picks, 6);
    kfree(queue);
}

/* ---- Real threads ------------------------------------------------------------------ */

#define ORDER_THREADS 5
#define ORDER_ROUNDS  3

static int order_log[ORDER_THREADS * ORDER_ROUNDS];
static int order_count;

static int order_worker(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int round = 0; round < ORDER_ROUNDS; round++) {
        order_log[order_count++] = id;
        sched_yield();
    }
    return id;
}

/* FIFO: threads run in the order they became ready, and a yield sends one to the back. */
static void sched_fifo_order_holds(struct ktest *t)
{
    if (strcmp(sched_policy()->name, "fifo") != 0)
        KTEST_SKIP(t, "this kernel was built with another policy (SCHED=)");
    /* On one hart (the others held): on several, the workers would run side by side. */
    hold_other_harts();
    /* No preemption during the case: only the yields decide the order. */
    uint32_t slice = sched_slice_ticks();
    sched_set_slice_ticks(1000000);
    order_count = 0;
    struct thread *threads[ORDER_THREADS];
    for (int i = 0; i < ORDER_THREADS; i++) {
        threads[i] = thread_create(order_worker, (void *)(uintptr_t)i, "order");
        EXPECT_NOT_NULL(t, threads[i]);
    }
    for (int i = 0; i < ORDER_THREADS; i++) {
        int code = -1;
        if (threads[i] != NULL)
            EXPECT_EQ(t, thread_join(threads[i], &code), 0);
        EXPECT_EQ(t, code, i);
    }
    sched_set_slice_ticks(slice);
    EXPECT_EQ(t, order_count, ORDER_THREADS * ORDER_ROUNDS);
    /* Round robin: 0 1 2 3 4, 0 1 2 3 4, 0 1 2 3 4. */
    for (int i = 0; i < order_count; i++)
        EXPECT_EQ(t, order_log[i], i % ORDER_THREADS);
}

static volatile bool spinner_stop;
static volatile bool spinner_gave_up;
static volatile uint64_t spinner_loops;

/* Never yields, never sleeps: only the timer can take the hart away from it. */
static int spinner(void *unused)
{
    (void)unused;
    uint64_t give_up = read_time() + 5 * timer_frequency(); /* five seconds */
    while (!spinner_stop) {
        spinner_loops++;
        if (read_time() > give_up) {
            spinner_gave_up = true;
            break;
        }
    }
    return 0;
}

static void sched_never_yielding_thread_is_preempted(struct ktest *t)
{
    spinner_stop = false;
    spinner_gave_up = false;
    spinner_loops = 0;
    /* On one hart: an idle hart would run the spinner, and nobody would need to preempt it. */
    hold_other_harts();
    struct sched_stats before;
    sched_get_stats(&before);
    struct thread *thread = thread_create(spinner, NULL, "spinner");
    ASSERT_NOT_NULL(t, thread);
    /* The spinner runs now; this thread runs again only if the timer preempts it. */
    sched_yield();
    uint64_t loops_seen = spinner_loops;
    uint64_t preemptions_seen = thread->preemptions;
    spinner_stop = true;
    EXPECT_EQ(t, thread_join(thread, NULL), 0);
    struct sched_stats after;
    sched_get_stats(&after);
    EXPECT_FALSE(t, spinner_gave_up);
    EXPECT_GT(t, loops_seen, 0ul);
    EXPECT_GE(t, preemptions_seen, 1ul);
    EXPECT_GE(t, after.preemptions - before.preemptions, 1ul);
}

/* Yielding with nobody else ready returns at once, still running. */
static void sched_yield_alone_keeps_running(struct ktest *t)
{
    struct thread *self = thread_current();
    for (int i = 0; i < 10; i++)
        sched_yield();
    EXPECT_EQ(t, (int)self->state, (int)THREAD_RUNNING);
    EXPECT_TRUE(t, thread_current() == self);
}

#define SLEEPERS 4

static int wake_order[SLEEPERS];
static int wake_count;
static uint64_t sleep_asked[SLEEPERS] = {40, 10, 30, 20}; /* milliseconds */
static uint64_t sleep_took[SLEEPERS];

static int sleeper(void *arg)
{
    int id = (int)(uintptr_t)arg;
    uint64_t start = read_time();
    sched_sleep_ns(sleep_asked[id] * 1000000);
    sleep_took[id] = read_time() - start;
    wake_order[wake_count++] = id;
    return 0;
}

/* The timer queue wakes in deadline order, and never before the time asked. */
static void sched_sleepers_wake_in_deadline_order(struct ktest *t)
{
    /* On one hart: sleepers woken by one tick would otherwise run, and log, side by side. */
    hold_other_harts();
    wake_count = 0;
    struct thread *threads[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++)
        threads[i] = thread_create(sleeper, (void *)(uintptr_t)i, "sleeper");
    for (int i = 0; i < SLEEPERS; i++) {
        if (threads[i] != NULL)
            thread_join(threads[i], NULL);
    }
    ASSERT_EQ(t, wake_count, SLEEPERS);
    int expected_order[SLEEPERS] = {1, 3, 2, 0}; /* 10, 20, 30, 40 ms */
    for (int i = 0; i < SLEEPERS; i++)
        EXPECT_EQ(t, wake_order[i], expected_order[i]);
    for (int i = 0; i < SLEEPERS; i++)
        EXPECT_GE(t, sleep_took[i], sleep_asked[i] * timer_frequency() / 1000);
    EXPECT_EQ(t, sched_sleeping_count(), 0ul);
}

static volatile uint64_t share_loops[2];
static volatile bool share_stop;

static int share_spinner(void *arg)
{
    int id = (int)(uintptr_t)arg;
    while (!share_stop)
        share_loops[id]++;
    return 0;
}

/* Stride with real threads: priority 3 against 1 gets about three times the hart. */
static void sched_stride_priorities_share_the_hart(struct ktest *t)
{
    if (strcmp(sched_policy()->name, "stride") != 0)
        KTEST_SKIP(t, "this kernel uses another policy; the stride cases above test it alone");
    /* Shares of one hart: with two threads and two free harts, each would have its own. */
    hold_other_harts();
    share_stop = false;
    share_loops[0] = share_loops[1] = 0;
    struct thread *high = thread_create(share_spinner, (void *)0, "share-high");
    struct thread *low = thread_create(share_spinner, (void *)1, "share-low");
    ASSERT_NOT_NULL(t, high);
    ASSERT_NOT_NULL(t, low);
    sched_set_priority(high, 3 * THREAD_PRIORITY_DEFAULT / 2);
    sched_set_priority(low, THREAD_PRIORITY_DEFAULT / 2);
    sched_sleep_ns(400 * 1000000ull);
    share_stop = true;
    thread_join(high, NULL);
    thread_join(low, NULL);
    /* 3:1, with slack for the slices that were under way at the start and the end. */
    uint64_t high_loops = share_loops[0];
    uint64_t low_loops = share_loops[1];
    EXPECT_GT(t, low_loops, 0ul);
    EXPECT_GE(t, high_loops * 10, low_loops * 24);
    EXPECT_LE(t, high_loops * 10, low_loops * 36);
}

static const struct ktest_case sched_cases[] = {
    KTEST_CASE(sched_fifo_policy_keeps_arrival_order),
    KTEST_CASE(sched_fifo_policy_removes_and_ticks),
    KTEST_CASE(sched_stride_policy_shares_follow_priorities),
    KTEST_CASE(sched_stride_policy_late_arrival_starts_at_the_floor),
    KTEST_CASE(sched_fifo_order_holds),
    KTEST_CASE(sched_never_yielding_thread_is_preempted),
    KTEST_CASE(sched_yield_alone_keeps_running),
    KTEST_CASE(sched_sleepers_wake_in_deadline_order),
    KTEST_CASE(sched_stride_priorities_share_the_hart),
    {0},
};
/* The cases that hold the other harts leave it to this, which also runs after an ASSERT. */
static void release_after_case(struct ktest *t)
{
    (void)t;
    release_other_harts();
}

KTEST_SUITE_HOOKS(sched, sched_cases, NULL, release_after_case);
