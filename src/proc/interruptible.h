/*
 * interruptible.h: sleeps that a signal may end early.
 *
 * A thread blocked reading an empty pipe, or the console, may wait for
 * ever. On Linux a signal ends such a wait, and so it does here:
 *
 *     spinlock_acquire(&guard);
 *     while (!condition) {
 *         int error = wait_queue_sleep_interruptible(&queue, &guard);
 *         if (error != 0) { spinlock_release(&guard); return error; }   // -ERESTARTSYS
 *     }
 *
 * The sleeper is marked interruptible (thread->interruptible) under
 * sched_lock, after a last look at its signals, so a signal sent at any
 * moment either is seen before the sleep or wakes the sleeper
 * (sched_interrupt_locked, called by proc/signal.c's senders).
 *
 * -ERESTARTSYS never reaches user space: on the way out of the system call
 * (proc/signal.h) it becomes -EINTR if a handler runs without SA_RESTART,
 * and otherwise the call starts again, as if the signal had not come. A
 * fatal signal ends the process there instead.
 */
#ifndef PROC_INTERRUPTIBLE_H
#define PROC_INTERRUPTIBLE_H

#include <stdbool.h>
#include <stdint.h>

/* Linux's internal "restart this call unless a handler says otherwise" (never seen by users). */
#define ERESTARTSYS 512

struct spinlock;
struct wait_queue;

/* Whether the calling thread has an unblocked signal pending, or its process must exit. */
bool signal_pending(void);

/*
 * wait_queue_sleep, unless a signal is pending before it or comes during
 * it: then -ERESTARTSYS (with `guard` held again, as always, if not NULL).
 * 0 after an ordinary wake-up.
 */
int wait_queue_sleep_interruptible(struct wait_queue *queue, struct spinlock *guard);

/*
 * wait_queue_sleep_interruptible with a deadline (a `time` value, as
 * sched_sleep_until's): 0 after a wake-up, -ETIMEDOUT once the deadline has
 * passed (at once if it has already), -ERESTARTSYS for a signal. `guard` is
 * held on entry and on return, as always.
 */
int wait_queue_sleep_until_interruptible(struct wait_queue *queue, struct spinlock *guard,
                                         uint64_t deadline);

/* sched_sleep_until that a signal ends early: 0, or -EINTR. */
int sched_sleep_until_interruptible(uint64_t wake_time);

#endif
