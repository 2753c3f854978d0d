/*
 * wait_queue.c: sleeping on a queue and waking from it. See wait_queue.h.
 *
 * A waiter is a thread BLOCKED with its wait_node on the queue's list. The
 * list is guarded by sched_lock, so putting the thread on the queue, marking
 * it BLOCKED and switching away all happen under one lock hold, and a waker
 * (which needs the same lock) sees either a thread not yet queued, whose
 * guard it could not get, or a thread fully asleep.
 */
#include "proc/wait_queue.h"

#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/spinlock.h"

void wait_queue_init(struct wait_queue *queue, const char *name)
{
    list_init(&queue->waiters);
    queue->name = name;
}

/* Queue the running thread and switch away; returns once woken and run again. */
static void enqueue_and_block_locked(struct wait_queue *queue, struct spinlock *guard)
{
    struct thread *self = thread_current();
    list_push_back(&queue->waiters, &self->wait_node);
    self->waiting_on = queue;
    self->state = THREAD_BLOCKED;
    /* Queued before the guard goes: a waker that takes the guard now will find this thread. */
    if (guard != NULL)
        spinlock_release(guard);
    sched_block_locked();
}

void wait_queue_sleep_sched_locked(struct wait_queue *queue, struct spinlock *guard)
{
    enqueue_and_block_locked(queue, guard);
    sched_unlock();
    spinlock_acquire(guard);
}

void wait_queue_sleep_locked(struct wait_queue *queue)
{
    enqueue_and_block_locked(queue, NULL);
}

void wait_queue_sleep(struct wait_queue *queue, struct spinlock *guard)
{
    sched_assert_may_sleep("wait_queue_sleep", guard != NULL ? 1 : 0);
    spinlock_acquire(&sched_lock);
    enqueue_and_block_locked(queue, guard);
    sched_unlock();
    if (guard != NULL)
        spinlock_acquire(guard);
}

bool wait_queue_wake_one_locked(struct wait_queue *queue)
{
    struct list_node *first = list_pop_front(&queue->waiters);
    if (first == NULL)
        return false;
    sched_wake_locked(list_entry(first, struct thread, wait_node));
    return true;
}

size_t wait_queue_wake_all_locked(struct wait_queue *queue)
{
    size_t woken = 0;
    while (wait_queue_wake_one_locked(queue))
        woken++;
    return woken;
}

size_t wait_queue_wake_all(struct wait_queue *queue)
{
    spinlock_acquire(&sched_lock);
    size_t woken = wait_queue_wake_all_locked(queue);
    spinlock_release(&sched_lock);
    return woken;
}
