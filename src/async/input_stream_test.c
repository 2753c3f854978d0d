/*
 * input_stream_test.c: the console input stream, fed by the UART interrupt.
 *
 * Bytes come from the UART's loopback mode, through the real receive
 * interrupt, the PLIC and the ring; nothing may be printed while it is on.
 */
#include "async/executor.h"
#include "async/input_stream.h"
#include "tty/tty.h"
#include "dev/uart.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "lib/string.h"
#include "arch/irq.h"

static void drain_input(void)
{
    while (uart_read_byte() >= 0) {
    }
}

/* A task that reads `expected` bytes from the stream, and notes how it was woken. */
struct reader {
    struct async_future future;
    struct async_read_byte key;
    char text[64];
    size_t length;
    size_t wanted;
    struct async_waker task_waker;
    bool polling;
    int wakes_from_interrupt; /* interrupts off and not inside the poll */
};

static void reader_wake(void *data)
{
    struct reader *r = data;
    if (!irq_enabled() && !r->polling)
        r->wakes_from_interrupt++;
    async_waker_wake(&r->task_waker);
}

static enum async_poll reader_poll(struct async_future *future, struct async_cx *cx)
{
    struct reader *r = ASYNC_CONTAINER_OF(future, struct reader, future);
    struct async_cx spied = {.waker = {.wake = reader_wake, .data = r}};
    r->task_waker = cx->waker;
    r->polling = true;
    while (r->length < r->wanted) {
        if (async_future_poll(&r->key.future, &spied) == ASYNC_PENDING) {
            r->polling = false;
            return ASYNC_PENDING;
        }
        r->text[r->length++] = (char)r->key.byte; /* the same future gives the next byte */
    }
    r->polling = false;
    return ASYNC_READY;
}

static void async_input_bytes_arrive_in_order_through_the_interrupt(struct ktest *t)
{
    static const char message[] = "typed through the loopback";
    struct reader r = {.future = {.poll = reader_poll}, .wanted = sizeof(message) - 1};
    struct async_executor executor;
    struct async_task task;
    ASSERT_TRUE(t, uart_present());
    ASSERT_TRUE(t, irq_enabled());
    drain_input();
    async_read_byte_init(&r.key);
    async_executor_init(&executor, "input");
    async_task_init(&task, "reader", &r.future);
    async_spawn(&executor, &task);
    async_executor_run_ready(&executor); /* now it waits on the empty stream */
    uint64_t wakeups_before = async_input_wakeups();

    uart_set_loopback(true);
    for (size_t i = 0; i < sizeof(message) - 1; i++)
        uart_write_byte((uint8_t)message[i]);
    uart_set_loopback(false);
    async_executor_run(&executor);

    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_EQ(t, r.length, sizeof(message) - 1);
    EXPECT_EQ(t, memcmp(r.text, message, sizeof(message) - 1), 0);
    EXPECT_GE(t, r.wakes_from_interrupt, 1);
    EXPECT_GT(t, async_input_wakeups(), wakeups_before);
}

/* Every waiting reader is woken; one that gave up is not. */
static int wakes[3];

static void count_wake(void *data)
{
    wakes[(int)(uintptr_t)data]++;
}

static void async_input_wakes_every_reader_but_a_cancelled_one(struct ktest *t)
{
    struct async_wait_node nodes[3];
    uint8_t byte;
    drain_input();
    irq_state_t state = irq_save(); /* no real input may interfere */
    for (int i = 0; i < 3; i++) {
        struct async_cx cx = {.waker = {.wake = count_wake, .data = (void *)(uintptr_t)i}};
        wakes[i] = 0;
        async_wait_node_init(&nodes[i]);
        EXPECT_TRUE(t, async_input_poll_byte(&nodes[i], &cx, &byte) == ASYNC_PENDING);
    }
    async_input_cancel(&nodes[1]);
    uart_ring_put('x');
    tty_notify_listeners(); /* what the receive interrupt does after filling the ring */
    struct async_cx cx = {.waker = {.wake = count_wake, .data = (void *)(uintptr_t)0}};
    bool got = async_input_poll_byte(&nodes[0], &cx, &byte) == ASYNC_READY;
    irq_restore(state);
    EXPECT_EQ(t, wakes[0], 1);
    EXPECT_EQ(t, wakes[1], 0);
    EXPECT_EQ(t, wakes[2], 1);
    EXPECT_TRUE(t, got);
    EXPECT_EQ(t, byte, 'x');
    EXPECT_FALSE(t, async_wait_node_waiting(&nodes[2])); /* woken means taken off the list */
}

static const struct ktest_case async_input_cases[] = {
    KTEST_CASE(async_input_bytes_arrive_in_order_through_the_interrupt),
    KTEST_CASE(async_input_wakes_every_reader_but_a_cancelled_one),
    {0},
};
/* In loopback the UART receives as fast as this hart sends: only a handler on this hart, which
 * stops the sender, drains its 16-byte FIFO in time. The other harts are held. */
KTEST_SUITE_HOOKS(async_input, async_input_cases, hold_other_harts_for_case,
                  release_other_harts_after_case);
