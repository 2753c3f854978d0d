/*
 * hold_harts.c: holding the other harts asleep for a test. See hold_harts.h.
 */
#include "proc/hold_harts.h"

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/panic.h"
#include "mm/tlb.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "trap/ipi.h"

static struct thread *holders[MAX_HARTS];
static unsigned holder_count;
static unsigned holding;    /* holders in place now */
static uint32_t held_harts; /* their harts (index bits) */
static bool released;

/*
 * Interrupts off, and only the software interrupt enabled in sie: wfi then
 * really sleeps (no tick, no device interrupt ends it) until the IPI that
 * release_other_harts sends. A sleeping hart costs nothing: under -icount
 * it would otherwise take its turn spinning, and under multi-threaded TCG a
 * host core. (The firmware's remote fences still get through: they are
 * machine-mode interrupts.)
 */
static int hold_this_hart(void *unused)
{
    (void)unused;
    irq_state_t state = irq_save();
    uint64_t enabled = csr_read(sie);
    csr_write(sie, SIE_SSIE);
    tlb_quiet_begin(); /* held, it touches nothing but this flag: no shootdown waits for it */
    __atomic_fetch_or(&held_harts, 1u << hart_index(), __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&holding, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE)) {
        wfi();
        csr_clear(sip, SIP_SSIP); /* (its mailbox keeps any reason for later) */
    }
    tlb_quiet_end();
    __atomic_fetch_and(&held_harts, ~(1u << hart_index()), __ATOMIC_SEQ_CST);
    __atomic_fetch_sub(&holding, 1, __ATOMIC_SEQ_CST);
    csr_write(sie, enabled);
    irq_restore(state);
    return 0;
}

unsigned hold_other_harts(void)
{
    if (holder_count != 0)
        panic("hold_other_harts: the other harts are held already");
    unsigned others = hart_online_count() - 1;
    released = false;
    for (unsigned i = 0; i < others; i++) {
        holders[i] = thread_create(hold_this_hart, NULL, "hart-holder");
        if (holders[i] == NULL)
            panic("hold_other_harts: no memory for a holder thread");
    }
    holder_count = others;
    /* Each holder takes a hart as it starts; until they all have, give them the chance. */
    while (__atomic_load_n(&holding, __ATOMIC_SEQ_CST) != others)
        sched_yield();
    return others;
}

void release_other_harts(void)
{
    if (holder_count == 0)
        return; /* nothing held (one hart, or a case that did not hold) */
    __atomic_store_n(&released, true, __ATOMIC_RELEASE);
    ipi_send_mask(__atomic_load_n(&held_harts, __ATOMIC_SEQ_CST), IPI_WAKE);
    for (unsigned i = 0; i < holder_count; i++)
        thread_join(holders[i], NULL);
    holder_count = 0;
}

void hold_other_harts_for_case(struct ktest *t)
{
    (void)t;
    hold_other_harts();
}

void release_other_harts_after_case(struct ktest *t)
{
    (void)t;
    release_other_harts();
}
