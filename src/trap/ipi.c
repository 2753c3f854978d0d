/*
 * ipi.c: inter-processor interrupts through SBI. See ipi.h.
 *
 * Each hart's mailbox sits in its own cache line (other harts write it),
 * indexed by the hart's index, not its id: the id is only what the SBI
 * call needs to name the target.
 */
#include "trap/ipi.h"

#include <stddef.h>

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/panic.h"
#include "sbi/sbi.h"

struct ipi_box {
    uint32_t pending; /* reasons not yet handled (IPI_WAKE, IPI_CALL) */
    /* ipi_call's slot: claimed by one caller at a time (fn != NULL means taken). */
    void (*call_fn)(void *arg);
    void *call_arg;
    uint32_t call_from; /* the caller's index: it gets an IPI when the call is done */
    uint32_t call_done;
    /* Counts, written only by the hart that owns the box (received) or atomically (sent). */
    uint64_t received;
    uint64_t sent;
} __attribute__((aligned(64)));

static struct ipi_box boxes[MAX_HARTS];

void ipi_init_hart(void)
{
    csr_clear(sip, SIP_SSIP); /* nothing old is pending */
    csr_set(sie, SIE_SSIE);
}

/* Ask the firmware for the interrupt, hart by hart or in one call when the ids allow. */
static void raise_interrupts(uint32_t index_mask)
{
    /* One call covers ids [base, base + 64): the usual case, with ids 0..N-1. */
    uint64_t base = UINT64_MAX;
    uint64_t highest = 0;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        const struct hart *hart = hart_by_index(index);
        if ((index_mask & (1u << index)) == 0 || hart == NULL)
            continue;
        base = hart->id < base ? hart->id : base;
        highest = hart->id > highest ? hart->id : highest;
    }
    if (base == UINT64_MAX)
        return;
    uint64_t ids = 0;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        const struct hart *hart = hart_by_index(index);
        if ((index_mask & (1u << index)) == 0 || hart == NULL)
            continue;
        if (highest - base < 64)
            ids |= 1ull << (hart->id - base);
        else
            sbi_send_ipi(1, (long)hart->id);
    }
    if (ids != 0) {
        long error = sbi_send_ipi(ids, (long)base);
        if (error != SBI_SUCCESS)
            panic("ipi: sbi_send_ipi(mask 0x%lx, base %lu) failed with SBI error %ld", ids, base,
                  error);
    }
}

void ipi_send_mask(uint32_t index_mask, uint32_t reasons)
{
    index_mask &= hart_online_mask();
    if (index_mask == 0)
        return;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((index_mask & (1u << index)) != 0)
            /* Release: what the sender wrote before is visible to the handler that sees the bit. */
            __atomic_fetch_or(&boxes[index].pending, reasons, __ATOMIC_RELEASE);
    }
    __atomic_fetch_add(&boxes[hart_index()].sent, 1, __ATOMIC_RELAXED);
    raise_interrupts(index_mask);
}

void ipi_send(uint32_t index, uint32_t reasons)
{
    ipi_send_mask(1u << index, reasons);
}

/* Run the function a caller left in this hart's slot, then tell the caller, with an IPI. */
static void run_call(struct ipi_box *box)
{
    void (*fn)(void *) = __atomic_load_n(&box->call_fn, __ATOMIC_ACQUIRE);
    if (fn == NULL || __atomic_load_n(&box->call_done, __ATOMIC_ACQUIRE) != 0)
        return;
    fn(box->call_arg);
    __atomic_store_n(&box->call_done, 1, __ATOMIC_RELEASE);
    ipi_send(box->call_from, IPI_WAKE);
}

/* Take this hart's pending reasons and act on them. Interrupts are off. */
static void handle_pending(void)
{
    struct ipi_box *box = &boxes[hart_index()];
    uint32_t reasons = __atomic_exchange_n(&box->pending, 0, __ATOMIC_ACQUIRE);
    if ((reasons & IPI_CALL) != 0)
        run_call(box);
    /* IPI_WAKE needs nothing more: the interrupt itself has ended the wfi. */
}

void ipi_handle(void)
{
    /* SSIP stays set until S-mode clears it; clear it before looking, so no IPI is missed. */
    csr_clear(sip, SIP_SSIP);
    if (panic_elsewhere())
        panic_stop_this_hart();
    __atomic_fetch_add(&boxes[hart_index()].received, 1, __ATOMIC_RELAXED);
    handle_pending();
}

/*
 * Wait, asleep in wfi, until *flag is nonzero; answer the calls made to
 * this hart meanwhile. Interrupts are off, so the IPI that comes with the
 * answer stays pending and ends the wfi however late it comes; SSIP is
 * cleared before each look, so a stale one does not keep the loop spinning.
 * (A sleeping hart frees a host core under multi-threaded TCG, and under
 * -icount it gives the turn to the hart it waits for.)
 */
static void wait_for(const uint32_t *flag)
{
    for (;;) {
        csr_clear(sip, SIP_SSIP);
        handle_pending();
        if (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != 0)
            return;
        wfi();
    }
}

void ipi_call(uint32_t index, void (*fn)(void *arg), void *arg)
{
    irq_state_t state = irq_save();
    if (index == hart_index()) {
        fn(arg);
        irq_restore(state);
        return;
    }
    struct ipi_box *box = &boxes[index];
    /* Claim the target's slot; while another caller has it, answer calls made to this hart. */
    void (*expected)(void *) = NULL;
    while (!__atomic_compare_exchange_n(&box->call_fn, &expected, fn, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        expected = NULL;
        handle_pending();
        cpu_relax();
    }
    box->call_arg = arg;
    box->call_from = hart_index();
    __atomic_store_n(&box->call_done, 0, __ATOMIC_RELEASE);
    ipi_send(index, IPI_CALL);
    wait_for(&box->call_done);
    __atomic_store_n(&box->call_fn, NULL, __ATOMIC_RELEASE);
    irq_restore(state);
}

uint64_t ipi_received_count(void)
{
    return ipi_received_count_of(hart_index());
}

uint64_t ipi_received_count_of(uint32_t index)
{
    return __atomic_load_n(&boxes[index].received, __ATOMIC_RELAXED);
}

uint64_t ipi_sent_count(void)
{
    return __atomic_load_n(&boxes[hart_index()].sent, __ATOMIC_RELAXED);
}
