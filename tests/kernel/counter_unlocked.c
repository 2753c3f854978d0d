/*
 * counter_unlocked: the first half of the teaching pair (counter_locked is
 * the second). Every hart adds 1 to one counter 200,000 times, and no lock
 * guards the read, the pause and the write. Two harts that read the same
 * value both write value + 1: one of the two additions is lost. The kernel
 * prints how many, and passes (status 0) when some were lost, which is the
 * point; it fails (1) if none were, or if it runs on one hart (2).
 *
 * Boot it with several harts, under -accel tcg,thread=multi (real
 * parallelism) or -icount (harts take turns, and a turn that ends between
 * a read and its write loses every addition of the other harts' turns).
 */
#include "counter_race.h"

#include "main.h"

void kernel_run(void)
{
    if (hart_online_count() < 2) {
        kprintf("counter_unlocked: one hart: nothing can race (boot with -smp 4)\n");
        machine_exit(2);
    }
    uint64_t lost = run_adders("counter_unlocked", false);
    kprintf("counter_unlocked: %s\n", lost > 0 ? "updates were lost, as expected without a lock"
                                               : "no update was lost: the race did not show");
    machine_exit(lost > 0 ? 0 : 1);
}
