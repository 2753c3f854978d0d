/*
 * tty.h: console input, what the user types.
 *
 * Bytes arrive through the UART's receive interrupt and wait in its ring
 * (dev/uart.h). The first calls never block: they return what is there
 * now. The blocking ones put the calling thread to sleep until input comes.
 */
#ifndef TTY_TTY_H
#define TTY_TTY_H

#include <stddef.h>
#include <stdint.h>

/* The next byte typed, or -1 when none is waiting. */
int tty_getc(void);

/* Up to `size` waiting bytes into buf; returns how many (0 when none). */
size_t tty_read(char *buf, size_t size);

/*
 * Blocking reads, for threads: the caller sleeps until the UART interrupt
 * brings a byte (without a UART, it polls the SBI console once a tick).
 * getc returns the next byte; read waits for one byte, then adds whatever
 * else is already waiting, up to `size` (so it returns 1..size when size > 0).
 */
int tty_getc_blocking(void);
size_t tty_read_blocking(char *buf, size_t size);

/*
 * Listeners: functions told each time new input has arrived, so that a
 * reader waiting for it can be woken (the async input stream; a thread
 * blocked in a read, later). They are called from the UART receive
 * interrupt, with interrupts off: they must not block, only wake someone.
 * At most TTY_LISTENERS_MAX; adding one more panics.
 */
#define TTY_LISTENERS_MAX 4
typedef void (*tty_listener_t)(void *arg);
void tty_add_listener(tty_listener_t listener, void *arg);

/* Call every listener. The UART interrupt does; a test that fills the ring by hand may too. */
void tty_notify_listeners(void);

/* Bytes lost because input was not read fast enough. */
uint64_t tty_dropped(void);

#endif
