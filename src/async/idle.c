/*
 * idle.c: the check-then-sleep that loses no wakeup.
 *
 *     interrupts off ---- has_work()? ---- no ---- wfi ---- interrupts on
 *                    ^                                 ^               ^
 *                    an interrupt from here on stays pending ...       |
 *                    ... and wfi still wakes up for it  ---------------'
 *                                                      the handler runs here
 *
 * The RISC-V privileged spec makes wfi return when an interrupt is pending
 * and enabled in sie, whether or not sstatus.SIE lets it trap. So the
 * check and the wfi happen with SIE off: an interrupt that arrives after
 * the check cannot be handled before the wfi (where it would be lost); it
 * stays pending, wfi returns at once, and irq_restore lets it in.
 */
#include "async/idle.h"

#include <stddef.h>

#include "console/panic.h"
#include "arch/riscv.h"
#include "arch/irq.h"

uint64_t async_idle_pending_interrupts(void)
{
    return csr_read(sip) & csr_read(sie);
}

bool async_idle_wait(bool (*has_work)(void *arg), void *arg, struct async_idle_stats *stats)
{
    irq_state_t state = irq_save();
    if (state == 0)
        panic("async_idle_wait: interrupts are off, so no interrupt could end the sleep");
    bool sleeping = !has_work(arg);
    if (sleeping) {
        bool pending = async_idle_pending_interrupts() != 0;
        wfi();
        /*
         * Still with interrupts off, no handler has run since the check on
         * this hart: work found now was queued before the sleep began, or
         * by another hart, which sends an IPI to end the wfi (executor.c):
         * a software interrupt pending says which.
         */
        bool work_already_queued = has_work(arg);
        bool by_ipi = (async_idle_pending_interrupts() & SIP_SSIP) != 0;
        if (stats != NULL) {
            stats->sleeps++;
            stats->interrupt_in_window += pending ? 1 : 0;
            stats->woke_with_work += work_already_queued && !by_ipi ? 1 : 0;
            stats->woken_by_ipi += work_already_queued && by_ipi ? 1 : 0;
        }
    }
    if (stats != NULL)
        stats->checks++;
    irq_restore(state);
    return sleeping;
}
