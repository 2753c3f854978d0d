/*
 * spinlock.c: test-and-set spinlocks with per-hart interrupt nesting.
 *
 * amoswap.w.aq swaps 1 into the lock word and returns the old value; the
 * acquire ordering keeps the critical section's accesses after it. Release
 * stores 0 with release ordering (amoswap.w.rl) so that everything written
 * inside is visible before the lock looks free.
 *
 * Acquire and release are on every hot path in the kernel, so their bodies
 * are short leaf functions (inline in spinlock.h, for the thread switch),
 * and every report of a misuse is a separate function that never returns.
 */
#include "sync/spinlock.h"

#include "console/panic.h"
#include "arch/irq.h"

HART_SLOT_CHECK(struct spinlock_hart);

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->locked = 0;
    lock->name = name;
    lock->owner = 0;
}

/* Interrupts off (one csrrc), and count one more level; the first remembers if they were on. */
static inline void push_irq_off(void)
{
    irq_state_t was_enabled = irq_save();
    struct spinlock_hart *mine = spinlock_hart();
    if (mine->depth == 0)
        mine->irq_enabled_before_locks = was_enabled != 0;
    mine->depth++;
}

__attribute__((noreturn, noinline, cold)) static void pop_refused(const struct spinlock_hart *mine)
{
    if (irq_enabled())
        panic("spinlock_pop_irq_off: interrupts are on inside a locked section");
    panic("spinlock_pop_irq_off: lock depth %d, nothing to pop", mine->depth);
}

/* One level less; leaving the last one turns interrupts back on if they were on before. */
static inline void pop_irq_off(struct spinlock_hart *mine)
{
    if (__builtin_expect(irq_enabled() || mine->depth <= 0, 0))
        pop_refused(mine);
    mine->depth--;
    if (mine->depth == 0 && mine->irq_enabled_before_locks)
        irq_enable();
}

void spinlock_push_irq_off(void)
{
    push_irq_off();
}

void spinlock_pop_irq_off(void)
{
    pop_irq_off(spinlock_hart());
}

bool spinlock_held(const struct spinlock *lock)
{
    return lock->locked && lock->owner == hart_this();
}

void spinlock_recursive_acquire(const struct spinlock *lock)
{
    panic("spinlock_acquire: recursive acquire of lock '%s' on hart %lu (this hart already "
          "holds it)",
          lock->name, hart_id());
}

void spinlock_release_refused(const struct spinlock *lock)
{
    if (!lock->locked || lock->owner != hart_this())
        panic("spinlock_release: lock '%s' is not held by hart %lu", lock->name, hart_id());
    pop_refused(spinlock_hart());
}

void spinlock_acquire(struct spinlock *lock)
{
    spinlock_acquire_inline(lock);
}

void spinlock_release(struct spinlock *lock)
{
    spinlock_release_inline(lock);
}
