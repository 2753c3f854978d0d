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

#include "arch/hart.h"
#include "arch/irq.h"

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    struct hart *owner; /* the holding hart, for the recursion check */
};

/* This hart's part (its slot, arch/hart.h): how deeply its spinlocks nest. */
struct spinlock_hart {
    int depth;                     /* spinlocks this hart holds */
    bool irq_enabled_before_locks; /* were interrupts on before the first of them? */
};

static inline struct spinlock_hart *spinlock_hart(void)
{
    return (struct spinlock_hart *)hart_slot(HART_SLOT_SPINLOCK);
}

/* How many spinlocks this hart holds now. */
static inline int spinlock_depth(void)
{
    return spinlock_hart()->depth;
}

#define SPINLOCK_INIT(lock_name)                                                                   \
    {                                                                                              \
        .locked = 0, .name = (lock_name), .owner = 0                                               \
    }

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
bool spinlock_held(const struct spinlock *lock);

/* The interrupt half on its own: nesting counted per hart. */
void spinlock_push_irq_off(void);
void spinlock_pop_irq_off(void);

/* ---- The same acquire and release, inline --------------------------------------- */

/* The reports of a misuse, out of line (spinlock.c); they panic. */
__attribute__((noreturn)) void spinlock_recursive_acquire(const struct spinlock *lock);
__attribute__((noreturn)) void spinlock_release_refused(const struct spinlock *lock);

/*
 * spinlock_acquire and spinlock_release are the two bodies below. The
 * thread switch (proc/sched.c), where a call costs a noticeable share of
 * the whole, builds its own from these parts; everyone else calls the
 * functions.
 */
/* The lock word alone: spin until it is ours, and let it go. */
static inline void spinlock_take(struct spinlock *lock, struct hart *hart)
{
    uint32_t old = 0; /* (the asm writes it; cppcheck cannot see that) */
    do {
        asm volatile("amoswap.w.aq %0, %1, (%2)"
                     : "=r"(old)
                     : "r"(1), "r"(&lock->locked)
                     : "memory");
    } while (old != 0);
    lock->owner = hart;
}

static inline void spinlock_give(struct spinlock *lock)
{
    lock->owner = 0;
    uint32_t ignored;
    asm volatile("amoswap.w.rl %0, zero, (%1)" : "=r"(ignored) : "r"(&lock->locked) : "memory");
}

static inline void spinlock_acquire_inline(struct spinlock *lock)
{
    /* Interrupts off in one csrrc; the outermost lock remembers whether they were on. */
    irq_state_t was_enabled = irq_save();
    struct hart *hart = hart_this();
    struct spinlock_hart *mine = spinlock_hart();
    if (mine->depth == 0)
        mine->irq_enabled_before_locks = was_enabled != 0;
    mine->depth++;
    if (lock->locked && lock->owner == hart)
        spinlock_recursive_acquire(lock);
    spinlock_take(lock, hart);
}

static inline void spinlock_release_inline(struct spinlock *lock)
{
    struct spinlock_hart *mine = spinlock_hart();
    /* The lock must be ours; interrupts must still be off, and the depth must count it. */
    if (!lock->locked || lock->owner != hart_this() || irq_enabled() || mine->depth <= 0)
        spinlock_release_refused(lock);
    spinlock_give(lock);
    mine->depth--;
    if (mine->depth == 0 && mine->irq_enabled_before_locks)
        irq_enable();
}

#endif
