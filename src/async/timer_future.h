/*
 * timer_future.h: a future that completes when a deadline has passed.
 *
 * Deadlines are values of the `time` CSR (the timebase the device tree
 * gives, 10 MHz on QEMU's virt). A pending timer waits in a deadline-sorted
 * queue (async/timer_queue.h); the timer interrupt looks at its front on
 * every tick and wakes what has expired. So a timer never completes before
 * its deadline, and at most one tick (1/HZ s) plus the interrupt's latency
 * after it. Timers with the same deadline complete in the order they were set.
 *
 *     struct async_sleep nap;
 *     async_sleep_init_ms(&nap, 50);        (the deadline is fixed here)
 *     ... poll nap.future until ASYNC_READY ...
 */
#ifndef ASYNC_TIMER_FUTURE_H
#define ASYNC_TIMER_FUTURE_H

#include <stdint.h>

#include "async/future.h"
#include "async/timer_queue.h"

struct async_sleep {
    struct async_future future;
    struct async_timer_entry entry; /* holds the deadline; queued while pending */
};

/* Complete once `time` >= deadline. */
void async_sleep_init_until(struct async_sleep *sleep, uint64_t deadline);

/* Complete `ms` milliseconds (or `us` microseconds) from now. */
void async_sleep_init_ms(struct async_sleep *sleep, uint64_t ms);
void async_sleep_init_us(struct async_sleep *sleep, uint64_t us);

uint64_t async_sleep_deadline(const struct async_sleep *sleep);

/* `time` units in so many microseconds. */
uint64_t async_time_from_us(uint64_t us);

/* Timers waiting now, and timers the tick has woken since boot. */
uint64_t async_timers_pending(void);
uint64_t async_timers_expired(void);

#endif
