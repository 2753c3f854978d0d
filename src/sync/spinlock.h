/*
 * spinlock.h: a lock for short critical sections, safe against interrupts
 * and other harts.
 *
 * Acquiring turns this hart's interrupts off (so an interrupt handler on the
 * same hart cannot spin forever on a lock its own hart holds) and keeps them
 * off until the last lock this hart holds is released. Locks nest. A lock
 * records its holder: the hart, and where it was taken. Taking a lock this
 * hart already holds, or releasing one it does not hold, is a bug and
 * panics with the lock's name and its holder. A hart that spins for
 * SPINLOCK_WATCHDOG_SECONDS panics too, naming the holder: a deadlock ends
 * in a report, not a hang. A hart that has waited a long while (a
 * thousandth of that) marks itself starving, and the others step aside
 * until it has had the lock once: spin.S says why.
 *
 * `make LOCKDEP=1` builds the lock-order checker in (sync/lockdep.h): every
 * "took B while holding A" is recorded, and the first acquisition that
 * closes a cycle panics with the call sites of both orders.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

/* Where spin.S and spinlock_take find the fields they read (checked in spinlock.c). */
#define SPINLOCK_OWNER_OFFSET     16
#define SPINLOCK_CONTENDED_OFFSET 32
#define SPINLOCK_STARVING_OFFSET  40

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

#include "arch/hart.h"
#include "arch/irq.h"

#define SPINLOCK_WATCHDOG_SECONDS 10

struct spinlock {
    volatile uint32_t locked;
#ifdef LOCKDEP
    uint16_t lockdep_class; /* sync/lockdep.c: 0 until first taken */
#endif
    const char *name;
    struct hart *owner; /* the holding hart: the recursion check, reports */
    uint64_t taken_at;  /* where the holder took it (a code address), for reports */
    uint64_t contended; /* acquisitions that found it taken and had to spin */
    /* A hart that has waited too long (its struct hart), or 0: the others let it go first. */
    struct hart *volatile starving;
};

/* This hart's part (its slot, arch/hart.h): how deeply its spinlocks nest. */
struct spinlock_hart {
    int depth;                     /* spinlocks this hart holds */
    bool irq_enabled_before_locks; /* were interrupts on before the first of them? */
    uint64_t spin_time;            /* `time` units spent spinning for a lock, in all */
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
        .locked = 0, .name = (lock_name), .owner = 0, .taken_at = 0, .contended = 0, .starving = 0 \
    }

void spinlock_init(struct spinlock *lock, const char *name);
void spinlock_acquire(struct spinlock *lock);
void spinlock_release(struct spinlock *lock);
bool spinlock_held(const struct spinlock *lock);

/* How often the lock was found taken: the measure of contention (a lab reads it). */
static inline uint64_t spinlock_contention(const struct spinlock *lock)
{
    return __atomic_load_n(&lock->contended, __ATOMIC_RELAXED);
}

/* `time` units this hart, or hart `index`, has spent spinning for locks since boot. */
static inline uint64_t spinlock_spin_time(void)
{
    return spinlock_hart()->spin_time;
}
uint64_t spinlock_spin_time_of(uint32_t index);

/*
 * How many `time` units a spin may last before the watchdog panics: the
 * timer tells, once it knows the timebase (trap/timer.c); 0 turns it off.
 */
void spinlock_set_watchdog(uint64_t time_units);

/* The interrupt half on its own: nesting counted per hart. */
void spinlock_push_irq_off(void);
void spinlock_pop_irq_off(void);

/* ---- The same acquire and release, inline --------------------------------------- */

/* The reports of a misuse, out of line (spinlock.c); they panic. */
__attribute__((noreturn)) void spinlock_release_refused(const struct spinlock *lock);
/* spin.S jumps to these: the lock is this hart's already, or a spin outlasts the watchdog. */
__attribute__((noreturn)) void spinlock_recursive_acquire(const struct spinlock *lock);
__attribute__((noreturn)) void spinlock_spun_too_long(const struct spinlock *lock, uint64_t spun);

#ifdef LOCKDEP
#include "sync/lockdep.h"
#else
static inline void lockdep_acquire(struct spinlock *lock, uint64_t site)
{
    (void)lock;
    (void)site;
}
static inline void lockdep_release(struct spinlock *lock)
{
    (void)lock;
}
#endif

/*
 * spinlock_acquire and spinlock_release are the two bodies below. The
 * thread switch (proc/sched.c), where a call costs a noticeable share of
 * the whole, builds its own from these parts; everyone else calls the
 * functions.
 */
/*
 * The lock word alone: take it, and let it go. A free lock costs one
 * amoswap (after one load: no hart is starving for it). A taken one goes
 * to spinlock_spin (spin.S), which first makes sure this hart is not the
 * holder (a recursive acquire), then counts it, spins, times the spin, lets
 * a starving hart go first and watches for a deadlock; it is reached with
 * a jump that links through t0, so the functions this is inlined into stay
 * leaves (a call would cost every acquire a stack frame).
 */
static inline void spinlock_take(struct spinlock *lock, struct hart *hart, uint64_t site)
{
    register struct spinlock *lock_in_t1 asm("t1") = lock;
    asm volatile("ld      t2, %1(t1)\n" /* lock->starving */
                 "bnez    t2, 2f\n"     /* someone waits too long: spin.S decides */
                 "li      t2, 1\n"
                 "amoswap.w.aq t2, t2, (t1)\n"
                 "beqz    t2, 1f\n"
                 "2:\n"
                 "jal     t0, spinlock_spin\n"
                 "1:\n"
                 : "+r"(lock_in_t1)
                 : "i"(SPINLOCK_STARVING_OFFSET)
                 : "t0", "t2", "t3", "t4", "t5", "t6", "memory");
    lock->owner = hart;
    lock->taken_at = site;
}

static inline void spinlock_give(struct spinlock *lock)
{
    lock->owner = 0;
    uint32_t ignored;
    asm volatile("amoswap.w.rl %0, zero, (%1)" : "=r"(ignored) : "r"(&lock->locked) : "memory");
}

/*
 * The acquire site a lock records (a code address, for reports). In a
 * function that inlines an acquire: the pc there, one auipc, so the
 * function names who took the lock (mutex_lock+0x2c). With LOCKDEP, where
 * cost does not matter, the caller of that function instead, which names
 * the lock order's real author. (__builtin_return_address would cost every
 * acquire a stack frame.)
 */
static inline uint64_t spinlock_pc(void)
{
    uint64_t pc;
    asm volatile("auipc %0, 0" : "=r"(pc));
    return pc;
}
#ifdef LOCKDEP
#define SPINLOCK_SITE() ((uint64_t)__builtin_return_address(0))
#else
#define SPINLOCK_SITE() spinlock_pc()
#endif

static inline void spinlock_acquire_inline(struct spinlock *lock, uint64_t site)
{
    /* Interrupts off in one csrrc; the outermost lock remembers whether they were on. */
    irq_state_t was_enabled = irq_save();
    struct hart *hart = hart_this();
    struct spinlock_hart *mine = spinlock_hart();
    if (mine->depth == 0)
        mine->irq_enabled_before_locks = was_enabled != 0;
    mine->depth++;
    /* A lock this hart holds already is taken: spin.S finds it is this hart's, and panics. */
    lockdep_acquire(lock, site);
    spinlock_take(lock, hart, site);
}

static inline void spinlock_release_inline(struct spinlock *lock)
{
    struct spinlock_hart *mine = spinlock_hart();
    /*
     * The lock must be ours (an owner means held), and the depth must count
     * it; as the last lock goes, interrupts must still be off, as they have
     * been since the first. Only this hart writes its depth, with interrupts
     * off, so the one load serves the checks and the count.
     */
    int depth = mine->depth;
    if (lock->owner != hart_this() || depth <= 0 || (depth == 1 && irq_enabled()))
        spinlock_release_refused(lock);
    lockdep_release(lock);
    spinlock_give(lock);
    mine->depth = depth - 1;
    if (depth == 1 && mine->irq_enabled_before_locks)
        irq_enable();
}

#endif /* __ASSEMBLER__ */

#endif
