/*
 * input.c: console input on top of the UART driver's receive ring.
 *
 * Without a UART in the device tree, input falls back to polling the SBI
 * console, which works anywhere but needs a call for every byte.
 */
#include "console/input.h"

#include "console/panic.h"
#include "dev/uart.h"
#include "sbi/sbi.h"
#include "trap/irq.h"

/* Who to tell when input arrives (console_input_add_listener). */
static struct {
    console_input_listener_t function;
    void *arg;
} listeners[CONSOLE_INPUT_LISTENERS_MAX];
static int listener_count;

int console_input_getc(void)
{
    if (uart_present())
        return uart_read_byte();
    return sbi_console_getchar();
}

size_t console_input_read(char *buf, size_t size)
{
    size_t count = 0;
    while (count < size) {
        int byte = console_input_getc();
        if (byte < 0)
            break;
        buf[count++] = (char)byte;
    }
    return count;
}

uint64_t console_input_dropped(void)
{
    return uart_dropped_bytes();
}

void console_input_notify_listeners(void)
{
    /* Acquire pairs with the release below: a counted slot is a filled slot. */
    int count = __atomic_load_n(&listener_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < count; i++)
        listeners[i].function(listeners[i].arg);
}

void console_input_add_listener(console_input_listener_t listener, void *arg)
{
    /* Interrupts off, so this hart's UART handler cannot run between the slot and the count. */
    irq_state_t state = irq_save();
    if (listener_count == CONSOLE_INPUT_LISTENERS_MAX)
        panic("console input: all %d listener slots are taken; cannot add %p",
              CONSOLE_INPUT_LISTENERS_MAX, (void *)listener);
    listeners[listener_count].function = listener;
    listeners[listener_count].arg = arg;
    __atomic_store_n(&listener_count, listener_count + 1, __ATOMIC_RELEASE);
    uart_set_receive_hook(console_input_notify_listeners);
    irq_restore(state);
}
