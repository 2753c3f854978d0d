/*
 * mutex.h: a sleeping lock for longer critical sections.
 *
 * A spinlock keeps interrupts off and makes other harts spin; it is for a
 * few dozen instructions. A mutex lets the waiting thread sleep, so the
 * section it guards may take long, may allocate, may even sleep itself.
 * Only a thread may take a mutex, never an interrupt handler.
 *
 * A mutex has an owner. These are bugs, and panic with the names involved:
 *   - locking a mutex the thread already holds (mutexes are not recursive);
 *   - unlocking a mutex the thread does not hold;
 *   - a deadlock cycle: the thread waits for a mutex whose owner waits (for
 *     a mutex whose owner waits...) for a mutex the thread holds.
 */
#ifndef PROC_MUTEX_H
#define PROC_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sync/spinlock.h"
#include "proc/wait_queue.h"

struct thread;

struct mutex {
    struct spinlock guard; /* guards the fields below */
    struct thread *owner;  /* NULL when free */
    uint32_t sleepers;     /* threads in waiters (so unlock wakes only when needed) */
    struct wait_queue waiters;
    const char *name;
    uint64_t contended; /* times a lock had to wait: the tests want the slow path used */
};

#define MUTEX_INIT(m, mutex_name)                                                                  \
    {                                                                                              \
        .guard = SPINLOCK_INIT(mutex_name), .owner = 0, .sleepers = 0,                             \
        .waiters = WAIT_QUEUE_INIT((m).waiters, mutex_name), .name = (mutex_name), .contended = 0  \
    }

void mutex_init(struct mutex *mutex, const char *name);
void mutex_lock(struct mutex *mutex);
/* Take it only if it is free now; true if taken. Never sleeps. */
bool mutex_try_lock(struct mutex *mutex);
void mutex_unlock(struct mutex *mutex);
/* Whether the calling thread holds it. */
bool mutex_held(const struct mutex *mutex);

#endif
