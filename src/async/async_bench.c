/*
 * async_bench.c: what the executor's basic steps cost, in guest instructions.
 *
 * Counted with instret under qemu -icount shift=0 (make bench), with
 * interrupts off so that no tick lands inside a sample. Each figure is a
 * median of many samples, or a total divided by the steps it covered.
 */
#include "async/channel.h"
#include "async/executor.h"
#include "bench/bench.h"
#include "arch/riscv.h"
#include "arch/irq.h"

#define SAMPLES 501
#define ROUNDS  1000

static enum async_poll ready_at_once(struct async_future *future, struct async_cx *cx)
{
    (void)future;
    (void)cx;
    return ASYNC_READY;
}

/* Spawn a task whose future is ready at once, and poll it to the end. */
static void bench_spawn_poll(void)
{
    static uint64_t samples[SAMPLES];
    struct async_future future = {.poll = ready_at_once};
    struct async_executor executor;
    struct async_task task;
    async_executor_init(&executor, "bench");
    irq_state_t state = irq_save();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        async_task_init(&task, "once", &future);
        async_spawn(&executor, &task);
        async_executor_run_ready(&executor);
        samples[i] = read_instret() - start;
    }
    irq_restore(state);
    bench_report("async_spawn_poll_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "task init + spawn + one poll to READY + executor sees the queue empty, "
                 "median of 501");
}

/* Two tasks that wake each other in turn: a ping-pong of wakes and polls. */
struct pinger {
    struct async_future future;
    struct async_task task;
    struct async_task *other;
    int rounds_left;
};

static enum async_poll pinger_poll(struct async_future *future, struct async_cx *cx)
{
    (void)cx;
    struct pinger *p = ASYNC_CONTAINER_OF(future, struct pinger, future);
    if (p->rounds_left == 0)
        return ASYNC_READY;
    p->rounds_left--;
    async_task_wake(p->other);
    return ASYNC_PENDING;
}

/* Instructions per hand-off (a wake, then the woken task's poll), over one ping-pong. */
static uint64_t ping_pong_per_hand_off(void)
{
    struct async_executor executor;
    struct pinger a = {.future = {.poll = pinger_poll}, .rounds_left = ROUNDS};
    struct pinger b = {.future = {.poll = pinger_poll}, .rounds_left = ROUNDS};
    a.other = &b.task;
    b.other = &a.task;
    async_executor_init(&executor, "bench");
    async_task_init(&a.task, "ping", &a.future);
    async_task_init(&b.task, "pong", &b.future);
    async_spawn(&executor, &a.task);
    async_spawn(&executor, &b.task);
    uint64_t start = read_instret();
    size_t polls = async_executor_run_ready(&executor);
    uint64_t total = read_instret() - start;
    return total / polls;
}

static void bench_wake_to_poll(void)
{
    static uint64_t samples[11];
    irq_state_t state = irq_save();
    for (int i = 0; i < 11; i++)
        samples[i] = ping_pong_per_hand_off();
    irq_restore(state);
    uint64_t hand_off = bench_percentile(samples, 11, 50);
    bench_report("async_wake_to_poll_insns", hand_off, "insns",
                 "one task wakes another and the executor polls it (wake + queue + take + poll "
                 "returning PENDING), ping-pong of 2x1000 polls, total / polls, median of 11");
    bench_report("async_round_trip_insns", 2 * hand_off, "insns",
                 "A wakes B, B is polled and wakes A, A is polled: two hand-offs");
}

/* One item into a channel with room and out again, with no task involved. */
static void bench_channel_send_recv(void)
{
    static uint64_t samples[SAMPLES];
    uint64_t slots[16];
    struct async_channel channel;
    async_channel_init(&channel, slots, sizeof(uint64_t), 16);
    irq_state_t state = irq_save();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t item = (uint64_t)i;
        uint64_t start = read_instret();
        async_channel_try_send(&channel, &item);
        async_channel_try_recv(&channel, &item);
        samples[i] = read_instret() - start;
    }
    irq_restore(state);
    bench_report("async_channel_send_recv_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "try_send + try_recv of an 8-byte item, channel of 16 with room, no waiters, "
                 "median of 501");
}

/* A producer and a consumer task through a channel of one slot: every item is a hand-off. */
struct relay {
    struct async_future future;
    struct async_channel *channel;
    struct async_send send;
    struct async_recv recv;
    uint64_t item;
    int items_left;
    bool busy; /* a send or receive has been started */
};

static enum async_poll producer_poll(struct async_future *future, struct async_cx *cx)
{
    struct relay *r = ASYNC_CONTAINER_OF(future, struct relay, future);
    while (r->items_left > 0) {
        if (!r->busy) {
            r->item = (uint64_t)r->items_left;
            async_send_init(&r->send, r->channel, &r->item);
            r->busy = true;
        }
        if (async_future_poll(&r->send.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        r->busy = false;
        r->items_left--;
    }
    return ASYNC_READY;
}

static enum async_poll consumer_poll(struct async_future *future, struct async_cx *cx)
{
    struct relay *r = ASYNC_CONTAINER_OF(future, struct relay, future);
    while (r->items_left > 0) {
        if (!r->busy) {
            async_recv_init(&r->recv, r->channel, &r->item);
            r->busy = true;
        }
        if (async_future_poll(&r->recv.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        r->busy = false;
        r->items_left--;
    }
    return ASYNC_READY;
}

static void bench_channel_between_tasks(void)
{
    uint64_t slot;
    struct async_channel channel;
    struct async_executor executor;
    struct relay producer = {.future = {.poll = producer_poll}, .items_left = ROUNDS};
    struct relay consumer = {.future = {.poll = consumer_poll}, .items_left = ROUNDS};
    struct async_task producer_task;
    struct async_task consumer_task;
    async_channel_init(&channel, &slot, sizeof(uint64_t), 1);
    producer.channel = &channel;
    consumer.channel = &channel;
    async_executor_init(&executor, "bench");
    async_task_init(&producer_task, "producer", &producer.future);
    async_task_init(&consumer_task, "consumer", &consumer.future);
    irq_state_t state = irq_save();
    uint64_t start = read_instret();
    async_spawn(&executor, &producer_task);
    async_spawn(&executor, &consumer_task);
    async_executor_run_ready(&executor);
    uint64_t total = read_instret() - start;
    irq_restore(state);
    bench_report("async_channel_item_between_tasks_insns", total / ROUNDS, "insns",
                 "producer and consumer tasks, channel of 1 slot, 1000 items: total / items "
                 "(each item: a send, a receive, two wakes, two polls)");
}

BENCH_CASE(bench_spawn_poll);
BENCH_CASE(bench_wake_to_poll);
BENCH_CASE(bench_channel_send_recv);
BENCH_CASE(bench_channel_between_tasks);
