/*
 * channel_test.c: the bounded channel: order, backpressure, closing, and
 * a ring of 1,000 tasks passing tokens.
 */
#include "async/channel.h"
#include "async/combinators.h"
#include "async/executor.h"
#include "async/ktest_gate.h"
#include "ktest/ktest.h"
#include "mm/heap/heap.h"

static void async_channel_keeps_first_in_first_out_order(struct ktest *t)
{
    uint32_t slots[4];
    struct async_channel channel;
    async_channel_init(&channel, slots, sizeof(uint32_t), 4);
    /* Around the ring several times, so the slots wrap. */
    uint32_t next_in = 0;
    uint32_t next_out = 0;
    int mismatches = 0;
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 3; i++) {
            EXPECT_TRUE(t, async_channel_try_send(&channel, &next_in));
            next_in++;
        }
        for (int i = 0; i < 3; i++) {
            uint32_t value = 0;
            EXPECT_TRUE(t, async_channel_try_recv(&channel, &value));
            if (value != next_out)
                mismatches++;
            next_out++;
        }
    }
    EXPECT_EQ(t, mismatches, 0);
    EXPECT_EQ(t, async_channel_count(&channel), 0ul);
    uint32_t value;
    EXPECT_FALSE(t, async_channel_try_recv(&channel, &value));
}

/* A producer task sends `count` numbers; a consumer task receives and checks them. */
struct producer {
    struct async_future future;
    struct async_channel *channel;
    struct async_send send;
    uint32_t next;
    uint32_t count;
    uint32_t value;
    bool sending;
};

static enum async_poll producer_poll(struct async_future *future, struct async_cx *cx)
{
    struct producer *p = ASYNC_CONTAINER_OF(future, struct producer, future);
    while (p->next < p->count) {
        if (!p->sending) {
            p->value = p->next;
            async_send_init(&p->send, p->channel, &p->value);
            p->sending = true;
        }
        if (async_future_poll(&p->send.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        p->sending = false;
        p->next++;
    }
    async_channel_close(p->channel);
    return ASYNC_READY;
}

struct consumer {
    struct async_future future;
    struct async_channel *channel;
    struct async_recv recv;
    uint32_t value;
    uint32_t received;
    uint32_t out_of_order;
    size_t most_waiting; /* the fullest the channel was seen */
};

static enum async_poll consumer_poll(struct async_future *future, struct async_cx *cx)
{
    struct consumer *c = ASYNC_CONTAINER_OF(future, struct consumer, future);
    for (;;) {
        size_t waiting = async_channel_count(c->channel);
        if (waiting > c->most_waiting)
            c->most_waiting = waiting;
        if (async_future_poll(&c->recv.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        if (c->recv.result == ASYNC_CHANNEL_CLOSED)
            return ASYNC_READY;
        if (c->value != c->received)
            c->out_of_order++;
        c->received++;
        async_recv_init(&c->recv, c->channel, &c->value);
    }
}

static void async_channel_full_channel_makes_the_sender_wait(struct ktest *t)
{
    uint32_t slots[3];
    struct async_channel channel;
    struct async_executor executor;
    struct producer producer = {
        .future = {.poll = producer_poll}, .channel = &channel, .count = 10};
    struct consumer consumer = {.future = {.poll = consumer_poll}, .channel = &channel};
    struct async_task producer_task;
    struct async_task consumer_task;
    async_channel_init(&channel, slots, sizeof(uint32_t), 3);
    async_recv_init(&consumer.recv, &channel, &consumer.value);
    async_executor_init(&executor, "test");
    async_task_init(&producer_task, "producer", &producer.future);
    async_spawn(&executor, &producer_task);

    /* Alone, the producer fills the channel and waits: backpressure. */
    async_executor_run_ready(&executor);
    EXPECT_EQ(t, producer.next, 3u);
    EXPECT_EQ(t, async_channel_count(&channel), 3ul);
    EXPECT_FALSE(t, async_task_done(&producer_task));
    EXPECT_EQ(t, producer_task.polls, 1ul);

    async_task_init(&consumer_task, "consumer", &consumer.future);
    async_spawn(&executor, &consumer_task);
    async_executor_run_ready(&executor);
    EXPECT_TRUE(t, async_task_done(&producer_task));
    EXPECT_TRUE(t, async_task_done(&consumer_task));
    EXPECT_EQ(t, consumer.received, 10u);
    EXPECT_EQ(t, consumer.out_of_order, 0u);
    EXPECT_LE(t, consumer.most_waiting, 3ul);
    EXPECT_GT(t, producer_task.polls, 2ul); /* it had to wait more than once */
}

static void async_channel_close_drains_then_reports_closed(struct ktest *t)
{
    uint64_t slots[2];
    struct async_channel channel;
    struct async_wait_node wait;
    struct async_cx cx = {.waker = {0}};
    int result = 99;
    uint64_t value = 0;
    async_channel_init(&channel, slots, sizeof(uint64_t), 2);
    async_wait_node_init(&wait);
    uint64_t first = 7;
    ASSERT_TRUE(t, async_channel_try_send(&channel, &first));
    async_channel_close(&channel);

    EXPECT_TRUE(t, async_channel_poll_send(&channel, &wait, &cx, &first, &result) == ASYNC_READY);
    EXPECT_EQ(t, result, ASYNC_CHANNEL_CLOSED);
    EXPECT_TRUE(t, async_channel_poll_recv(&channel, &wait, &cx, &value, &result) == ASYNC_READY);
    EXPECT_EQ(t, result, ASYNC_CHANNEL_OK);
    EXPECT_EQ(t, value, 7ul);
    EXPECT_TRUE(t, async_channel_poll_recv(&channel, &wait, &cx, &value, &result) == ASYNC_READY);
    EXPECT_EQ(t, result, ASYNC_CHANNEL_CLOSED);
}

/* A receive that loses a select leaves no waker behind in the channel. */
static void async_channel_cancelled_receive_leaves_no_waiter(struct ktest *t)
{
    uint32_t slots[1];
    uint32_t value;
    struct async_channel channel;
    struct async_recv recv;
    struct ktest_gate gate;
    struct async_select select;
    struct async_future *either[2] = {&recv.future, &gate.future};
    struct async_cx cx = {.waker = {0}};
    async_channel_init(&channel, slots, sizeof(uint32_t), 1);
    async_recv_init(&recv, &channel, &value);
    ktest_gate_init(&gate);
    async_select_init(&select, either, 2);
    ASSERT_TRUE(t, async_future_poll(&select.future, &cx) == ASYNC_PENDING);
    EXPECT_FALSE(t, async_wait_list_empty(&channel.receivers));
    gate.open = true;
    ASSERT_TRUE(t, async_future_poll(&select.future, &cx) == ASYNC_READY);
    EXPECT_EQ(t, select.winner, 1);
    EXPECT_TRUE(t, async_wait_list_empty(&channel.receivers));
}

/*
 * The ring: task i receives tokens from channel i and passes them to
 * channel i+1 until each token has made its hops; then the token is done.
 * The task that finishes the last token closes every channel, which ends
 * every task.
 */
#define RING_TASKS  1000
#define RING_TOKENS 50
#define RING_HOPS   2500 /* two and a half laps each */
#define RING_SLOTS  2

struct token {
    uint32_t id;
    uint32_t hops_left;
};

struct ring {
    struct async_channel channels[RING_TASKS];
    struct token slots[RING_TASKS][RING_SLOTS];
    uint32_t arrived[RING_TOKENS];
    uint32_t tokens_done;
    uint64_t hops;
};

struct ring_member {
    struct async_future future;
    struct ring *ring;
    uint32_t index;
    bool sending;
    struct token token;
    struct async_recv recv;
    struct async_send send;
    struct async_task task;
};

static void ring_close_all(struct ring *ring)
{
    for (int i = 0; i < RING_TASKS; i++)
        async_channel_close(&ring->channels[i]);
}

/* A token has reached this member: finish it, or pass it on. */
static void ring_member_take(struct ring_member *m)
{
    struct ring *ring = m->ring;
    ring->hops++;
    if (m->token.hops_left == 0) {
        ring->arrived[m->token.id]++;
        ring->tokens_done++;
        if (ring->tokens_done == RING_TOKENS)
            ring_close_all(ring);
        return;
    }
    m->token.hops_left--;
    async_send_init(&m->send, &ring->channels[(m->index + 1) % RING_TASKS], &m->token);
    m->sending = true;
}

static enum async_poll ring_member_poll(struct async_future *future, struct async_cx *cx)
{
    struct ring_member *m = ASYNC_CONTAINER_OF(future, struct ring_member, future);
    for (;;) {
        if (m->sending) {
            if (async_future_poll(&m->send.future, cx) == ASYNC_PENDING)
                return ASYNC_PENDING;
            if (m->send.result == ASYNC_CHANNEL_CLOSED)
                return ASYNC_READY;
            m->sending = false;
            async_recv_init(&m->recv, &m->ring->channels[m->index], &m->token);
        }
        if (async_future_poll(&m->recv.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        if (m->recv.result == ASYNC_CHANNEL_CLOSED)
            return ASYNC_READY;
        ring_member_take(m);
        if (!m->sending)
            async_recv_init(&m->recv, &m->ring->channels[m->index], &m->token);
    }
}

static void ring_set_up(struct ring *ring, struct ring_member *members,
                        struct async_executor *executor)
{
    for (uint32_t i = 0; i < RING_TASKS; i++)
        async_channel_init(&ring->channels[i], ring->slots[i], sizeof(struct token), RING_SLOTS);
    /* The tokens start spread over the ring, one in every 20th channel. */
    for (uint32_t id = 0; id < RING_TOKENS; id++) {
        struct token token = {.id = id, .hops_left = RING_HOPS};
        async_channel_try_send(&ring->channels[id * (RING_TASKS / RING_TOKENS)], &token);
    }
    for (uint32_t i = 0; i < RING_TASKS; i++) {
        struct ring_member *m = &members[i];
        m->future.poll = ring_member_poll;
        m->future.cancel = NULL;
        m->ring = ring;
        m->index = i;
        m->sending = false;
        async_recv_init(&m->recv, &ring->channels[i], &m->token);
        async_task_init(&m->task, "ring", &m->future);
        async_spawn(executor, &m->task);
    }
}

static void async_channel_ring_of_1000_tasks_delivers_every_token(struct ktest *t)
{
    struct ring *ring = kzalloc(sizeof(*ring));
    struct ring_member *members = kzalloc(RING_TASKS * sizeof(*members));
    struct async_executor *executor = kzalloc(sizeof(*executor));
    ASSERT_NOT_NULL(t, ring);
    ASSERT_NOT_NULL(t, members);
    ASSERT_NOT_NULL(t, executor);
    async_executor_init(executor, "ring");
    ring_set_up(ring, members, executor);
    async_executor_run(executor);

    EXPECT_EQ(t, ring->tokens_done, (uint32_t)RING_TOKENS);
    int wrong = 0;
    for (int id = 0; id < RING_TOKENS; id++)
        wrong += ring->arrived[id] != 1;
    EXPECT_EQ(t, wrong, 0);
    /* Each token is taken once at the start and once per hop. */
    EXPECT_EQ(t, ring->hops, (uint64_t)RING_TOKENS * (RING_HOPS + 1));
    EXPECT_EQ(t, async_executor_tasks_alive(executor), 0ul);
    uint64_t sent = 0;
    for (int i = 0; i < RING_TASKS; i++)
        sent += ring->channels[i].sent;
    EXPECT_EQ(t, sent, (uint64_t)RING_TOKENS * (RING_HOPS + 1));
    kfree(executor);
    kfree(members);
    kfree(ring);
}

static const struct ktest_case async_channel_cases[] = {
    KTEST_CASE(async_channel_keeps_first_in_first_out_order),
    KTEST_CASE(async_channel_full_channel_makes_the_sender_wait),
    KTEST_CASE(async_channel_close_drains_then_reports_closed),
    KTEST_CASE(async_channel_cancelled_receive_leaves_no_waiter),
    KTEST_CASE(async_channel_ring_of_1000_tasks_delivers_every_token),
    {0},
};
KTEST_SUITE(async_channel, async_channel_cases);
