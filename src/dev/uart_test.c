/*
 * uart_test.c: in-kernel tests of the UART's receive path.
 *
 * The loopback case sends bytes through the UART's own self-test loop, so
 * they come back through the real receive interrupt, the PLIC claim and
 * complete, and the ring, with no one typing.
 */
#include "dev/uart.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "arch/irq.h"
#include "trap/timer.h"

static void drain_ring(void)
{
    while (uart_read_byte() >= 0) {
    }
}

/* A full ring keeps what it has, drops the newcomer, and counts it. */
static void uart_ring_drops_and_counts_when_full(struct ktest *t)
{
    irq_state_t state = irq_save();
    drain_ring();
    uint64_t dropped_before = uart_dropped_bytes();
    for (int i = 0; i < UART_RING_SIZE + 3; i++)
        uart_ring_put((uint8_t)(i * 7));
    uint32_t waiting = uart_bytes_waiting();
    uint64_t dropped = uart_dropped_bytes() - dropped_before;
    int mismatches = 0;
    for (int i = 0; i < UART_RING_SIZE; i++) {
        if (uart_read_byte() != (uint8_t)(i * 7))
            mismatches++;
    }
    int after_empty = uart_read_byte();
    irq_restore(state);
    EXPECT_EQ(t, waiting, (uint32_t)UART_RING_SIZE);
    EXPECT_EQ(t, dropped, 3u);
    EXPECT_EQ(t, mismatches, 0);
    EXPECT_EQ(t, after_empty, -1);
}

/*
 * Bytes sent in loopback mode arrive through the receive interrupt, in
 * order. Nothing may be printed while loopback is on (it would loop back
 * too), so the checks come after it is off again.
 */
static void uart_loopback_bytes_arrive_through_the_interrupt(struct ktest *t)
{
    static const char message[] = "looped back through the PLIC";
    const uint32_t length = sizeof(message) - 1;
    char received[sizeof(message)] = {0};
    ASSERT_TRUE(t, uart_present());
    ASSERT_TRUE(t, irq_enabled());
    drain_ring();
    uint64_t interrupts_before = uart_interrupt_count();
    uint64_t give_up = read_time() + timer_frequency(); /* one second */

    uart_set_loopback(true);
    for (uint32_t i = 0; i < length; i++)
        uart_write_byte((uint8_t)message[i]);
    while (uart_bytes_waiting() < length && read_time() < give_up)
        wfi();
    uart_set_loopback(false);

    uint32_t count = 0;
    for (int byte = uart_read_byte(); byte >= 0 && count < length; byte = uart_read_byte())
        received[count++] = (char)byte;
    EXPECT_EQ(t, count, length);
    EXPECT_STREQ(t, received, message);
    EXPECT_GT(t, uart_interrupt_count(), interrupts_before);
}

/*
 * Flow control: with the ring full, bytes that arrive wait in the UART (the
 * receiver pauses) instead of being dropped, and each byte a reader takes
 * lets the next one in. The ring is filled by hand, then a message is looped
 * back: none of it may be dropped, and all of it must come after the filler,
 * in order.
 */
static void uart_full_ring_pauses_the_receiver_and_loses_nothing(struct ktest *t)
{
    static const char message[] = "held in the fifo";
    const uint32_t length = sizeof(message) - 1;
    ASSERT_TRUE(t, uart_present());
    ASSERT_TRUE(t, irq_enabled());
    drain_ring();
    uint64_t dropped_before = uart_dropped_bytes();
    uint64_t pauses_before = uart_receiver_pauses();
    for (int i = 0; i < UART_RING_SIZE; i++)
        uart_ring_put('.');
    uint64_t give_up = read_time() + timer_frequency() / 10;

    uart_set_loopback(true);
    for (uint32_t i = 0; i < length; i++)
        uart_write_byte((uint8_t)message[i]);
    while (read_time() < give_up) /* the interrupt comes and must leave the bytes where they are */
        wfi();
    uint32_t waiting_while_full = uart_bytes_waiting();
    uint64_t pauses = uart_receiver_pauses() - pauses_before;
    /* Take the filler: each byte taken lets the interrupt bring in more. */
    char received[sizeof(message)] = {0};
    uint32_t count = 0;
    int filler = 0;
    give_up = read_time() + timer_frequency();
    while (count < length && read_time() < give_up) {
        int byte = uart_read_byte();
        if (byte < 0) {
            wfi();
        } else if (byte == '.' && count == 0) {
            filler++;
        } else {
            received[count++] = (char)byte;
        }
    }
    uart_set_loopback(false);
    int after_message = uart_read_byte();

    EXPECT_EQ(t, waiting_while_full, (uint32_t)UART_RING_SIZE);
    EXPECT_GT(t, pauses, 0u);
    EXPECT_EQ(t, uart_dropped_bytes() - dropped_before, 0u);
    EXPECT_EQ(t, filler, UART_RING_SIZE);
    EXPECT_EQ(t, count, length);
    EXPECT_STREQ(t, received, message);
    EXPECT_EQ(t, after_message, -1);
}

static const struct ktest_case uart_cases[] = {
    KTEST_CASE(uart_ring_drops_and_counts_when_full),
    KTEST_CASE(uart_loopback_bytes_arrive_through_the_interrupt),
    KTEST_CASE(uart_full_ring_pauses_the_receiver_and_loses_nothing),
    {0},
};
/* In loopback the UART receives as fast as this hart sends: only a handler on this hart, which
 * stops the sender, drains its 16-byte FIFO in time. The other harts are held. */
KTEST_SUITE_HOOKS(uart, uart_cases, hold_other_harts_for_case, release_other_harts_after_case);
