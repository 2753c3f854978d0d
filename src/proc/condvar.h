/*
 * condvar.h: condition variables, used with a mutex.
 *
 * A thread that must wait for some state (a buffer not empty) checks it
 * with the mutex held, and if it does not hold, calls condvar_wait(): that
 * releases the mutex and sleeps as one step, so a signal cannot slip in
 * between, and takes the mutex again before it returns. Whoever changes the
 * state signals (one waiter) or broadcasts (all). Mesa semantics: a woken
 * thread must check the state again, in a while loop:
 *
 *     mutex_lock(&lock);
 *     while (buffer_empty())
 *         condvar_wait(&not_empty, &lock);
 *     take_item();
 *     mutex_unlock(&lock);
 */
#ifndef PROC_CONDVAR_H
#define PROC_CONDVAR_H

#include "sync/spinlock.h"
#include "proc/wait_queue.h"

struct mutex;

struct condvar {
    struct spinlock guard; /* held from before the mutex is released until the waiter is queued */
    struct wait_queue waiters;
};

void condvar_init(struct condvar *condvar, const char *name);
/* The caller must hold `mutex`; it holds it again when this returns. */
void condvar_wait(struct condvar *condvar, struct mutex *mutex);
void condvar_signal(struct condvar *condvar);
void condvar_broadcast(struct condvar *condvar);

#endif
