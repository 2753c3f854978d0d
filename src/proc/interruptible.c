/*
 * interruptible.c: sleeps that a signal may end early. See interruptible.h.
 */
#include "proc/interruptible.h"

#include "abi/errno.h"
#include "arch/riscv.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"

/*
 * The body of signal_pending, inlined into the sleep below: a pipe round
 * trip sleeps twice and looks twice each time (docs/pipes.md counts it).
 */
static inline __attribute__((always_inline)) bool thread_signal_pending(struct thread *thread)
{
    /*
     * Whatever makes a signal pending and unblocked, or asks for an exit,
     * gives the thread attention first (proc/signal.c), under sched_lock when
     * it must end a sleep: no attention, nothing to look at (one load).
     */
    if (__atomic_load_n(&thread->signal_attention, __ATOMIC_RELAXED) == 0)
        return false;
    struct process *process = thread->process;
    /* A kernel thread (process 0) is never signalled. */
    if (process->pid == 0)
        return false;
    if (__atomic_load_n(&process->exit_requested, __ATOMIC_RELAXED) ||
        __atomic_load_n(&thread->exit_alone, __ATOMIC_RELAXED))
        return true;
    kernel_sigset_t pending = __atomic_load_n(&thread->signal_pending, __ATOMIC_RELAXED) |
                              __atomic_load_n(&process->signal_pending, __ATOMIC_RELAXED);
    return (pending & ~__atomic_load_n(&thread->signal_blocked, __ATOMIC_RELAXED)) != 0;
}

bool signal_pending(void)
{
    return thread_signal_pending(thread_current());
}

/* The locks with spinlock.h's inline bodies: a pipe round trip sleeps here twice. */
int wait_queue_sleep_interruptible(struct wait_queue *queue, struct spinlock *guard)
{
    sched_check_may_sleep("wait_queue_sleep_interruptible", guard != NULL ? 1 : 0);
    struct thread *self = thread_current();
    spinlock_acquire_inline(&sched_lock, SPINLOCK_SITE());
    /* The last look, under sched_lock: a sender that comes later finds this thread asleep. */
    if (thread_signal_pending(self)) {
        spinlock_release(&sched_lock);
        return -ERESTARTSYS;
    }
    list_push_back(&queue->waiters, &self->wait_node);
    self->waiting_on = queue;
    self->state = THREAD_BLOCKED;
    self->interruptible = true;
    if (guard != NULL)
        spinlock_release_inline(guard);
    sched_block_then_unlock();
    if (guard != NULL)
        spinlock_acquire_inline(guard, SPINLOCK_SITE());
    return thread_signal_pending(self) ? -ERESTARTSYS : 0;
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
