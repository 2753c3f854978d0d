/*
 * shim/proc/mutex.h: the kernel's mutex for single-threaded host tests, with
 * the same names and signatures as src/proc/mutex.h and the misuse checks of
 * shim/sync/spinlock.h.
 */
#ifndef PROC_MUTEX_H
#define PROC_MUTEX_H

#include <stdbool.h>

#include "sync/spinlock.h"

struct mutex {
    bool held;
    const char *name;
};

void mutex_init(struct mutex *mutex, const char *name);
void mutex_lock(struct mutex *mutex);
bool mutex_try_lock(struct mutex *mutex);
void mutex_unlock(struct mutex *mutex);
bool mutex_held(const struct mutex *mutex);

#endif
