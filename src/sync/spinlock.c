/*
 * spinlock.c: test-and-set spinlocks with per-hart interrupt nesting.
 *
 * amoswap.w.aq swaps 1 into the lock word and returns the old value; the
 * acquire ordering keeps the critical section's accesses after it. Release
 * stores 0 with release ordering (amoswap.w.rl) so that everything written
 * inside is visible before the lock looks free.
 *
 * Acquire and release are on every hot path in the kernel, so their bodies
 * are short (inline in spinlock.h, for the thread switch), one amoswap when
 * the lock is free. Everything else is out of line: the spin when it is
 * taken (spin.S: it counts contention and spin time, and has a watchdog),
 * and here every report of a misuse, which never returns.
 */
#include "sync/spinlock.h"

#include <stddef.h>

#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "console/ksyms.h"
#include "console/panic.h"

HART_SLOT_CHECK(struct spinlock_hart);
/* spin.S's offsets. */
_Static_assert(offsetof(struct spinlock, owner) == SPINLOCK_OWNER_OFFSET, "spin.S");
_Static_assert(offsetof(struct spinlock, contended) == SPINLOCK_CONTENDED_OFFSET, "spin.S");
_Static_assert(offsetof(struct spinlock, starving) == SPINLOCK_STARVING_OFFSET, "spin.S");
_Static_assert(offsetof(struct spinlock_hart, spin_time) == 8, "SPIN_TIME_OFFSET in spin.S");

/* The watchdog's limit in `time` units, read by spin.S; 0 (before the timer says) is off. */
uint64_t spinlock_watchdog_time;
/* A wait this long (a thousandth of the watchdog's, 10 ms) makes a hart starving: spin.S. */
uint64_t spinlock_starving_time;

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->locked = 0;
#ifdef LOCKDEP
    lock->lockdep_class = 0;
#endif
    lock->name = name;
    lock->owner = 0;
    lock->taken_at = 0;
    lock->contended = 0;
    lock->starving = 0;
}

void spinlock_set_watchdog(uint64_t time_units)
{
    spinlock_watchdog_time = time_units;
    spinlock_starving_time = time_units / 1000;
}

/* "function+0x1c" for a code address, into buf. */
static const char *describe_site(uint64_t site, char *buf, size_t size)
{
    uint64_t offset = 0;
    const char *name = ksyms_lookup(site, &offset);
    if (name == NULL)
        snprintf(buf, size, "%p", (void *)site);
    else
        snprintf(buf, size, "%s+0x%lx", name, offset);
    return buf;
}

/* "hart 2, taken at mutex_lock+0x1c", or "nobody" (read without the lock: a report's best guess).
 */
static const char *describe_holder(const struct spinlock *lock, char *buf, size_t size)
{
    const struct hart *owner = lock->owner;
    char site[64];
    if (!lock->locked || owner == NULL)
        snprintf(buf, size, "nobody");
    else
        snprintf(buf, size, "hart %lu, taken at %s", owner->id,
                 describe_site(lock->taken_at, site, sizeof(site)));
    return buf;
}

void spinlock_spun_too_long(const struct spinlock *lock, uint64_t spun)
{
    char holder[96];
    panic("spinlock: hart %lu has spun %lu time units (watchdog: %lu) for lock '%s', held by %s: a "
          "deadlock, or a lock held across something slow",
          hart_id(), spun, spinlock_watchdog_time, lock->name,
          describe_holder(lock, holder, sizeof(holder)));
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

uint64_t spinlock_spin_time_of(uint32_t index)
{
    const struct hart *hart = hart_by_index(index);
    if (hart == NULL)
        return 0;
    const struct spinlock_hart *theirs =
        (const struct spinlock_hart *)((uint64_t)hart + HART_SLOT_SPINLOCK * HART_SLOT_SIZE);
    return __atomic_load_n(&theirs->spin_time, __ATOMIC_RELAXED);
}

bool spinlock_held(const struct spinlock *lock)
{
    return lock->locked && lock->owner == hart_this();
}

void spinlock_recursive_acquire(const struct spinlock *lock)
{
    char site[64];
    panic("spinlock_acquire: recursive acquire of lock '%s' on hart %lu (this hart already "
          "holds it, taken at %s)",
          lock->name, hart_id(), describe_site(lock->taken_at, site, sizeof(site)));
}

void spinlock_release_refused(const struct spinlock *lock)
{
    char holder[96];
    if (!lock->locked || lock->owner != hart_this())
        panic("spinlock_release: lock '%s' is not held by hart %lu (held by %s)", lock->name,
              hart_id(), describe_holder(lock, holder, sizeof(holder)));
    if (irq_enabled())
        panic("spinlock_release: interrupts are on as hart %lu releases its last lock, '%s': "
              "something turned them on inside a locked section",
              hart_id(), lock->name);
    pop_refused(spinlock_hart());
}

void spinlock_acquire(struct spinlock *lock)
{
    /* The site is the caller: ra, still the return address in this leaf (no frame needed). */
    uint64_t site;
    asm volatile("mv %0, ra" : "=r"(site));
    /*
     * spin.S would find a recursive acquire too; checked here first, it
     * also keeps the common path free of a stack frame: GCC gives every
     * leaf function one, but moves it onto the cold path of a function
     * that calls out only there.
     */
    if (__builtin_expect(lock->owner == hart_this(), 0))
        spinlock_recursive_acquire(lock);
    spinlock_acquire_inline(lock, site);
}

void spinlock_release(struct spinlock *lock)
{
    spinlock_release_inline(lock);
}
