/*
 * spinlock.c: test-and-set spinlocks with per-hart interrupt nesting.
 *
 * amoswap.w.aq swaps 1 into the lock word and returns the old value; the
 * acquire ordering keeps the critical section's accesses after it. Release
 * stores 0 with release ordering (amoswap.w.rl) so that everything written
 * inside is visible before the lock looks free.
 */
#include "sync/spinlock.h"

#include "console/panic.h"
#include "proc/cpu.h"
#include "trap/irq.h"

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->locked = 0;
    lock->name = name;
    lock->owner = 0;
}

void spinlock_push_irq_off(void)
{
    bool was_enabled = irq_enabled();
    irq_disable();
    struct cpu *cpu = cpu_this();
    if (cpu->lock_depth == 0)
        cpu->irq_enabled_before_locks = was_enabled;
    cpu->lock_depth++;
}

void spinlock_pop_irq_off(void)
{
    struct cpu *cpu = cpu_this();
    if (irq_enabled())
        panic("spinlock_pop_irq_off: interrupts are on inside a locked section");
    if (cpu->lock_depth <= 0)
        panic("spinlock_pop_irq_off: lock depth %d, nothing to pop", cpu->lock_depth);
    cpu->lock_depth--;
    if (cpu->lock_depth == 0 && cpu->irq_enabled_before_locks)
        irq_enable();
}

bool spinlock_held(const struct spinlock *lock)
{
    return lock->locked && lock->owner == cpu_this();
}

void spinlock_acquire(struct spinlock *lock)
{
    spinlock_push_irq_off();
    if (spinlock_held(lock))
        panic("spinlock_acquire: recursive acquire of lock '%s' on hart %lu", lock->name,
              cpu_hartid());
    uint32_t old;
    do {
        asm volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(&lock->locked) : "memory");
    } while (old != 0);
    lock->owner = cpu_this();
}

void spinlock_release(struct spinlock *lock)
{
    if (!spinlock_held(lock))
        panic("spinlock_release: lock '%s' is not held by hart %lu", lock->name, cpu_hartid());
    lock->owner = 0;
    uint32_t ignored;
    asm volatile("amoswap.w.rl %0, zero, (%1)" : "=r"(ignored) : "r"(&lock->locked) : "memory");
    spinlock_pop_irq_off();
}
