/*
 * tlb_bench.c: what a TLB shootdown costs (make bench, with two harts).
 *
 * A shootdown is an interrupt to another hart, an sfence.vma there, and an
 * answer the caller waits for. The kernel asks SBI for it (RFENCE:
 * remote_sfence_vma), and the firmware's caller waits by spinning. That
 * spin cannot be counted in instructions here: under qemu -icount the
 * harts take turns on one host thread, the other hart gets its turn only
 * when the spinning caller's turn ends, at the next timer event, so the
 * count would be QEMU's turn length (ten million instructions, or far
 * more), not the shootdown. (A real machine spins for an interrupt's
 * latency, a microsecond or two.)
 *
 * So the figures split what can be counted:
 *   tlb_shootdown_insns       the whole exchange, with the caller asleep in
 *                             wfi instead of spinning (ipi_call, whose
 *                             function runs sfence.vma on the other hart):
 *                             both harts' instructions;
 *   sbi_remote_fence_call_insns  the firmware's own entry and exit, a
 *                             remote_sfence_vma naming no hart: what the
 *                             SBI way adds on the caller's side.
 * docs/smp.md has both, and says why the wait itself has no figure yet.
 */
#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "bench/bench.h"
#include "sbi/sbi.h"
#include "trap/ipi.h"

#define SAMPLES 200

static uint64_t samples[SAMPLES];

static void fence_one_page(void *page)
{
    sfence_vma_addr((uint64_t)page);
}

static void bench_tlb_shootdown(void)
{
    irq_state_t state = irq_save();
    uint32_t others = hart_online_mask() & ~(1u << hart_index());
    uint32_t other = (uint32_t)__builtin_ctz(others);
    void *page = (void *)((uint64_t)&samples & ~(uint64_t)(PAGE_SIZE - 1));
    ipi_call(other, fence_one_page, page); /* warm up */
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        ipi_call(other, fence_one_page, page);
        samples[i] = read_instret() - start;
    }
    bench_report("tlb_shootdown_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "one page shot down on one idle hart: IPI, its sfence.vma, its answering IPI, "
                 "the caller asleep in wfi; both harts' instructions (qemu -icount -smp 2), "
                 "median of 200");
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        sbi_remote_sfence_vma(0, 0, (uint64_t)page, PAGE_SIZE); /* no hart in the mask */
        samples[i] = read_instret() - start;
    }
    irq_restore(state);
    bench_report("sbi_remote_fence_call_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "SBI remote_sfence_vma naming no hart: the firmware's entry and exit, what the "
                 "kernel's SBI shootdown adds on the caller's side, median of 200");
}
BENCH_CASE_SMP(bench_tlb_shootdown);
