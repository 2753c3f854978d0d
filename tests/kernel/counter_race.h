/*
 * counter_race.h: the body of the teaching pair counter_unlocked.c and
 * counter_locked.c: one thread per hart adds 1 to a shared counter, many
 * times, with a read, a short pause and a write. Included by both; each
 * says whether a spinlock guards the three steps.
 */
#ifndef TESTS_KERNEL_COUNTER_RACE_H
#define TESTS_KERNEL_COUNTER_RACE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/hart.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "dev/machine.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "arch/irq.h"
#include "sync/spinlock.h"

#define INCREMENTS 200000

static volatile uint64_t counter;
static struct spinlock counter_lock = SPINLOCK_INIT("counter");
static bool use_lock;
static volatile int ready;
static volatile bool go;
static uint32_t harts_used;

/* counter = counter + 1, in three steps: another hart can come in between. */
static inline void add_one(void)
{
    uint64_t value = counter;
    for (volatile int pause = 0; pause < 20; pause++) {
    }
    counter = value + 1;
}

static void add_many(void)
{
    __atomic_fetch_or(&harts_used, 1u << hart_index(), __ATOMIC_RELAXED);
    for (int i = 0; i < INCREMENTS; i++) {
        if (use_lock) {
            spinlock_acquire(&counter_lock);
            add_one();
            spinlock_release(&counter_lock);
        } else {
            add_one();
        }
    }
}

/*
 * Each waits on its own hart until all are there, so that they start
 * together. Interrupts stay off from here to the end: no tick can preempt
 * an adder and move it to a hart that already has one (on a busy host that
 * happened, and two adders shared a hart).
 */
static int adder(void *unused)
{
    (void)unused;
    irq_state_t state = irq_save();
    __atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
    while (!go) {
    }
    add_many();
    irq_restore(state);
    return 0;
}

/*
 * One adder per hart, started together: a thread for each other hart, and
 * the calling thread on its own. Returns how many increments were lost.
 */
static uint64_t run_adders(const char *who, bool with_lock)
{
    unsigned harts = hart_online_count();
    struct thread *threads[MAX_HARTS];
    use_lock = with_lock;
    for (unsigned i = 1; i < harts; i++)
        threads[i] = thread_create(adder, NULL, "adder");
    /* Keep this hart (interrupts off, wfi, no yield) while the others are kicked awake to take
       them: a wfi ends when an interrupt is pending, taken or not. */
    irq_state_t state = irq_save();
    while (ready != (int)harts - 1)
        wfi();
    go = true;
    add_many();
    irq_restore(state);
    for (unsigned i = 1; i < harts; i++)
        thread_join(threads[i], NULL);
    uint64_t expected = (uint64_t)harts * INCREMENTS;
    uint64_t lost = expected - counter;
    kprintf("%s: %u harts (%d ran adders) x %d increments %s: counter %lu of %lu, %lu lost "
            "(%lu.%lu%%)\n",
            who, harts, __builtin_popcount(harts_used), INCREMENTS,
            with_lock ? "under a spinlock" : "without a lock", counter, expected, lost,
            lost * 100 / expected, lost * 1000 / expected % 10);
    if (with_lock)
        kprintf("%s: the lock was found taken %lu times\n", who,
                spinlock_contention(&counter_lock));
    return lost;
}

#endif
