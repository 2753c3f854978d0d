/*
 * fs_host_sync.h: the kernel's mutex and spinlock, for the file-system host
 * tests, which run one thread. Same names and signatures as sync/mutex.h and
 * sync/spinlock.h; each lock records whether it is held, and a misuse (taking
 * a lock twice, releasing one not held) aborts with the lock's name, as the
 * kernel would panic. src/fs/fs_sync.h picks this header under HOST_TEST.
 */
#ifndef FS_HOST_SYNC_H
#define FS_HOST_SYNC_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    bool held;
    const char *name;
};

struct mutex {
    bool held;
    const char *name;
};

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
bool spinlock_held(const struct spinlock *lock);

void mutex_init(struct mutex *mutex, const char *name);
void mutex_lock(struct mutex *mutex);
bool mutex_try_lock(struct mutex *mutex);
void mutex_unlock(struct mutex *mutex);
bool mutex_held(const struct mutex *mutex);

/* Locks held right now, over all of them: a test checks it is 0 between operations. */
extern int fs_host_locks_held;

#endif
