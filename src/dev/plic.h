/*
 * plic.h: the Platform-Level Interrupt Controller, which routes device
 * interrupts (UART, virtio...) to harts.
 *
 * Each device line is a "source" with a priority. Each hart in each mode is
 * a "context" with its own enable bits and threshold. A source interrupts a
 * context when it is pending, enabled there, and above the threshold; the
 * hart then claims it (reading its number), serves the device, and
 * completes it (writing the number back). The kernel uses this hart's
 * supervisor context; the device tree tells where everything is.
 */
#ifndef DEV_PLIC_H
#define DEV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

/* A device's interrupt handler; it must leave the device no longer asking. */
typedef void (*plic_handler_fn)(void *arg);

/* Find the PLIC and this hart's supervisor context, set its threshold to 0, enable sie.SEIE. */
void plic_init(void);

/*
 * The same for another hart, after plic_init: its own supervisor context
 * (from the device tree), threshold 0, sie.SEIE, and every source already
 * enabled. Returns the context number.
 */
int plic_init_hart(void);

/*
 * Route source `irq` to every hart (each hart's context: whichever claims
 * an interrupt first serves it) with `priority` (1 = lowest; the PLIC may
 * support fewer levels than asked) and call handler(arg) for each interrupt.
 * Panics, with the numbers, if irq is not a source of this PLIC.
 */
void plic_enable(uint32_t irq, uint32_t priority, plic_handler_fn handler, void *arg);
void plic_disable(uint32_t irq);

/* Take the highest-priority pending source for this hart (0: none), and give it back. */
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);

/* The supervisor external interrupt: claim, handle and complete until nothing is pending. */
void plic_handle_interrupt(void);

/* What the registers hold now, for tests and debugging. */
uint32_t plic_priority(uint32_t irq);
bool plic_enabled(uint32_t irq);
uint32_t plic_threshold(void);
uint32_t plic_source_count(void);

#endif
