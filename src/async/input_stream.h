/*
 * input_stream.h: console input as an async stream of bytes.
 *
 * Typed bytes arrive through the UART receive interrupt into its ring
 * (dev/uart.h). A reader that finds the ring empty leaves its waker on a
 * wait list; the interrupt, through a console input listener, wakes the
 * list. This is the keyboard task of the x86 tutorials, on RISC-V.
 *
 *     struct async_read_byte key;
 *     async_read_byte_init(&key);
 *     ... poll key.future: ASYNC_READY leaves the byte in key.byte ...
 *     ... poll it again for the next byte: it is a stream ...
 *
 * It needs the UART's interrupt: without a UART in the device tree, no
 * wakeup ever comes (console input then polls SBI, which has no interrupt).
 */
#ifndef ASYNC_INPUT_STREAM_H
#define ASYNC_INPUT_STREAM_H

#include <stdint.h>

#include "async/future.h"
#include "async/waitlist.h"

/*
 * The next byte, or ASYNC_PENDING with `wait` (the caller's node) on the
 * readers' wait list. Every waiting reader is woken when input arrives.
 */
enum async_poll async_input_poll_byte(struct async_wait_node *wait, struct async_cx *cx,
                                      uint8_t *byte);

/* Leave the readers' wait list (a reader that gives up). */
void async_input_cancel(struct async_wait_node *wait);

/* A future for the next byte. Unlike most futures it may be polled again after ASYNC_READY. */
struct async_read_byte {
    struct async_future future;
    struct async_wait_node wait;
    uint8_t byte; /* valid after ASYNC_READY */
};

void async_read_byte_init(struct async_read_byte *read);

/* How often the input interrupt has woken the readers' list, since boot. */
uint64_t async_input_wakeups(void);

#endif
