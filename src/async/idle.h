/*
 * idle.h: sleeping until an interrupt, without losing a wakeup.
 *
 * An executor with nothing to run executes `wfi` and lets the hart sleep.
 * The danger is a wakeup that comes after the executor has looked at its
 * queue but before it executes wfi: handled then, it would queue a task
 * while nobody looks, and wfi would sleep on until some other interrupt.
 * async_idle_wait closes that window (docs/async.md explains how).
 */
#ifndef ASYNC_IDLE_H
#define ASYNC_IDLE_H

#include <stdbool.h>
#include <stdint.h>

struct async_idle_stats {
    uint64_t checks;              /* times async_idle_wait was called */
    uint64_t sleeps;              /* wfi executed: nothing was ready */
    uint64_t interrupt_in_window; /* an interrupt was already pending at wfi: the race, caught */
    uint64_t woke_with_work;      /* work was queued before any interrupt ran: a wakeup was lost */
    uint64_t woken_by_ipi; /* another hart queued the work and sent an IPI: the wfi ended for it */
};

/*
 * With this hart's interrupts off, ask has_work(arg); if it says no, wfi.
 * Then turn interrupts back on as they were, which lets in the interrupt
 * that ended the sleep. Returns whether it slept. Interrupts must be on
 * when it is called (otherwise none could ever end the sleep).
 * stats may be NULL.
 */
bool async_idle_wait(bool (*has_work)(void *arg), void *arg, struct async_idle_stats *stats);

/* sip & sie: interrupts pending and enabled, the ones that end a wfi. */
uint64_t async_idle_pending_interrupts(void);

#endif
