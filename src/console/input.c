/*
 * input.c: console input on top of the UART driver's receive ring.
 *
 * Without a UART in the device tree, input falls back to polling the SBI
 * console, which works anywhere but needs a call for every byte.
 */
#include "console/input.h"

#include "dev/uart.h"
#include "sbi/sbi.h"

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
