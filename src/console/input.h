/*
 * input.h: console input, what the user types.
 *
 * Bytes arrive through the UART's receive interrupt and wait in its ring
 * (dev/uart.h). The first calls never block: they return what is there
 * now. The blocking ones put the calling thread to sleep until input comes.
 */
#ifndef CONSOLE_INPUT_H
#define CONSOLE_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* The next byte typed, or -1 when none is waiting. */
int console_input_getc(void);

/* Up to `size` waiting bytes into buf; returns how many (0 when none). */
size_t console_input_read(char *buf, size_t size);

/*
 * Blocking reads, for threads: the caller sleeps until the UART interrupt
 * brings a byte (without a UART, it polls the SBI console once a tick).
 * getc returns the next byte; read waits for one byte, then adds whatever
 * else is already waiting, up to `size` (so it returns 1..size when size > 0).
 */
int console_input_getc_blocking(void);
size_t console_input_read_blocking(char *buf, size_t size);

/*
 * Listeners: functions told each time new input has arrived, so that a
 * reader waiting for it can be woken (the async input stream; a thread
 * blocked in a read, later). They are called from the UART receive
 * interrupt, with interrupts off: they must not block, only wake someone.
 * At most CONSOLE_INPUT_LISTENERS_MAX; adding one more panics.
 */
#define CONSOLE_INPUT_LISTENERS_MAX 4
typedef void (*console_input_listener_t)(void *arg);
void console_input_add_listener(console_input_listener_t listener, void *arg);

/* Call every listener. The UART interrupt does; a test that fills the ring by hand may too. */
void console_input_notify_listeners(void);

/* Bytes lost because input was not read fast enough. */
uint64_t console_input_dropped(void);

#endif
