/*
 * ktest_gate.h: a hand-operated future for the async in-kernel tests.
 *
 * A gate is pending until the test opens it. It counts its polls and
 * cancels, and keeps the waker of its last poll, so opening it wakes the
 * task that waits. Only *_test.c files include this.
 */
#ifndef ASYNC_KTEST_GATE_H
#define ASYNC_KTEST_GATE_H

#include <stdbool.h>

#include "async/future.h"

struct ktest_gate {
    struct async_future future;
    bool open;
    bool has_waker;
    struct async_waker waker;
    int polls;
    int cancels;
};

static inline enum async_poll ktest_gate_poll(struct async_future *future, struct async_cx *cx)
{
    struct ktest_gate *gate = ASYNC_CONTAINER_OF(future, struct ktest_gate, future);
    gate->polls++;
    if (gate->open)
        return ASYNC_READY;
    gate->waker = cx->waker;
    gate->has_waker = true;
    return ASYNC_PENDING;
}

static inline void ktest_gate_cancel(struct async_future *future)
{
    struct ktest_gate *gate = ASYNC_CONTAINER_OF(future, struct ktest_gate, future);
    gate->cancels++;
    gate->has_waker = false;
}

static inline void ktest_gate_init(struct ktest_gate *gate)
{
    gate->future.poll = ktest_gate_poll;
    gate->future.cancel = ktest_gate_cancel;
    gate->open = false;
    gate->has_waker = false;
    gate->polls = 0;
    gate->cancels = 0;
}

/* Open the gate and wake whoever polled it last. */
static inline void ktest_gate_open(struct ktest_gate *gate)
{
    gate->open = true;
    if (gate->has_waker) {
        gate->has_waker = false;
        async_waker_wake(&gate->waker);
    }
}

/* Wake the waiter without opening: a spurious or repeated wakeup. */
static inline void ktest_gate_poke(struct ktest_gate *gate)
{
    if (gate->has_waker)
        async_waker_wake(&gate->waker);
}

#endif
