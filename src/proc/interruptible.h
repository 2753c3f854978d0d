/*
 * interruptible.h: sleeps that a signal may end early.
 *
 * A thread blocked reading an empty pipe, or the console, may wait for
 * ever. On Linux a signal ends such a wait: the call returns -EINTR (or its
 * handler runs, then the call returns -EINTR or restarts). That is what
 * these are for, so that the places that may wait for ever are marked now:
 *
 *     spinlock_acquire(&guard);
 *     while (!condition) {
 *         int error = wait_queue_sleep_interruptible(&queue, &guard);
 *         if (error != 0) { spinlock_release(&guard); return error; }   // -EINTR
 *     }
 *
 * Today the only signal that does anything is a kill, which ends the
 * process the next time it returns to user mode (proc/signal.h). So a
 * pending kill is what "a signal is pending" means here, checked before
 * the sleep and after every wake-up; and nothing yet wakes a sleeper early
 * when the kill comes. The signals work (handlers, masks) makes
 * signal_send wake an interruptible sleeper of its target, and widens
 * signal_pending() to any unblocked pending signal; the callers stay as
 * they are.
 */
#ifndef PROC_INTERRUPTIBLE_H
#define PROC_INTERRUPTIBLE_H

#include <stdbool.h>

struct spinlock;
struct wait_queue;

/* Whether a signal waits for the calling thread's process (today: it has been killed). */
bool signal_pending(void);

/*
 * wait_queue_sleep, unless a signal is pending before or after it: then
 * -EINTR (with `guard` held, as always). 0 after an ordinary wake-up.
 */
int wait_queue_sleep_interruptible(struct wait_queue *queue, struct spinlock *guard);

#endif
