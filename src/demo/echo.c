/*
 * echo.c: echo mode, a small interactive check of the whole input path:
 * UART receive interrupt -> PLIC -> trap -> ring buffer -> console input,
 * which wakes the thread that sleeps in a blocking read.
 */
#include "demo/echo.h"

#include <stdint.h>

#include "console/console.h"
#include "tty/tty.h"
#include "console/panic.h"
#include "dev/uart.h"
#include "arch/irq.h"

#define CTRL_D 0x04

/* 32-bit FNV-1a: a hash that any test script can compute in one line. */
#define FNV_OFFSET_BASIS 0x811c9dc5u
#define FNV_PRIME        0x01000193u

/*
 * Wait for a byte: the thread sleeps on the console's input wait queue
 * until the UART interrupt brings one (tty/tty.c).
 */
static int echo_next_byte(void)
{
    return tty_getc_blocking();
}

/* Printable bytes come back as they are, control characters as ^X. */
static void echo_byte(uint8_t byte)
{
    char text[2];
    if (byte >= 0x20 && byte < 0x7f) {
        text[0] = (char)byte;
        console_write(text, 1);
        return;
    }
    text[0] = '^';
    text[1] = (char)(byte ^ 0x40); /* 0x03 -> 'C', 0x7f -> '?' */
    console_write(text, 2);
}

void echo_run(void)
{
    if (!irq_enabled())
        panic("echo: interrupts are off, so no input can arrive");
    kprintf("echo: ready; type, Enter ends a line, Ctrl-D ends echo mode\n");
    uint64_t lines = 0;
    uint64_t total = 0;
    uint64_t line_length = 0;
    uint32_t line_hash = FNV_OFFSET_BASIS;
    for (;;) {
        int byte = echo_next_byte();
        if (byte == CTRL_D)
            break;
        if (byte == '\r' || byte == '\n') {
            lines++;
            kprintf("\necho: line %lu: %lu bytes, fnv1a %08x\n", lines, line_length, line_hash);
            line_length = 0;
            line_hash = FNV_OFFSET_BASIS;
            continue;
        }
        echo_byte((uint8_t)byte);
        line_length++;
        total++;
        line_hash = (line_hash ^ (uint8_t)byte) * FNV_PRIME;
    }
    kprintf("\necho: done: %lu bytes in %lu lines, %lu UART interrupts, %lu dropped, "
            "%lu overruns\n",
            total, lines, uart_interrupt_count(), tty_dropped(), uart_overrun_errors());
}
