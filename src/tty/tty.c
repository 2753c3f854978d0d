/*
 * tty.c: console input on top of the UART driver's receive ring.
 *
 * Without a UART in the device tree, input falls back to polling the SBI
 * console, which works anywhere but needs a call for every byte.
 */
#include "tty/tty.h"

#include "console/panic.h"
#include "dev/uart.h"
#include "proc/thread.h"
#include "sbi/sbi.h"
#include "sync/spinlock.h"
#include "proc/wait_queue.h"
#include "arch/irq.h"

/* Who to tell when input arrives (tty_add_listener). */
static struct {
    tty_listener_t function;
    void *arg;
} listeners[TTY_LISTENERS_MAX];
static int listener_count;

int tty_getc(void)
{
    if (uart_present())
        return uart_read_byte();
    return sbi_console_getchar();
}

size_t tty_read(char *buf, size_t size)
{
    size_t count = 0;
    while (count < size) {
        int byte = tty_getc();
        if (byte < 0)
            break;
        buf[count++] = (char)byte;
    }
    return count;
}

uint64_t tty_dropped(void)
{
    return uart_dropped_bytes();
}

void tty_notify_listeners(void)
{
    /* Acquire pairs with the release below: a counted slot is a filled slot. */
    int count = __atomic_load_n(&listener_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++)
        listeners[i].function(listeners[i].arg);
}

void tty_add_listener(tty_listener_t listener, void *arg)
{
    /* Interrupts off, so this hart's UART handler cannot run between the slot and the count. */
    irq_state_t state = irq_save();
    if (listener_count == TTY_LISTENERS_MAX)
        panic("console input: all %d listener slots are taken; cannot add %p", TTY_LISTENERS_MAX,
              (void *)listener);
    listeners[listener_count].function = listener;
    listeners[listener_count].arg = arg;
    __atomic_store_n(&listener_count, listener_count + 1, __ATOMIC_RELEASE);
    uart_set_receive_hook(tty_notify_listeners);
    irq_restore(state);
}

/*
 * Blocking reads. A reader checks the ring with readers_guard held and, if
 * it is empty, sleeps on `readers` (the guard is let go only once it is
 * queued). The UART interrupt puts bytes in the ring first and then calls
 * wake_readers, which takes the same guard: a byte that arrives between the
 * check and the sleep still wakes the reader.
 */
static struct spinlock readers_guard = SPINLOCK_INIT("console readers");
static struct wait_queue readers = WAIT_QUEUE_INIT(readers, "console input");
static bool readers_listening;

/* A console input listener, so it runs in the UART interrupt: wake, never sleep. */
static void wake_readers(void *unused)
{
    (void)unused;
    spinlock_acquire(&readers_guard);
    wait_queue_wake_all(&readers);
    spinlock_release(&readers_guard);
}

int tty_getc_blocking(void)
{
    if (!uart_present()) {
        /* No receive interrupt to wait for: ask the SBI console once a tick. */
        for (;;) {
            int byte = sbi_console_getchar();
            if (byte >= 0)
                return byte;
            sched_sleep_ticks(1);
        }
    }
    spinlock_acquire(&readers_guard);
    if (!readers_listening) {
        readers_listening = true;
        tty_add_listener(wake_readers, NULL);
    }
    int byte;
    while ((byte = uart_read_byte()) < 0)
        wait_queue_sleep(&readers, &readers_guard);
    spinlock_release(&readers_guard);
    return byte;
}

size_t tty_read_blocking(char *buf, size_t size)
{
    if (size == 0)
        return 0;
    buf[0] = (char)tty_getc_blocking();
    return 1 + tty_read(buf + 1, size - 1);
}
