/*
 * tty_test.c: the blocking console read. A thread that reads with
 * nothing typed sleeps on the input wait queue, and the UART receive
 * interrupt wakes it. The bytes come through the UART's loopback mode,
 * so the real interrupt path brings them (see dev/uart_test.c).
 */
#include "tty/tty.h"
#include "dev/uart.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "proc/thread.h"
#include "arch/irq.h"
#include "trap/timer.h"

static char read_back[8];
static volatile int read_count;

static int blocking_reader(void *unused)
{
    (void)unused;
    for (int i = 0; i < 5; i++) {
        read_back[i] = (char)tty_getc_blocking();
        __atomic_fetch_add(&read_count, 1, __ATOMIC_RELEASE);
    }
    return 0;
}

static void input_blocking_read_sleeps_until_the_uart_interrupt(struct ktest *t)
{
    ASSERT_TRUE(t, uart_present());
    while (uart_read_byte() >= 0) {
    }
    memset(read_back, 0, sizeof(read_back));
    read_count = 0;
    struct thread *reader = thread_create(blocking_reader, NULL, "reader");
    ASSERT_NOT_NULL(t, reader);
    sched_yield(); /* the reader finds nothing and goes to sleep */
    EXPECT_EQ(t, (int)reader->state, (int)THREAD_BLOCKED);
    EXPECT_TRUE(t, reader->waiting_on != NULL);
    EXPECT_EQ(t, read_count, 0);

    /* Nothing may be printed while loopback is on: it would come back as input. */
    uint64_t interrupts_before = uart_interrupt_count();
    uint64_t give_up = read_time() + timer_frequency(); /* one second */
    uart_set_loopback(true);
    for (const char *c = "hello"; *c != '\0'; c++)
        uart_write_byte((uint8_t)*c);
    while (__atomic_load_n(&read_count, __ATOMIC_ACQUIRE) < 5 && read_time() < give_up)
        sched_sleep_ticks(1);
    uart_set_loopback(false);

    EXPECT_EQ(t, read_count, 5);
    EXPECT_STREQ(t, read_back, "hello");
    EXPECT_GT(t, uart_interrupt_count(), interrupts_before);
    if (read_count == 5)
        thread_join(reader, NULL);
}

static const struct ktest_case input_cases[] = {
    KTEST_CASE(input_blocking_read_sleeps_until_the_uart_interrupt),
    {0},
};
/* In loopback the UART receives as fast as this hart sends: only a handler on this hart, which
 * stops the sender, drains its 16-byte FIFO in time. The other harts are held. */
KTEST_SUITE_HOOKS(input, input_cases, hold_other_harts_for_case, release_other_harts_after_case);
