/*
 * ipi_bench.c: what one IPI round trip costs (make bench, with two harts).
 *
 * One hart sends another an IPI asking it to run a function (ipi_call);
 * the other takes the interrupt in its idle loop, runs it, and answers
 * with an IPI; the first, asleep in wfi meanwhile, sees the answer. Under
 * qemu -icount the instruction counter counts the instructions of every
 * hart, so the figure is the whole exchange: the SBI calls on both sides,
 * both traps, the handler, the answer, and the other hart's way back to
 * sleep. (Waiting in wfi, not spinning, matters there: a spinning hart
 * keeps QEMU's one host thread for its whole turn.)
 */
#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "bench/bench.h"
#include "trap/ipi.h"

#define SAMPLES 200

static uint64_t samples[SAMPLES];
static volatile uint64_t answers;

static void answer(void *unused)
{
    (void)unused;
    answers++;
}

/* Some other hart that runs the kernel. */
static uint32_t another_hart(void)
{
    uint32_t others = hart_online_mask() & ~(1u << hart_index());
    return (uint32_t)__builtin_ctz(others);
}

static void bench_ipi_roundtrip(void)
{
    irq_state_t state = irq_save();
    uint32_t other = another_hart();
    ipi_call(other, answer, NULL); /* warm up: the code and the mailbox in the TLB and caches */
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        ipi_call(other, answer, NULL);
        samples[i] = read_instret() - start;
    }
    irq_restore(state);
    bench_report("ipi_roundtrip_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "ipi_call to an idle hart and its answering IPI, both harts' instructions "
                 "(qemu -icount -smp 2), median of 200");
}
BENCH_CASE_SMP(bench_ipi_roundtrip);
