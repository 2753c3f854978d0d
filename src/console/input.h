/*
 * input.h: console input, what the user types.
 *
 * Bytes arrive through the UART's receive interrupt and wait in its ring
 * (dev/uart.h). These calls never block: they return what is there now.
 * Blocking reads, which sleep until a byte comes, arrive with threads.
 */
#ifndef CONSOLE_INPUT_H
#define CONSOLE_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* The next byte typed, or -1 when none is waiting. */
int console_input_getc(void);

/* Up to `size` waiting bytes into buf; returns how many (0 when none). */
size_t console_input_read(char *buf, size_t size);

/* Bytes lost because input was not read fast enough. */
uint64_t console_input_dropped(void);

#endif
