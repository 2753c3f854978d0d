/*
 * mutex.c: sleeping mutexes with an owner. See mutex.h.
 *
 * The fast path, a free mutex, is the guard spinlock, one owner check and
 * one store. The slow path sleeps on the wait queue until the mutex is
 * free, and looks for a deadlock cycle each time just before it sleeps. Unlock wakes one sleeper,
 * which competes again for the mutex (a thread that arrives meanwhile may take it first; that keeps
 * the hand-off cheap and is fair enough for a kernel).
 */
#include "proc/mutex.h"

#include "lib/format.h"
#include "console/panic.h"
#include "proc/sched.h"
#include "proc/thread.h"

void mutex_init(struct mutex *mutex, const char *name)
{
    /* LAB 6 BEGIN: mutex_init */
    spinlock_init(&mutex->guard, name);
    mutex->owner = NULL;
    mutex->sleepers = 0;
    wait_queue_init(&mutex->waiters, name);
    mutex->name = name;
    mutex->contended = 0;
    /* LAB 6 END: mutex_init */
}

/*
 * Panic with the cycle: "thread 'a' waits for mutex 'm2', held by 'b',
 * which waits for mutex 'm1', held by 'a'". Every thread in it sleeps for
 * good, each waiting for the next.
 */
__attribute__((noreturn)) static void report_deadlock(const struct mutex *wanted,
                                                      const struct thread *self)
{
    char chain[200];
    size_t used = 0;
    const struct mutex *mutex = wanted;
    used += (size_t)snprintf(chain, sizeof(chain), "thread '%s' waits for mutex '%s'", self->name,
                             mutex->name);
    for (int hops = 0; hops < 8 && used < sizeof(chain); hops++) {
        const struct thread *owner = mutex->owner;
        used += (size_t)snprintf(chain + used, sizeof(chain) - used, ", held by '%s'", owner->name);
        if (owner == self || owner->blocked_on_mutex == NULL || used >= sizeof(chain))
            break;
        mutex = owner->blocked_on_mutex;
        used += (size_t)snprintf(chain + used, sizeof(chain) - used, ", which waits for mutex '%s'",
                                 mutex->name);
    }
    panic("mutex_lock: deadlock: %s", chain);
}

/*
 * Follow owner -> the mutex it sleeps on -> its owner ...; reaching
 * ourselves is a cycle. Run under sched_lock, just before this thread
 * sleeps, so the last thread of a cycle to go to sleep always finds it.
 * With several harts the other mutexes' fields change under our feet, so a
 * link counts only if its thread is asleep on that mutex (BLOCKED on its
 * queue: sched_lock guards both) and still owns the mutex before it: a
 * sleeping thread can neither release a mutex nor stop waiting, so every
 * link checked this way stays true, and the cycle is real.
 */
static void check_for_deadlock_locked(const struct mutex *wanted, const struct thread *self)
{
    const struct mutex *mutex = wanted;
    for (int hops = 0; hops < 64; hops++) {
        const struct thread *owner = __atomic_load_n(&mutex->owner, __ATOMIC_RELAXED);
        if (owner == NULL)
            return;
        if (owner == self)
            report_deadlock(wanted, self);
        const struct mutex *next = __atomic_load_n(&owner->blocked_on_mutex, __ATOMIC_RELAXED);
        if (next == NULL || owner->state != THREAD_BLOCKED || owner->waiting_on != &next->waiters)
            return; /* it runs, or is about to: no deadlock through it (yet) */
        if (__atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) != owner)
            return; /* it let go of this one before it slept */
        mutex = next;
    }
}

/* The mutex is taken: sleep until it is free. The guard is held throughout, except asleep. */
__attribute__((noinline)) static void mutex_wait(struct mutex *mutex, struct thread *self)
{
    /* LAB 6 BEGIN: mutex_wait */
    if (mutex->owner == self)
        panic("mutex_lock: thread '%s' already holds mutex '%s' (mutexes are not recursive)",
              self->name, mutex->name);
    mutex->contended++;
    self->blocked_on_mutex = mutex;
    while (mutex->owner != NULL) {
        mutex->sleepers++;
        sched_assert_may_sleep("mutex_lock", 1);
        spinlock_acquire(&sched_lock);
        check_for_deadlock_locked(mutex, self);
        wait_queue_sleep_sched_locked(&mutex->waiters, &mutex->guard);
        mutex->sleepers--;
    }
    self->blocked_on_mutex = NULL;
    /* LAB 6 END: mutex_wait */
}

void mutex_lock(struct mutex *mutex)
{
    sched_might_sleep("mutex_lock");
    struct thread *self = thread_current();
    spinlock_acquire_inline(&mutex->guard, SPINLOCK_SITE());
    if (mutex->owner != NULL)
        mutex_wait(mutex, self);
    mutex->owner = self;
    spinlock_release_inline(&mutex->guard);
}

bool mutex_try_lock(struct mutex *mutex)
{
    /* LAB 6 BEGIN: mutex_try_lock */
    struct thread *self = thread_current();
    spinlock_acquire_inline(&mutex->guard, SPINLOCK_SITE());
    bool taken = mutex->owner == NULL;
    if (taken)
        mutex->owner = self;
    spinlock_release_inline(&mutex->guard);
    return taken;
    /* LAB 6 END: mutex_try_lock */
}

__attribute__((noreturn, noinline)) static void unlock_refused(const struct mutex *mutex,
                                                               const struct thread *self)
{
    if (trap_interrupt_depth() != 0)
        panic("mutex_unlock: mutex '%s' unlocked in an interrupt handler", mutex->name);
    if (mutex->owner == NULL)
        panic("mutex_unlock: thread '%s' unlocks mutex '%s', which is not locked",
              self != NULL ? self->name : "?", mutex->name);
    panic("mutex_unlock: thread '%s' unlocks mutex '%s', which thread '%s' holds",
          self != NULL ? self->name : "?", mutex->name, mutex->owner->name);
}

void mutex_unlock(struct mutex *mutex)
{
    /* LAB 6 BEGIN: mutex_unlock */
    struct thread *self = thread_current();
    spinlock_acquire_inline(&mutex->guard, SPINLOCK_SITE());
    if (mutex->owner != self || trap_interrupt_depth() != 0) {
        spinlock_release_inline(&mutex->guard);
        unlock_refused(mutex, self);
    }
    mutex->owner = NULL;
    if (mutex->sleepers > 0)
        wait_queue_wake_one(&mutex->waiters);
    spinlock_release_inline(&mutex->guard);
    /* LAB 6 END: mutex_unlock */
}

bool mutex_held(const struct mutex *mutex)
{
    return mutex->owner != NULL && mutex->owner == thread_current();
}
