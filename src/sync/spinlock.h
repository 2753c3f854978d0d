/*
 * spinlock.h: a lock for short critical sections, safe against interrupts.
 *
 * Acquiring turns this hart's interrupts off (so an interrupt handler on the
 * same hart cannot spin forever on a lock its own hart holds) and keeps them
 * off until the last lock this hart holds is released. Locks nest. Taking a
 * lock this hart already holds is a bug, and panics with the lock's name.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    struct cpu *owner; /* the holding hart, for the recursion check */
};

#define SPINLOCK_INIT(lock_name) {.locked = 0, .name = (lock_name), .owner = 0}

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
bool spinlock_held(const struct spinlock *lock);

/* The interrupt half on its own: nesting counted per hart. */
void spinlock_push_irq_off(void);
void spinlock_pop_irq_off(void);

#endif
