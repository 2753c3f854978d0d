/*
 * wait_queue.h: threads waiting for something, woken in the order they came.
 *
 * Every sleeping primitive is built on this: mutexes, semaphores,
 * condition variables, thread_join, and the console's blocking read.
 *
 * The rule that makes a wait safe (no lost wake-up): the waiter checks its
 * condition while holding a spinlock, the "guard", and the waker changes
 * the condition and wakes while holding the same guard. wait_queue_sleep()
 * puts the thread on the queue *before* it lets the guard go, so a wake-up
 * can never fall between the check and the sleep:
 *
 *     spinlock_acquire(&guard);                 spinlock_acquire(&guard);
 *     while (!condition)                        condition = true;
 *         wait_queue_sleep(&queue, &guard);     wait_queue_wake_one(&queue);
 *     ... condition holds, guard held ...       spinlock_release(&guard);
 *     spinlock_release(&guard);
 *
 * Waking never sleeps, so interrupt handlers may wake (the UART does).
 * The queue's list is guarded by sched_lock, which these functions take.
 */
#ifndef PROC_WAIT_QUEUE_H
#define PROC_WAIT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/list.h"

struct spinlock;

struct wait_queue {
    struct list waiters; /* threads, through thread->wait_node, oldest first */
    const char *name;    /* for reports: "mutex counter", "uart input" */
};

#define WAIT_QUEUE_INIT(queue, queue_name)                                                         \
    {                                                                                              \
        .waiters = LIST_INIT((queue).waiters), .name = (queue_name)                                \
    }

void wait_queue_init(struct wait_queue *queue, const char *name);

/*
 * Sleep until woken. `guard` (may be NULL) is held on entry and is held
 * again on return; it is released while the thread sleeps. The caller must
 * hold no other spinlock, must not be an interrupt handler (both panic).
 * Wake-ups can come for a condition that no longer holds: check it again.
 */
void wait_queue_sleep(struct wait_queue *queue, struct spinlock *guard);

/*
 * Wake the longest waiter; false if none was waiting. One call into the
 * scheduler (proc/sched.c), which takes sched_lock with the inline bodies
 * and wakes in the same function: a pipe's write wakes its reader here
 * (docs/pipes.md counts it).
 */
bool sched_wake_first(struct list *waiters);
static inline bool wait_queue_wake_one(struct wait_queue *queue)
{
    return sched_wake_first(&queue->waiters);
}

/* Wake every waiter; returns how many. */
size_t wait_queue_wake_all(struct wait_queue *queue);

/*
 * wait_queue_sleep for a caller that holds sched_lock as well as `guard`
 * (taken after the guard: it had something to check under both, as
 * mutex_lock's deadlock check). Returns with the guard held, not sched_lock.
 */
void wait_queue_sleep_sched_locked(struct wait_queue *queue, struct spinlock *guard);

/* The same three with sched_lock already held (thread_join and exit use them). */
void wait_queue_sleep_locked(struct wait_queue *queue);
bool wait_queue_wake_one_locked(struct wait_queue *queue);
size_t wait_queue_wake_all_locked(struct wait_queue *queue);

#endif
