/*
 * executor_test.c: the executor's ready queue and wakers, on the target.
 *
 * Most cases step the executor by hand with async_executor_run_ready (which
 * never sleeps), so each poll can be counted; the last ones let
 * async_executor_run sleep with wfi and be woken by the timer interrupt.
 */
#include "async/executor.h"
#include "async/ktest_gate.h"
#include "async/timer_future.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/irq.h"

/* The case that woken-twice-is-polled-once is about: two wakes before the executor runs. */
static void async_executor_task_woken_twice_is_polled_once(struct ktest *t)
{
    struct async_executor executor;
    struct ktest_gate gate;
    struct async_task task;
    async_executor_init(&executor, "test");
    ktest_gate_init(&gate);
    async_task_init(&task, "gate", &gate.future);
    async_spawn(&executor, &task);
    EXPECT_EQ(t, async_executor_run_ready(&executor), 1ul);
    ASSERT_EQ(t, gate.polls, 1);

    async_task_wake(&task);
    async_task_wake(&task);
    EXPECT_EQ(t, executor.wakes_queued, 1ul);
    EXPECT_EQ(t, executor.wakes_merged, 1ul);
    EXPECT_EQ(t, async_executor_run_ready(&executor), 1ul);
    EXPECT_EQ(t, gate.polls, 2);
    EXPECT_EQ(t, task.polls, 2ul);
    EXPECT_FALSE(t, async_task_done(&task));

    ktest_gate_open(&gate);
    ktest_gate_poke(&gate); /* the open already woke it: this one merges */
    EXPECT_EQ(t, async_executor_run_ready(&executor), 1ul);
    EXPECT_EQ(t, gate.polls, 3);
    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_EQ(t, async_executor_tasks_alive(&executor), 0ul);
}

/* A future that wakes its own task `yields` times, then is ready: the yield pattern. */
struct yielder {
    struct async_future future;
    int yields;
    int polls;
};

static enum async_poll yielder_poll(struct async_future *future, struct async_cx *cx)
{
    struct yielder *y = ASYNC_CONTAINER_OF(future, struct yielder, future);
    y->polls++;
    if (y->yields == 0)
        return ASYNC_READY;
    y->yields--;
    async_waker_wake(&cx->waker);
    return ASYNC_PENDING;
}

static void async_executor_wake_during_poll_polls_again(struct ktest *t)
{
    struct async_executor executor;
    struct yielder y = {.future = {.poll = yielder_poll}, .yields = 5};
    struct async_task task;
    async_executor_init(&executor, "test");
    async_task_init(&task, "yielder", &y.future);
    async_spawn(&executor, &task);
    EXPECT_EQ(t, async_executor_run_ready(&executor), 6ul);
    EXPECT_EQ(t, y.polls, 6);
    EXPECT_TRUE(t, async_task_done(&task));
}

/* A task woken during the poll that finishes it is not polled again, and later wakes do nothing. */
static void async_executor_done_task_ignores_wakes(struct ktest *t)
{
    struct async_executor executor;
    struct yielder y = {.future = {.poll = yielder_poll}, .yields = 0};
    struct async_task task;
    async_executor_init(&executor, "test");
    async_task_init(&task, "once", &y.future);
    async_spawn(&executor, &task);
    EXPECT_EQ(t, async_executor_run_ready(&executor), 1ul);
    async_task_wake(&task);
    EXPECT_FALSE(t, async_executor_has_ready(&executor));
    EXPECT_EQ(t, async_executor_run_ready(&executor), 0ul);
    EXPECT_EQ(t, y.polls, 1);
}

/* A future that records the order in which tasks were polled. */
struct order_probe {
    struct async_future future;
    int id;
    int *log;
    int *log_length;
    struct ktest_gate *gate; /* pending until its gate opens */
};

static enum async_poll order_probe_poll(struct async_future *future, struct async_cx *cx)
{
    struct order_probe *probe = ASYNC_CONTAINER_OF(future, struct order_probe, future);
    probe->log[(*probe->log_length)++] = probe->id;
    return ktest_gate_poll(&probe->gate->future, cx);
}

static void async_executor_polls_in_wake_order(struct ktest *t)
{
    struct async_executor executor;
    struct ktest_gate gates[3];
    struct order_probe probes[3];
    struct async_task tasks[3];
    int log[16] = {0};
    int length = 0;
    async_executor_init(&executor, "test");
    for (int i = 0; i < 3; i++) {
        ktest_gate_init(&gates[i]);
        probes[i] = (struct order_probe){{order_probe_poll, NULL}, i, log, &length, &gates[i]};
        async_task_init(&tasks[i], "probe", &probes[i].future);
        async_spawn(&executor, &tasks[i]);
    }
    async_executor_run_ready(&executor);
    ktest_gate_open(&gates[2]);
    ktest_gate_open(&gates[0]);
    ktest_gate_open(&gates[1]);
    async_executor_run_ready(&executor);
    ASSERT_EQ(t, length, 6);
    /* Spawn order first, then the order of the wakes: first in, first out. */
    int expected[6] = {0, 1, 2, 2, 0, 1};
    for (int i = 0; i < 6; i++)
        EXPECT_EQ(t, log[i], expected[i]);
    EXPECT_EQ(t, async_executor_tasks_alive(&executor), 0ul);
}

/* A task that spawns another one on its own executor, then waits for it. */
struct parent {
    struct async_future future;
    struct async_executor *executor;
    struct async_task child_task;
    struct yielder child;
    bool spawned;
};

static enum async_poll parent_poll(struct async_future *future, struct async_cx *cx)
{
    (void)cx;
    struct parent *p = ASYNC_CONTAINER_OF(future, struct parent, future);
    if (!p->spawned) {
        p->spawned = true;
        p->child = (struct yielder){.future = {.poll = yielder_poll}, .yields = 2};
        async_task_init(&p->child_task, "child", &p->child.future);
        async_spawn(p->executor, &p->child_task);
        async_waker_wake(&cx->waker); /* look again after the child has run */
        return ASYNC_PENDING;
    }
    if (async_task_done(&p->child_task))
        return ASYNC_READY;
    async_waker_wake(&cx->waker);
    return ASYNC_PENDING;
}

static void async_executor_task_can_spawn_a_task(struct ktest *t)
{
    struct async_executor executor;
    struct parent p = {.future = {.poll = parent_poll}, .executor = &executor};
    struct async_task task;
    async_executor_init(&executor, "test");
    async_task_init(&task, "parent", &p.future);
    async_spawn(&executor, &task);
    async_executor_run_ready(&executor);
    EXPECT_TRUE(t, async_task_done(&p.child_task));
    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_EQ(t, p.child.polls, 3);
}

/*
 * Wakers compose: this future hands its inner timer a waker of its own,
 * which notes how it was called and then wakes the task. Called from the
 * timer interrupt, it finds interrupts off and the task not being polled.
 */
struct wake_spy {
    struct async_future future;
    struct async_sleep sleep;
    struct async_waker task_waker;
    bool polling;
    int wakes;
    int wakes_from_interrupt; /* interrupts off, outside any poll */
};

static void wake_spy_wake(void *data)
{
    struct wake_spy *spy = data;
    spy->wakes++;
    if (!irq_enabled() && !spy->polling)
        spy->wakes_from_interrupt++;
    async_waker_wake(&spy->task_waker);
}

static enum async_poll wake_spy_poll(struct async_future *future, struct async_cx *cx)
{
    struct wake_spy *spy = ASYNC_CONTAINER_OF(future, struct wake_spy, future);
    spy->polling = true;
    spy->task_waker = cx->waker;
    struct async_cx inner = {.waker = {.wake = wake_spy_wake, .data = spy}};
    enum async_poll result = async_future_poll(&spy->sleep.future, &inner);
    spy->polling = false;
    return result;
}

static void async_executor_waker_from_timer_interrupt_ends_the_sleep(struct ktest *t)
{
    ASSERT_TRUE(t, irq_enabled());
    struct async_executor executor;
    struct wake_spy spy = {.future = {.poll = wake_spy_poll}};
    struct async_task task;
    /*
     * This hart's own tick must wake it: the other harts, whose ticks wake timers too, wait.
     * Held first, then the deadline: holding them can take longer than 30 ms on a busy host,
     * and a sleep already over at its first poll would never need the interrupt.
     */
    hold_other_harts();
    async_sleep_init_ms(&spy.sleep, 30);
    async_executor_init(&executor, "test");
    async_task_init(&task, "spy", &spy.future);
    async_spawn(&executor, &task);
    async_executor_run(&executor);
    release_other_harts();
    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_EQ(t, spy.wakes, 1);
    EXPECT_EQ(t, spy.wakes_from_interrupt, 1);
    EXPECT_GE(t, executor.idle_stats.sleeps, 1ul); /* it slept in wfi while waiting */
    EXPECT_EQ(t, executor.idle_stats.woke_with_work, 0ul);
    EXPECT_EQ(t, task.polls, 2ul);
}

/* A replaced idle is what run calls; notify is called for each wake that queues. */
static int custom_waits;
static int custom_notifies;

static void custom_wait(struct async_executor *executor)
{
    custom_waits++;
    async_executor_idle_wfi(executor);
}

static void custom_notify(struct async_executor *executor)
{
    (void)executor;
    custom_notifies++;
}

static void async_executor_custom_idle_is_used(struct ktest *t)
{
    static const struct async_executor_idle custom = {.wait = custom_wait, .notify = custom_notify};
    struct async_executor executor;
    struct async_sleep sleep;
    struct async_task task;
    custom_waits = 0;
    custom_notifies = 0;
    async_sleep_init_ms(&sleep, 20);
    async_executor_init(&executor, "test");
    async_executor_set_idle(&executor, &custom, NULL);
    async_task_init(&task, "sleep", &sleep.future);
    async_spawn(&executor, &task);
    async_executor_run(&executor);
    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_GE(t, custom_waits, 1);
    EXPECT_EQ(t, custom_notifies, 2); /* the spawn, and the timer's wake */
}

static const struct ktest_case async_executor_cases[] = {
    KTEST_CASE(async_executor_task_woken_twice_is_polled_once),
    KTEST_CASE(async_executor_wake_during_poll_polls_again),
    KTEST_CASE(async_executor_done_task_ignores_wakes),
    KTEST_CASE(async_executor_polls_in_wake_order),
    KTEST_CASE(async_executor_task_can_spawn_a_task),
    KTEST_CASE(async_executor_waker_from_timer_interrupt_ends_the_sleep),
    KTEST_CASE(async_executor_custom_idle_is_used),
    {0},
};
KTEST_SUITE(async_executor, async_executor_cases);
