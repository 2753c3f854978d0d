/*
 * combinators_test.c: join and select, over hand-operated gates and timers.
 */
#include "async/combinators.h"
#include "async/executor.h"
#include "async/ktest_gate.h"
#include "async/timer_future.h"
#include "ktest/ktest.h"
#include "arch/riscv.h"

static bool poll_ready(struct async_future *future)
{
    struct async_cx cx = {.waker = {0}};
    return async_future_poll(future, &cx) == ASYNC_READY;
}

static void async_combinators_join_waits_for_every_future(struct ktest *t)
{
    struct ktest_gate gates[3];
    struct async_future *futures[3];
    struct async_join join;
    for (int i = 0; i < 3; i++) {
        ktest_gate_init(&gates[i]);
        futures[i] = &gates[i].future;
    }
    async_join_init(&join, futures, 3);
    EXPECT_FALSE(t, poll_ready(&join.future));
    gates[2].open = true;
    EXPECT_FALSE(t, poll_ready(&join.future));
    gates[0].open = true;
    EXPECT_FALSE(t, poll_ready(&join.future));
    gates[1].open = true;
    EXPECT_TRUE(t, poll_ready(&join.future));
    /* A finished future is not polled again: gate 2 was polled twice (pending, ready). */
    EXPECT_EQ(t, gates[0].polls, 3);
    EXPECT_EQ(t, gates[1].polls, 4);
    EXPECT_EQ(t, gates[2].polls, 2);
    EXPECT_EQ(t, gates[0].cancels + gates[1].cancels + gates[2].cancels, 0);
}

static void async_combinators_select_takes_the_first_and_cancels_the_rest(struct ktest *t)
{
    struct ktest_gate gates[3];
    struct async_future *futures[3];
    struct async_select select;
    for (int i = 0; i < 3; i++) {
        ktest_gate_init(&gates[i]);
        futures[i] = &gates[i].future;
    }
    async_select_init(&select, futures, 3);
    EXPECT_FALSE(t, poll_ready(&select.future));
    EXPECT_EQ(t, select.winner, -1);
    gates[1].open = true;
    gates[2].open = true; /* both ready: the earlier one in the array wins */
    EXPECT_TRUE(t, poll_ready(&select.future));
    EXPECT_EQ(t, select.winner, 1);
    EXPECT_EQ(t, gates[0].cancels, 1);
    EXPECT_EQ(t, gates[1].cancels, 0);
    EXPECT_EQ(t, gates[2].cancels, 1);
    EXPECT_FALSE(t, gates[0].has_waker);
}

/* A task that joins two sleeps and then selects between a gate and a third sleep. */
struct timed {
    struct async_future future;
    int step;
    struct async_sleep short_sleep;
    struct async_sleep long_sleep;
    struct async_sleep timeout;
    struct ktest_gate never;
    struct async_future *both[2];
    struct async_future *either[2];
    struct async_join join;
    struct async_select select;
    uint64_t joined_at;
    uint64_t selected_at;
};

static enum async_poll timed_poll(struct async_future *future, struct async_cx *cx)
{
    struct timed *td = ASYNC_CONTAINER_OF(future, struct timed, future);
    if (td->step == 0) {
        if (async_future_poll(&td->join.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        td->joined_at = read_time();
        async_sleep_init_ms(&td->timeout, 10);
        async_select_init(&td->select, td->either, 2);
        td->step = 1;
    }
    if (async_future_poll(&td->select.future, cx) == ASYNC_PENDING)
        return ASYNC_PENDING;
    td->selected_at = read_time();
    return ASYNC_READY;
}

static void async_combinators_join_and_select_over_timers(struct ktest *t)
{
    struct timed td = {.future = {.poll = timed_poll}};
    struct async_executor executor;
    struct async_task task;
    async_sleep_init_ms(&td.short_sleep, 10);
    async_sleep_init_ms(&td.long_sleep, 30);
    ktest_gate_init(&td.never);
    td.both[0] = &td.short_sleep.future;
    td.both[1] = &td.long_sleep.future;
    td.either[0] = &td.never.future;
    td.either[1] = &td.timeout.future;
    async_join_init(&td.join, td.both, 2);
    async_executor_init(&executor, "test");
    async_task_init(&task, "timed", &td.future);
    async_spawn(&executor, &task);
    async_executor_run(&executor);
    ASSERT_TRUE(t, async_task_done(&task));
    EXPECT_GE(t, td.joined_at, async_sleep_deadline(&td.long_sleep));
    EXPECT_EQ(t, td.select.winner, 1);
    EXPECT_GE(t, td.selected_at, async_sleep_deadline(&td.timeout));
    EXPECT_EQ(t, td.never.cancels, 1);
    EXPECT_EQ(t, async_timers_pending(), 0ul);
}

static const struct ktest_case async_combinators_cases[] = {
    KTEST_CASE(async_combinators_join_waits_for_every_future),
    KTEST_CASE(async_combinators_select_takes_the_first_and_cancels_the_rest),
    KTEST_CASE(async_combinators_join_and_select_over_timers),
    {0},
};
KTEST_SUITE(async_combinators, async_combinators_cases);
