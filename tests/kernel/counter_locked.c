/*
 * counter_locked: the second half of the teaching pair (after
 * counter_unlocked). The same adders on every hart, but a spinlock guards
 * the read, the pause and the write: no two harts are ever between a read
 * and its write at once, so not one addition is lost. Passes (status 0)
 * when the counter is exact.
 */
#include "counter_race.h"

#include "main.h"

void kernel_run(void)
{
    uint64_t lost = run_adders("counter_locked", true);
    kprintf("counter_locked: %s\n", lost == 0 ? "exact: the lock lost no update"
                                              : "updates were lost under the lock: a bug");
    machine_exit(lost == 0 ? 0 : 1);
}
