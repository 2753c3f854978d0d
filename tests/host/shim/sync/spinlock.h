/*
 * shim/sync/spinlock.h: the kernel's spinlock, for host tests of kernel code
 * that runs one thread (the file system). Same names and signatures as
 * src/sync/spinlock.h; a lock records whether it is held, and a misuse
 * (taking it twice, releasing it when free) aborts with the lock's name, as
 * the kernel would panic. Host tests that want it put tests/host/shim on the
 * quote-include path (-iquote), ahead of src/.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include <stdbool.h>

struct spinlock {
    bool held;
    const char *name;
};

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
bool spinlock_held(const struct spinlock *lock);

/* Locks held right now, spinlocks and mutexes: a test checks it is 0 between operations. */
extern int fs_host_locks_held;

#endif
