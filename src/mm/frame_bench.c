/*
 * frame_bench.c: the frame allocator's costs, in guest instructions.
 *
 * frame_init's set-up is measured by frame_init itself (it runs before any
 * benchmark); its key names the memory size, so that scripts/bench.py can
 * boot with 128 MiB and with 2 GiB and keep both: set-up must grow no worse
 * than linearly with RAM.
 */
#include "bench/bench.h"
#include "lib/format.h"
#include "dev/devicetree.h"
#include "arch/riscv.h"
#include "mm/frame.h"

#define SAMPLES  2000
#define MAX_HELD 64

static uint64_t samples[SAMPLES];

static void bench_frame_init(void)
{
    char key[48];
    uint64_t mib = devicetree_memory_total() >> 20;
    if (mib % 1024 == 0)
        snprintf(key, sizeof(key), "frame_init_%lug_insns", mib / 1024);
    else
        snprintf(key, sizeof(key), "frame_init_%lum_insns", mib);
    bench_report(key, frame_init_instructions(), "insns",
                 "frame_init: memory map from the device tree, metadata cleared, free lists built");
}
BENCH_CASE(bench_frame_init);

/* Steady state: `count` blocks held; each sample allocates one and frees a random held one. */
static void bench_frame_pairs(unsigned order, int count, const char *median_key,
                              const char *p99_key)
{
    paddr_t held[MAX_HELD];
    uint64_t state = 0x853c49e6748fea9bull;
    for (int i = 0; i < count; i++)
        held[i] = frame_alloc_contiguous(order);
    uint64_t overhead = read_instret();
    overhead = read_instret() - overhead;
    for (int s = 0; s < SAMPLES; s++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        int victim = (int)(state % (uint64_t)count);
        uint64_t start = read_instret();
        paddr_t pa = frame_alloc_contiguous(order);
        frame_free_contiguous(held[victim], order);
        uint64_t end = read_instret();
        held[victim] = pa;
        samples[s] = end - start - overhead;
    }
    for (int i = 0; i < count; i++)
        frame_free_contiguous(held[i], order);
    char method[96];
    snprintf(method, sizeof(method), "alloc + free of a random held block, %d held, lock included",
             count);
    bench_report(median_key, bench_percentile(samples, SAMPLES, 50), "insns", method);
    bench_report(p99_key, bench_percentile(samples, SAMPLES, 99), "insns", method);
}

static void bench_frame_alloc_free(void)
{
    bench_frame_pairs(0, MAX_HELD, "frame_pair_median_insns", "frame_pair_p99_insns");
    /* Order 9 is a 2 MiB megapage: hold 8 (16 MiB), which fits the smallest machine. */
    bench_frame_pairs(9, 8, "frame_pair_order9_median_insns", "frame_pair_order9_p99_insns");
}
BENCH_CASE(bench_frame_alloc_free);

/*
 * The single-frame path: frame_alloc + frame_free of a random held frame,
 * through this hart's cache (a refill or a drain now and then, a batch of
 * FRAME_CACHE_BATCH at a time, is in the samples, as it is in real use).
 */
static void bench_frame_cache_pairs(void)
{
    paddr_t held[MAX_HELD];
    uint64_t state = 0x853c49e6748fea9bull;
    for (int i = 0; i < MAX_HELD; i++)
        held[i] = frame_alloc();
    uint64_t overhead = read_instret();
    overhead = read_instret() - overhead;
    for (int s = 0; s < SAMPLES; s++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        int victim = (int)(state % (uint64_t)MAX_HELD);
        uint64_t start = read_instret();
        paddr_t pa = frame_alloc();
        frame_free(held[victim]);
        uint64_t end = read_instret();
        held[victim] = pa;
        samples[s] = end - start - overhead;
    }
    for (int i = 0; i < MAX_HELD; i++)
        frame_free(held[i]);
    const char *method =
        "frame_alloc + frame_free of a random held frame, 64 held: the per-hart cache";
    bench_report("frame_cache_pair_median_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 method);
    bench_report("frame_cache_pair_p99_insns", bench_percentile(samples, SAMPLES, 99), "insns",
                 method);
}
BENCH_CASE(bench_frame_cache_pairs);
