/*
 * semaphore.h: Dijkstra's counting semaphore.
 *
 * A count of available units. semaphore_down() takes one, sleeping while
 * there is none; semaphore_up() gives one back and wakes a sleeper. Unlike
 * a mutex it has no owner: one thread may down and another up, which is
 * how a bounded buffer counts its free and its full slots. semaphore_up
 * never sleeps, so an interrupt handler may call it.
 */
#ifndef PROC_SEMAPHORE_H
#define PROC_SEMAPHORE_H

#include <stdbool.h>
#include <stdint.h>

#include "sync/spinlock.h"
#include "proc/wait_queue.h"

struct semaphore {
    struct spinlock guard; /* guards count and sleepers */
    uint64_t count;
    uint32_t sleepers;
    struct wait_queue waiters;
};

void semaphore_init(struct semaphore *semaphore, uint64_t count, const char *name);
/* P: wait until the count is above zero, then take one. Threads only. */
void semaphore_down(struct semaphore *semaphore);
/* Take one if the count is above zero now; true if taken. Never sleeps. */
bool semaphore_try_down(struct semaphore *semaphore);
/* V: give one back, waking a waiter if there is one. Never sleeps. */
void semaphore_up(struct semaphore *semaphore);
uint64_t semaphore_count(struct semaphore *semaphore);

#endif
