/*
 * uart.h: the 16550 UART: the console's output, and its receive side,
 * driven by its interrupt.
 *
 * Each byte the UART receives raises its interrupt (through the PLIC); the
 * handler moves every waiting byte into a ring buffer, where the console
 * input layer (tty/tty.h) picks them up. When the ring is full the handler
 * leaves the bytes in the UART and turns its receive interrupt off until a
 * reader makes room (flow control): typed or pasted input is never lost. Kernel output goes
 * through this UART too, polled (uart_init_output, below): only the lines
 * printed before kmain calls it go through the SBI console.
 */
#ifndef DEV_UART_H
#define DEV_UART_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes the ring holds; a power of two, so positions wrap with a mask. */
#define UART_RING_SIZE 256

/*
 * Find the console UART in the device tree (/chosen stdout-path, else the
 * first ns16550a) and make it the console's output (it replaces the SBI
 * console: console_set_writer). Early in boot, before interrupts: kmain
 * calls it right after the device tree is read.
 */
void uart_init_output(void);

/*
 * Turn on the UART's FIFO and receive interrupt, routed through the PLIC.
 * Without a UART it says so, and input stays empty.
 */
void uart_init(void);
bool uart_present(void);

/* The oldest received byte, or -1 when the ring is empty. Never waits. */
int uart_read_byte(void);

/* Bytes waiting in the ring. */
uint32_t uart_bytes_waiting(void);

/* Counters: bytes dropped by uart_ring_put because the ring was full, times the
   receiver paused for a full ring (flow control, nothing lost), bytes the UART
   itself lost (overrun: its FIFO was full), bytes received, and receive
   interrupts taken. */
uint64_t uart_dropped_bytes(void);
uint64_t uart_receiver_pauses(void);
uint64_t uart_overrun_errors(void);
uint64_t uart_received_bytes(void);
uint64_t uart_interrupt_count(void);

/*
 * Append a byte to the ring, or drop and count it when the ring is full (the
 * interrupt handler never calls it on a full ring: it pauses instead). Public
 * so that the in-kernel tests can fill the ring.
 */
void uart_ring_put(uint8_t byte);

/*
 * A function the receive interrupt calls after it has moved new bytes into
 * the ring (not called when an interrupt brought none). One slot: the
 * console input layer takes it and passes the news on to its listeners
 * (tty_add_listener). Runs in interrupt context; must not block.
 */
void uart_set_receive_hook(void (*hook)(void));
/*
 * `filter` sees every received byte in the interrupt, before the ring; if
 * it returns true the byte is consumed there (the tty's Ctrl-C, which must
 * work while no one reads). It runs in an interrupt handler: no sleeping.
 */
void uart_set_receive_filter(bool (*filter)(uint8_t byte));

/* Send one byte, waiting until the transmitter has room (polled, no interrupt). */
void uart_write_byte(uint8_t byte);

/*
 * The 16550's loopback mode (a self-test): transmitted bytes come back as
 * received ones, through the receive interrupt, and nothing leaves the chip.
 * While it is on, nothing printed reaches the console.
 */
void uart_set_loopback(bool on);

#endif
