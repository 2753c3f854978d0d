/*
 * heap_bench.c: what a kmalloc + kfree pair costs in each heap design, in
 * guest instructions, and how badly each design fragments.
 *
 * Cost: a heap of each design on an 8 MiB arena of its own holds a working
 * set of live blocks. Each sample allocates one block of the mix and frees a
 * live one (which the new block replaces), between two reads of instret:
 * the steady state of a busy kernel, not an empty heap. Three mixes: every
 * block 64 bytes; sizes uniform from 16 bytes to 4 KiB; and a trace shaped
 * like a kernel's (many small objects that die young, a few page-sized
 * buffers, some long-lived blocks). The designs are called directly, so the
 * figures leave out the kernel heap's lock; heap_kmalloc_* measures that.
 *
 * Fragmentation: fill a 1 MiB heap with blocks of 16..1024 bytes until it
 * says NULL, free a random three quarters of them, then divide the largest
 * allocation that succeeds by the free bytes (in permille: 1000 means no
 * fragmentation: all free memory is one block).
 */
#include "bench/bench.h"
#include "console/console.h"
#include "arch/riscv.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/heap/heap_design.h"

#define COST_ARENA_ORDER     11 /* 8 MiB */
#define FRAGMENT_ARENA_ORDER 8  /* 1 MiB */
#define WARMUP               1000
#define SAMPLES              2000
#define MAX_LIVE             256
#define MAX_FRAGMENT_BLOCKS  8192

static uint64_t samples[SAMPLES];
static void *live[MAX_LIVE];
static void *fragment_blocks[MAX_FRAGMENT_BLOCKS];

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* ---- The three mixes: a size for the next block, and which live block dies ---- */

#define RECENT 8

struct mix {
    const char *name;
    size_t (*size)(uint64_t *state);
    /* Which live slot dies; recent[] holds the RECENT slots refilled last. */
    int (*victim)(uint64_t *state, const int *recent);
};

static size_t size_fixed64(uint64_t *state)
{
    (void)state;
    return 64;
}

static size_t size_uniform(uint64_t *state)
{
    return 16 + (size_t)(next_random(state) % (4096 - 16 + 1));
}

/* Kernel-like sizes: mostly small structs, some buffers, rarely a big one. */
static size_t size_trace(uint64_t *state)
{
    static const uint16_t common[] = {24, 32, 32, 40, 48, 64, 64, 64, 72, 96, 128, 128, 192, 256};
    uint64_t roll = next_random(state) % 100;
    if (roll < 80)
        return common[next_random(state) % (sizeof(common) / sizeof(common[0]))];
    if (roll < 92)
        return 256 + (size_t)(next_random(state) % 768);
    if (roll < 99)
        return 4096;
    return 8192 + (size_t)(next_random(state) % 8192);
}

static int victim_any(uint64_t *state, const int *recent)
{
    (void)recent;
    return (int)(next_random(state) % MAX_LIVE);
}

/* Three in four blocks die young (one of the RECENT newest); the rest at random. */
static int victim_young(uint64_t *state, const int *recent)
{
    if (next_random(state) % 4 != 0)
        return recent[next_random(state) % RECENT];
    return (int)(next_random(state) % MAX_LIVE);
}

static const struct mix mixes[] = {
    {"fixed64", size_fixed64, victim_any},
    {"uniform", size_uniform, victim_any},
    {"trace", size_trace, victim_young},
};

/* What two back-to-back reads of instret cost, to take out of every sample. */
static uint64_t measuring_overhead(void)
{
    uint64_t start = read_instret();
    uint64_t end = read_instret();
    return end - start;
}

/* Fill the working set; samples are taken by the caller's own timed loop. */
static uint64_t pair_state;
static int recent[RECENT];

static void start_pairs(void)
{
    pair_state = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < RECENT; i++)
        recent[i] = MAX_LIVE - 1 - i;
}

/*
 * The timed loop, written out for each allocator so that nothing but the
 * pair itself sits between the two reads of instret. ALLOC and FREE are
 * expressions; returns the number of failed allocations.
 */
#define RUN_PAIRS(mix, ALLOC, FREE)                                                                \
    ({                                                                                             \
        uint64_t overhead_ = measuring_overhead();                                                 \
        int failures_ = 0;                                                                         \
        start_pairs();                                                                             \
        for (int i_ = 0; i_ < MAX_LIVE; i_++) {                                                    \
            size_t size = (mix)->size(&pair_state);                                                \
            live[i_] = (ALLOC);                                                                    \
        }                                                                                          \
        for (int s_ = 0; s_ < WARMUP + SAMPLES; s_++) {                                            \
            size_t size = (mix)->size(&pair_state);                                                \
            int victim_ = (mix)->victim(&pair_state, recent);                                      \
            void *old = live[victim_];                                                             \
            uint64_t start_ = read_instret();                                                      \
            void *block_ = (ALLOC);                                                                \
            FREE;                                                                                  \
            uint64_t end_ = read_instret();                                                        \
            failures_ += block_ == NULL;                                                           \
            live[victim_] = block_; /* the new block takes its slot */                             \
            recent[s_ % RECENT] = victim_;                                                         \
            if (s_ >= WARMUP)                                                                      \
                samples[s_ - WARMUP] = end_ - start_ - overhead_;                                  \
        }                                                                                          \
        for (int i_ = 0; i_ < MAX_LIVE; i_++) {                                                    \
            void *old = live[i_];                                                                  \
            FREE;                                                                                  \
        }                                                                                          \
        failures_;                                                                                 \
    })

static void report_samples(const char *prefix, const char *mix, int failures)
{
    char key[64];
    char method[160];
    snprintf(method, sizeof(method),
             "one alloc + one free, %d live blocks, %d samples after %d warm-up%s", MAX_LIVE,
             SAMPLES, WARMUP, failures != 0 ? " (SOME ALLOCATIONS FAILED)" : "");
    uint64_t median = bench_percentile(samples, SAMPLES, 50);
    uint64_t p99 = bench_percentile(samples, SAMPLES, 99);
    snprintf(key, sizeof(key), "%s_%s_median_insns", prefix, mix);
    bench_report(key, median, "insns", method);
    snprintf(key, sizeof(key), "%s_%s_p99_insns", prefix, mix);
    bench_report(key, p99, "insns", method);
}

/* ---- Each design, called directly ---- */

/* A heap of `design` on 2^order frames, or NULL (with a BENCH-ERROR line). */
static struct heap *bench_heap(const struct heap_design *design, unsigned order, paddr_t *arena)
{
    *arena = frame_alloc_contiguous(order);
    if (paddr_is_null(*arena)) {
        kprintf("BENCH-ERROR heap_%s: no %zu KiB arena\n", design->name,
                ((size_t)PAGE_SIZE << order) >> 10);
        return NULL;
    }
    return heap_create(design, paddr_to_ptr(*arena), (size_t)PAGE_SIZE << order, NULL);
}

static void bench_design_costs(const struct heap_design *design)
{
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "heap_%s", design->name);
    for (unsigned m = 0; m < sizeof(mixes) / sizeof(mixes[0]); m++) {
        paddr_t arena;
        struct heap *heap = bench_heap(design, COST_ARENA_ORDER, &arena);
        if (heap == NULL)
            return;
        int failures = RUN_PAIRS(&mixes[m], heap_alloc(heap, size), heap_free(heap, old));
        report_samples(prefix, mixes[m].name, failures);
        frame_free_contiguous(arena, COST_ARENA_ORDER);
    }
}

static void bench_design_fragmentation(const struct heap_design *design)
{
    paddr_t arena;
    struct heap *heap = bench_heap(design, FRAGMENT_ARENA_ORDER, &arena);
    if (heap == NULL)
        return;
    uint64_t state = 0x9e3779b97f4a7c15ull;
    int count = 0;
    while (count < MAX_FRAGMENT_BLOCKS) {
        void *block = heap_alloc(heap, 16 + (size_t)(next_random(&state) % 1009));
        if (block == NULL)
            break;
        fragment_blocks[count++] = block;
    }
    /* Free a random three quarters: survivors pin the memory around them. */
    for (int i = 0; i < count; i++) {
        if (next_random(&state) % 4 != 0)
            heap_free(heap, fragment_blocks[i]);
    }
    struct heap_stats stats;
    heap_get_stats(heap, &stats);
    /* Check the claim before reporting it: the largest block must really be allocatable. */
    if (stats.largest_free > 0 && heap_alloc(heap, stats.largest_free) == NULL)
        kprintf("BENCH-ERROR heap_%s: largest_free %zu is not allocatable\n", design->name,
                stats.largest_free);
    char key[64];
    snprintf(key, sizeof(key), "heap_%s_fragmentation_permille", design->name);
    uint64_t permille = stats.free_bytes == 0 ? 0 : stats.largest_free * 1000 / stats.free_bytes;
    bench_report(
        key, permille, "permille",
        "fill 1 MiB with 16..1024-byte blocks, free 3 in 4 at random: largest / free bytes");
    frame_free_contiguous(arena, FRAGMENT_ARENA_ORDER);
}

static void bench_heap_designs(void)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        bench_design_costs(heap_designs[d]);
        bench_design_fragmentation(heap_designs[d]);
    }
}
BENCH_CASE(bench_heap_designs);

/* ---- The kernel's kmalloc and kfree, lock included ---- */

static void bench_kmalloc(void)
{
    int failures = RUN_PAIRS(&mixes[0], kmalloc(size), kfree(old));
    report_samples("heap_kmalloc", mixes[0].name, failures);
}
BENCH_CASE(bench_kmalloc);
