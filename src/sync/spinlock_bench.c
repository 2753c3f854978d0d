/*
 * spinlock_bench.c: what a spinlock costs when nobody else wants it.
 */
#include "arch/riscv.h"
#include "bench/bench.h"
#include "sync/spinlock.h"

#define SAMPLES 1000

static uint64_t samples[SAMPLES];

static void bench_spinlock_uncontended(void)
{
    static struct spinlock lock = SPINLOCK_INIT("bench");
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        spinlock_acquire(&lock);
        spinlock_release(&lock);
        samples[i] = read_instret() - start;
    }
    bench_report("spinlock_uncontended_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "spinlock_acquire plus spinlock_release of a free lock, calls included, "
                 "median of 1000");
}
BENCH_CASE(bench_spinlock_uncontended);
