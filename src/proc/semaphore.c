/*
 * semaphore.c: counting semaphores on a wait queue. See semaphore.h.
 *
 * The count and the number of sleepers are guarded by the semaphore's own
 * spinlock; up wakes a sleeper only when there is one, so the common case
 * never touches the scheduler. A woken thread takes the guard again and
 * re-checks the count: another thread may have taken the unit first.
 */
#include "proc/semaphore.h"

#include "proc/sched.h"

void semaphore_init(struct semaphore *semaphore, uint64_t count, const char *name)
{
    spinlock_init(&semaphore->guard, name);
    semaphore->count = count;
    semaphore->sleepers = 0;
    wait_queue_init(&semaphore->waiters, name);
}

void semaphore_down(struct semaphore *semaphore)
{
    /* LAB 6 BEGIN: semaphore_down */
    sched_might_sleep("semaphore_down");
    spinlock_acquire(&semaphore->guard);
    while (semaphore->count == 0) {
        semaphore->sleepers++;
        wait_queue_sleep(&semaphore->waiters, &semaphore->guard);
        semaphore->sleepers--;
    }
    semaphore->count--;
    spinlock_release(&semaphore->guard);
    /* LAB 6 END: semaphore_down */
}

bool semaphore_try_down(struct semaphore *semaphore)
{
    spinlock_acquire(&semaphore->guard);
    bool taken = semaphore->count > 0;
    if (taken)
        semaphore->count--;
    spinlock_release(&semaphore->guard);
    return taken;
}

void semaphore_up(struct semaphore *semaphore)
{
    /* LAB 6 BEGIN: semaphore_up */
    spinlock_acquire(&semaphore->guard);
    semaphore->count++;
    if (semaphore->sleepers > 0)
        wait_queue_wake_one(&semaphore->waiters);
    spinlock_release(&semaphore->guard);
    /* LAB 6 END: semaphore_up */
}

uint64_t semaphore_count(struct semaphore *semaphore)
{
    spinlock_acquire(&semaphore->guard);
    uint64_t count = semaphore->count;
    spinlock_release(&semaphore->guard);
    return count;
}
