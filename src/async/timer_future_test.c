/*
 * timer_future_test.c: sleeping futures, woken by the timer interrupt.
 *
 * Without -icount, `time` follows the host's clock, so these cases check
 * what holds however busy the host is: order, and never early. How late a
 * timer may be is checked under -icount by tests/kernel/async_timers.c.
 */
#include "async/executor.h"
#include "async/timer_future.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "arch/irq.h"
#include "trap/timer.h"

#define SLEEPERS 7

/* A task that sleeps, then writes down when it woke and in which place. */
struct sleeper {
    struct async_future future;
    struct async_sleep sleep;
    int id;
    uint64_t woke_at;
    int *order;
    int *finished;
};

static enum async_poll sleeper_poll(struct async_future *future, struct async_cx *cx)
{
    struct sleeper *s = ASYNC_CONTAINER_OF(future, struct sleeper, future);
    if (async_future_poll(&s->sleep.future, cx) == ASYNC_PENDING)
        return ASYNC_PENDING;
    s->woke_at = read_time();
    s->order[(*s->finished)++] = s->id;
    return ASYNC_READY;
}

static void async_timer_completes_in_deadline_order_never_early(struct ktest *t)
{
    /* Spawned in this order; two pairs share a deadline, and keep their spawn order. */
    static const uint64_t delay_ms[SLEEPERS] = {60, 10, 40, 20, 40, 5, 20};
    static const int expected[SLEEPERS] = {5, 1, 3, 6, 2, 4, 0};
    struct async_executor executor;
    struct sleeper sleepers[SLEEPERS];
    struct async_task tasks[SLEEPERS];
    int order[SLEEPERS];
    int finished = 0;
    async_executor_init(&executor, "timers");
    uint64_t base = read_time();
    for (int i = 0; i < SLEEPERS; i++) {
        sleepers[i] = (struct sleeper){
            .future = {.poll = sleeper_poll}, .id = i, .order = order, .finished = &finished};
        async_sleep_init_until(&sleepers[i].sleep, base + async_time_from_us(delay_ms[i] * 1000));
        async_task_init(&tasks[i], "sleeper", &sleepers[i].future);
        async_spawn(&executor, &tasks[i]);
    }
    async_executor_run(&executor);
    ASSERT_EQ(t, finished, SLEEPERS);
    for (int i = 0; i < SLEEPERS; i++)
        EXPECT_EQ(t, order[i], expected[i]);
    for (int i = 0; i < SLEEPERS; i++)
        EXPECT_GE(t, sleepers[i].woke_at, async_sleep_deadline(&sleepers[i].sleep));
    EXPECT_EQ(t, async_timers_pending(), 0ul);
    EXPECT_EQ(t, executor.idle_stats.woke_with_work, 0ul);
}

static void async_timer_past_deadline_is_ready_at_once(struct ktest *t)
{
    struct async_sleep sleep;
    struct async_cx cx = {.waker = {0}};
    async_sleep_init_until(&sleep, read_time());
    EXPECT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_READY);
    async_sleep_init_ms(&sleep, 0);
    EXPECT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_READY);
    EXPECT_EQ(t, async_timers_pending(), 0ul);
}

/* A cancelled timer leaves the queue, and its waker is never called. */
static int cancelled_wakes;

static void count_cancelled_wake(void *data)
{
    (void)data;
    cancelled_wakes++;
}

static void async_timer_cancel_takes_it_off_the_queue(struct ktest *t)
{
    struct async_sleep sleep;
    struct async_cx cx = {.waker = {.wake = count_cancelled_wake, .data = NULL}};
    cancelled_wakes = 0;
    uint64_t pending_before = async_timers_pending();
    async_sleep_init_ms(&sleep, 20);
    ASSERT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_PENDING);
    EXPECT_EQ(t, async_timers_pending(), pending_before + 1);
    EXPECT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_PENDING); /* polled again: once */
    EXPECT_EQ(t, async_timers_pending(), pending_before + 1);
    async_future_cancel(&sleep.future);
    EXPECT_EQ(t, async_timers_pending(), pending_before);
    /* Wait past its deadline and two more ticks: nothing may wake it. */
    uint64_t until = async_sleep_deadline(&sleep) + 2 * timer_interval();
    while (read_time() < until)
        wfi();
    EXPECT_EQ(t, cancelled_wakes, 0);
}

/* The tick wakes an expired timer even if nobody polls it: the waker runs in the interrupt. */
static int interrupt_wakes;

static void count_interrupt_wake(void *data)
{
    (void)data;
    if (!irq_enabled())
        interrupt_wakes++;
}

static void async_timer_is_woken_by_the_tick(struct ktest *t)
{
    struct async_sleep sleep;
    struct async_cx cx = {.waker = {.wake = count_interrupt_wake, .data = NULL}};
    interrupt_wakes = 0;
    uint64_t expired_before = async_timers_expired();
    async_sleep_init_ms(&sleep, 15);
    ASSERT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_PENDING);
    uint64_t give_up = read_time() + timer_frequency(); /* one second */
    while (interrupt_wakes == 0 && read_time() < give_up)
        wfi();
    EXPECT_EQ(t, interrupt_wakes, 1);
    EXPECT_GE(t, read_time(), async_sleep_deadline(&sleep));
    EXPECT_EQ(t, async_timers_expired(), expired_before + 1);
    EXPECT_TRUE(t, async_future_poll(&sleep.future, &cx) == ASYNC_READY);
}

static const struct ktest_case async_timer_cases[] = {
    KTEST_CASE(async_timer_completes_in_deadline_order_never_early),
    KTEST_CASE(async_timer_past_deadline_is_ready_at_once),
    KTEST_CASE(async_timer_cancel_takes_it_off_the_queue),
    KTEST_CASE(async_timer_is_woken_by_the_tick),
    {0},
};
/* The executor sleeps in wfi, which only this hart's tick ends: the other harts are held. */
KTEST_SUITE_HOOKS(async_timer, async_timer_cases, hold_other_harts_for_case,
                  release_other_harts_after_case);
