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

static const struct ktest_case uart_cases[] = {
    KTEST_CASE(uart_ring_drops_and_counts_when_full),
    KTEST_CASE(uart_loopback_bytes_arrive_through_the_interrupt),
    {0},
};
/* In loopback the UART receives as fast as this hart sends: only a handler on this hart, which
 * stops the sender, drains its 16-byte FIFO in time. The other harts are held. */
KTEST_SUITE_HOOKS(uart, uart_cases, hold_other_harts_for_case, release_other_harts_after_case);
