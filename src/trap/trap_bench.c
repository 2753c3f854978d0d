/*
 * trap_bench.c: what one trap round trip costs, in guest instructions.
 *
 * A breakpoint is the simplest complete trap: ebreak enters trap.S, which
 * saves the context, trap_dispatch moves sepc past the instruction, and
 * trap_return restores everything and executes sret. The figure is the
 * instret difference around the ebreak minus that around nothing.
 */
#include "bench/bench.h"
#include "arch/riscv.h"
#include "arch/irq.h"

#define SAMPLES 1000

/* Instructions retired across a 4-byte ebreak, as two adjacent rdinstret see them. */
static uint64_t instret_around_ebreak(void)
{
    uint64_t before;
    uint64_t after;
    asm volatile(".option push\n"
                 ".option norvc\n"
                 "rdinstret %0\n"
                 "ebreak\n"
                 "rdinstret %1\n"
                 ".option pop\n"
                 : "=&r"(before), "=r"(after));
    return after - before;
}

static uint64_t instret_around_c_ebreak(void)
{
    uint64_t before;
    uint64_t after;
    asm volatile("rdinstret %0\n"
                 "c.ebreak\n"
                 "rdinstret %1\n"
                 : "=&r"(before), "=r"(after));
    return after - before;
}

/* The same pair of reads with nothing between: what the measurement itself adds. */
static uint64_t instret_around_nothing(void)
{
    uint64_t before;
    uint64_t after;
    asm volatile("rdinstret %0\n"
                 "rdinstret %1\n"
                 : "=&r"(before), "=r"(after));
    return after - before;
}

static uint64_t median_of(uint64_t (*measure)(void))
{
    static uint64_t samples[SAMPLES];
    /* Interrupts off: a timer tick inside a sample would add its own trap. */
    irq_state_t state = irq_save();
    for (int i = 0; i < SAMPLES; i++)
        samples[i] = measure();
    irq_restore(state);
    return bench_percentile(samples, SAMPLES, 50);
}

static void bench_trap_roundtrip(void)
{
    uint64_t empty = median_of(instret_around_nothing);
    uint64_t ebreak = median_of(instret_around_ebreak);
    uint64_t c_ebreak = median_of(instret_around_c_ebreak);
    bench_report("trap_roundtrip_insns", ebreak - empty, "insns",
                 "ebreak taken, handled and resumed; instret around it minus around nothing, "
                 "median of 1000");
    bench_report("trap_roundtrip_c_ebreak_insns", c_ebreak - empty, "insns",
                 "the same with c.ebreak (2 bytes), median of 1000");
}
BENCH_CASE(bench_trap_roundtrip);
