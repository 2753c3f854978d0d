/*
 * lockdep.h: the lock-order checker, built in with `make LOCKDEP=1`.
 *
 * Two harts deadlock when one holds A and waits for B while the other
 * holds B and waits for A. That needs both orders, A then B and B then A,
 * somewhere in the kernel, but it needs bad luck too: most runs never hit
 * it. The checker does not wait for the luck. Every time a hart takes a
 * lock B while it holds a lock A, it records the edge A -> B (once, with
 * both call sites), and before it records a new edge it looks for a path
 * back: if B -> ... -> A already exists, the new edge closes a cycle, and
 * it panics with the call sites of every edge in it.
 *
 * Locks are grouped in classes by name: every mutex named "buffer" is one
 * class. Two locks of one class taken together are not checked against
 * each other. Only spinlocks are tracked (mutexes, semaphores and condition
 * variables through their guards); the console's own lock is not one.
 *
 * Without LOCKDEP (the default) these calls compile to nothing, so the
 * checker costs the hot paths no instruction (docs/smp.md).
 */
#ifndef SYNC_LOCKDEP_H
#define SYNC_LOCKDEP_H

#include <stdint.h>

struct spinlock;

#define LOCKDEP_CLASSES 128 /* lock names */
#define LOCKDEP_HELD    16  /* locks one hart holds at once */
#define LOCKDEP_EDGES   1024

/* Before taking `lock` at code address `site`: check and record the order, note it held. */
void lockdep_acquire(struct spinlock *lock, uint64_t site);

/* `lock` is being released: it is no longer held. */
void lockdep_release(struct spinlock *lock);

/* Print the locks this hart holds, with where each was taken (for reports). */
void lockdep_print_held(void);

/* Every order seen so far, one line each (test images print it at their end). */
void lockdep_print_graph(void);

/* How many classes and edges the checker knows now. */
int lockdep_class_count(void);
int lockdep_edge_count(void);

#endif
