/*
 * condvar.c: condition variables. See condvar.h.
 *
 * The waiter takes the condvar's guard *before* it releases the mutex and
 * keeps it until it is on the wait queue; a signaller takes the same guard
 * to wake. So a signal sent after the waiter let the mutex go cannot miss
 * it. Lock order: condvar guard, then the mutex's guard, then sched_lock.
 */
#include "proc/condvar.h"

#include "proc/mutex.h"

void condvar_init(struct condvar *condvar, const char *name)
{
    spinlock_init(&condvar->guard, name);
    wait_queue_init(&condvar->waiters, name);
}

void condvar_wait(struct condvar *condvar, struct mutex *mutex)
{
    /* LAB 6 BEGIN: condvar_wait */
    spinlock_acquire(&condvar->guard);
    mutex_unlock(mutex);
    wait_queue_sleep(&condvar->waiters, &condvar->guard);
    spinlock_release(&condvar->guard);
    mutex_lock(mutex);
    /* LAB 6 END: condvar_wait */
}

void condvar_signal(struct condvar *condvar)
{
    /* LAB 6 BEGIN: condvar_signal */
    spinlock_acquire(&condvar->guard);
    wait_queue_wake_one(&condvar->waiters);
    spinlock_release(&condvar->guard);
    /* LAB 6 END: condvar_signal */
}

void condvar_broadcast(struct condvar *condvar)
{
    /* LAB 6 BEGIN: condvar_broadcast */
    spinlock_acquire(&condvar->guard);
    wait_queue_wake_all(&condvar->waiters);
    spinlock_release(&condvar->guard);
    /* LAB 6 END: condvar_broadcast */
}
