/*
 * bench.c: the benchmark runner and a percentile helper.
 */
#include "bench/bench.h"

#include "arch/hart.h"
#include "console/console.h"

extern const struct bench_case *const bench_cases_start[];
extern const struct bench_case *const bench_cases_end[];

static int reports;

void bench_report(const char *key, uint64_t value, const char *unit, const char *method)
{
    kprintf("BENCH %s %lu %s %s\n", key, value, unit, method);
    reports++;
}

int bench_run_all(void)
{
    int silent = 0;
    bool several_harts = hart_online_count() > 1;
    for (const struct bench_case *const *c = bench_cases_start; c < bench_cases_end; c++) {
        if ((*c)->several_harts != several_harts)
            continue;
        int before = reports;
        (*c)->run();
        if (reports == before) {
            kprintf("BENCH-ERROR %s reported no figure\n", (*c)->name);
            silent++;
        }
    }
    kprintf("BENCH-DONE\n");
    return silent;
}

/* Insertion sort: benchmarks keep at most a few thousand samples. */
uint64_t bench_percentile(uint64_t *samples, int count, int percentile)
{
    for (int i = 1; i < count; i++) {
        uint64_t value = samples[i];
        int j = i - 1;
        while (j >= 0 && samples[j] > value) {
            samples[j + 1] = samples[j];
            j--;
        }
        samples[j + 1] = value;
    }
    int index = (count - 1) * percentile / 100;
    return samples[index];
}
