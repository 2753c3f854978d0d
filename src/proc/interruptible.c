/*
 * interruptible.c: sleeps that a signal may end early. See interruptible.h.
 *
 * The plain one, wait_queue_sleep_interruptible, is in proc/sched.c, where
 * the thread switch is inlined into it: a pipe round trip sleeps there twice.
 */
#include "proc/interruptible.h"

#include "abi/errno.h"
#include "arch/riscv.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"

bool signal_pending(void)
{
    return thread_signal_pending(thread_current());
}

int wait_queue_sleep_until_interruptible(struct wait_queue *queue, struct spinlock *guard,
                                         uint64_t deadline)
{
    sched_assert_may_sleep("wait_queue_sleep_until_interruptible", guard != NULL ? 1 : 0);
    if (read_time() >= deadline)
        return -ETIMEDOUT;
    struct thread *self = thread_current();
    spinlock_acquire(&sched_lock);
    if (signal_pending()) {
        spinlock_release(&sched_lock);
        return -ERESTARTSYS;
    }
    /* On both lists: a waker takes it off the timer queue, the tick off the wait queue. */
    list_push_back(&queue->waiters, &self->wait_node);
    self->waiting_on = queue;
    sched_enqueue_sleeper_locked(self, deadline);
    self->interruptible = true;
    if (guard != NULL)
        spinlock_release(guard);
    sched_block_locked();
    self->interruptible = false;
    sched_unlock();
    if (guard != NULL)
        spinlock_acquire(guard);
    if (signal_pending())
        return -ERESTARTSYS;
    return read_time() >= deadline ? -ETIMEDOUT : 0;
}
