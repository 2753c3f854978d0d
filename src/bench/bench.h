/*
 * bench.h: benchmarks that count guest instructions.
 *
 * Under `qemu -icount shift=0`, instret counts guest instructions exactly,
 * so a figure is the same on any host however busy. A benchmark file sits
 * beside the code it measures (src/trap/trap_bench.c) and registers itself:
 *
 *     static void bench_trap_roundtrip(void)
 *     {
 *         ...measure with read_instret()...
 *         bench_report("trap_roundtrip_insns", median, "insns", "ebreak, median of 1000");
 *     }
 *     BENCH_CASE(bench_trap_roundtrip);
 *
 * Keys are stable snake_case names: once one exists, keep it.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct bench_case {
    const char *name;
    void (*run)(void);
    bool several_harts; /* runs only when the image boots with several harts */
};

/*
 * A case runs in the boot it belongs to: BENCH_CASE ones when the image
 * boots on one hart, so their figures stay comparable with the past, and
 * BENCH_CASE_SMP ones (IPIs, remote fences) when it boots with several
 * (scripts/bench.py boots it both ways).
 */
#define BENCH_CASE_WITH(function, harts)                                                           \
    static const struct bench_case bench_case_##function = {#function, function, harts};           \
    static const struct bench_case *const bench_case_ptr_##function                                \
        __attribute__((used, section(".bench_cases"))) = &bench_case_##function
#define BENCH_CASE(function)     BENCH_CASE_WITH(function, false)
#define BENCH_CASE_SMP(function) BENCH_CASE_WITH(function, true)

/* Print one figure in the form scripts/bench.py reads. */
void bench_report(const char *key, uint64_t value, const char *unit, const char *method);

/* Run every registered benchmark of this boot's kind; returns how many reported nothing. */
int bench_run_all(void);

/* Sort samples and return the value at percentile p (0..100). Reorders the array. */
uint64_t bench_percentile(uint64_t *samples, int count, int percentile);

#endif
