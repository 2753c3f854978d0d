/*
 * heap_test.c: the same cases against every heap design (suites heap_buddy,
 * heap_bump, heap_list and heap_fixed), each on a 256 KiB arena of frames of
 * its own; then the kernel's own kmalloc. The after-hook is a leak check: no
 * live block may remain, and every frame must be back with the allocator.
 */
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/heap/heap_design.h"

#define ARENA_ORDER 6 /* 2^6 frames = 256 KiB */
#define ARENA_SIZE  ((size_t)PAGE_SIZE << ARENA_ORDER)
#define MAX_GROWN   32

static const struct heap_design *design;
static struct heap *heap;
static paddr_t arena;
static uint64_t frames_at_start;
static paddr_t grown[MAX_GROWN];
static unsigned grown_order[MAX_GROWN];
static int grown_count;

/* A grower for the cases that let their heap grow: blocks of at least 64 KiB of
   frames (as the kernel's grower takes 1 MiB), returned after the case. */
static void *grow_for_test(void *context, size_t min_bytes, size_t *size)
{
    (void)context;
    unsigned order = 4;
    while (((size_t)PAGE_SIZE << order) < min_bytes)
        order++;
    if (grown_count == MAX_GROWN)
        return NULL;
    paddr_t pa = frame_alloc_contiguous(order);
    if (paddr_is_null(pa))
        return NULL;
    grown[grown_count] = pa;
    grown_order[grown_count++] = order;
    *size = (size_t)PAGE_SIZE << order;
    return paddr_to_ptr(pa);
}

static void open_heap(struct ktest *t, const struct heap_design *which)
{
    design = which;
    frames_at_start = frame_free_count();
    grown_count = 0;
    arena = frame_alloc_contiguous(ARENA_ORDER);
    ASSERT_FALSE(t, paddr_is_null(arena));
    heap = heap_create(design, paddr_to_ptr(arena), ARENA_SIZE, NULL);
    ASSERT_NOT_NULL(t, heap);
}

static void close_heap(struct ktest *t)
{
    struct heap_stats stats;
    heap_get_stats(heap, &stats);
    EXPECT_EQ(t, stats.live_blocks, 0ul);
    for (int i = 0; i < grown_count; i++)
        frame_free_contiguous(grown[i], grown_order[i]);
    frame_free_contiguous(arena, ARENA_ORDER);
    EXPECT_EQ(t, frame_free_count(), frames_at_start);
}

static bool inside_arena(const void *p, size_t size)
{
    const uint8_t *base = paddr_to_ptr(arena);
    return (const uint8_t *)p >= base && (const uint8_t *)p + size <= base + ARENA_SIZE;
}

static void heap_simple_allocation(struct ktest *t)
{
    uint64_t *value = heap_alloc(heap, sizeof(*value));
    ASSERT_NOT_NULL(t, value);
    EXPECT_TRUE(t, inside_arena(value, sizeof(*value)));
    *value = 41;
    (*value)++;
    EXPECT_EQ(t, *value, 42ul);
    struct heap_stats stats;
    heap_get_stats(heap, &stats);
    EXPECT_EQ(t, stats.live_blocks, 1ul);
    heap_free(heap, value);
    heap_get_stats(heap, &stats);
    EXPECT_EQ(t, stats.live_blocks, 0ul);
    EXPECT_EQ(t, stats.used_bytes, 0ul);
}

static void heap_array_grows_to_1000_elements(struct ktest *t)
{
    uint64_t *array = NULL;
    for (uint64_t n = 1; n <= 1000; n++) {
        array = heap_realloc(heap, array, n * sizeof(*array));
        ASSERT_NOT_NULL(t, array);
        array[n - 1] = n * 3 + 1;
        /* Every element written so far survived every move. */
        for (uint64_t i = 0; i < n; i += 37)
            ASSERT_EQ(t, array[i], i * 3 + 4);
    }
    for (uint64_t i = 0; i < 1000; i++)
        ASSERT_EQ(t, array[i], i * 3 + 4);
    heap_free(heap, array);
}

/* 10,000 blocks of up to 1 KiB through a 256 KiB arena: only reuse makes that fit. */
static void heap_many_short_lived_allocations_reuse_memory(struct ktest *t)
{
    struct heap_stats before;
    heap_get_stats(heap, &before);
    size_t total = 0;
    for (int i = 0; i < 10000; i++) {
        size_t size = 16 + (size_t)(i * 97) % 1009;
        uint8_t *p = heap_alloc(heap, size);
        ASSERT_NOT_NULL(t, p);
        ASSERT_TRUE(t, inside_arena(p, size));
        memset(p, i & 0xff, size);
        total += size;
        heap_free(heap, p);
    }
    EXPECT_GT(t, total, 10 * ARENA_SIZE);
    struct heap_stats after;
    heap_get_stats(heap, &after);
    EXPECT_EQ(t, after.live_blocks, 0ul);
    if (design != &heap_design_fixed) /* fixed keeps class pages; the others are whole */
        EXPECT_EQ(t, after.largest_free, before.largest_free);
}

/*
 * One long-lived block beside 10,000 short-lived ones. Every design but bump
 * reuses the short blocks; a bump heap can reclaim nothing while the long one
 * lives, so it must run out cleanly: NULL, the long block intact, and all
 * memory back once the long block goes too.
 */
static void heap_short_lived_beside_long_lived(struct ktest *t)
{
    uint64_t *long_lived = heap_alloc(heap, 64);
    ASSERT_NOT_NULL(t, long_lived);
    for (int i = 0; i < 8; i++)
        long_lived[i] = 0x1005e1f0ul + (uint64_t)i;
    int failed_at = -1;
    for (int i = 0; i < 10000; i++) {
        uint8_t *p = heap_alloc(heap, 64 + (size_t)(i % 7) * 16);
        if (p == NULL) {
            failed_at = i;
            break;
        }
        memset(p, 0x5a, 64);
        heap_free(heap, p);
    }
    for (int i = 0; i < 8; i++)
        EXPECT_EQ(t, long_lived[i], 0x1005e1f0ul + (uint64_t)i);
    if (design == &heap_design_bump) {
        EXPECT_GT(t, failed_at, 100);
    } else {
        EXPECT_EQ(t, failed_at, -1);
    }
    heap_free(heap, long_lived);
    void *again = heap_alloc(heap, 64);
    EXPECT_NOT_NULL(t, again);
    heap_free(heap, again);
}

/* Fill the arena until NULL; every block must be intact, and all must come back. */
static void heap_out_of_memory_is_null_and_leaves_the_heap_intact(struct ktest *t)
{
    struct heap_stats before;
    heap_get_stats(heap, &before);
    uint64_t **chain = NULL;
    int count = 0;
    for (;;) {
        uint64_t **block = heap_alloc(heap, 1000);
        if (block == NULL)
            break;
        block[0] = (uint64_t *)chain;
        block[1] = (uint64_t *)(uintptr_t)count;
        chain = block;
        count++;
    }
    EXPECT_GT(t, count, (int)(ARENA_SIZE / 2048));
    EXPECT_NULL(t, heap_alloc(heap, 1000));
    EXPECT_NULL(t, heap_alloc(heap, 1ul << 40));
    for (int expected = count - 1; chain != NULL; expected--) {
        uint64_t **next = (uint64_t **)chain[0];
        EXPECT_EQ(t, (int)(uintptr_t)chain[1], expected);
        heap_free(heap, chain);
        chain = next;
    }
    struct heap_stats after;
    heap_get_stats(heap, &after);
    EXPECT_EQ(t, after.live_blocks, 0ul);
    EXPECT_EQ(t, after.used_bytes, 0ul);
    if (design != &heap_design_fixed)
        EXPECT_EQ(t, after.free_bytes, before.free_bytes);
    void *again = heap_alloc(heap, 1000);
    EXPECT_NOT_NULL(t, again);
    heap_free(heap, again);
}

static void heap_blocks_are_aligned_and_disjoint(struct ktest *t)
{
    uint8_t *blocks[48];
    size_t sizes[48];
    for (int i = 0; i < 48; i++) {
        sizes[i] = 1 + (size_t)(i * 331) % 3000;
        blocks[i] = heap_alloc(heap, sizes[i]);
        ASSERT_NOT_NULL(t, blocks[i]);
        EXPECT_EQ(t, (uintptr_t)blocks[i] % HEAP_MIN_ALIGN, 0ul);
        memset(blocks[i], i, sizes[i]);
    }
    for (int i = 0; i < 48; i++) {
        for (int j = 0; j < i; j++)
            EXPECT_TRUE(t, blocks[i] + sizes[i] <= blocks[j] || blocks[j] + sizes[j] <= blocks[i]);
        for (size_t b = 0; b < sizes[i]; b += 61)
            EXPECT_EQ(t, blocks[i][b], (uint8_t)i);
    }
    for (int i = 0; i < 48; i++)
        heap_free(heap, blocks[i]);
}

/* With a grower, a heap outgrows its arena by taking frames; bump cannot. */
static void heap_grows_by_taking_frames(struct ktest *t)
{
    heap->grower = (struct heap_grower){grow_for_test, NULL};
    struct heap_stats before;
    heap_get_stats(heap, &before);
    void *blocks[160];
    int count = 0;
    for (; count < 160; count++) {
        blocks[count] = heap_alloc(heap, 4000); /* 640 KB in all */
        if (blocks[count] == NULL)
            break;
    }
    struct heap_stats after;
    heap_get_stats(heap, &after);
    if (design->growth_for != NULL) {
        EXPECT_EQ(t, count, 160);
        EXPECT_GT(t, after.total_bytes, before.total_bytes);
        EXPECT_GT(t, grown_count, 0);
    } else {
        EXPECT_LT(t, count, 160);
        EXPECT_EQ(t, grown_count, 0);
    }
    for (int i = 0; i < count; i++)
        heap_free(heap, blocks[i]);
}

static const struct ktest_case heap_cases[] = {
    KTEST_CASE(heap_simple_allocation),
    KTEST_CASE(heap_array_grows_to_1000_elements),
    KTEST_CASE(heap_many_short_lived_allocations_reuse_memory),
    KTEST_CASE(heap_short_lived_beside_long_lived),
    KTEST_CASE(heap_out_of_memory_is_null_and_leaves_the_heap_intact),
    KTEST_CASE(heap_blocks_are_aligned_and_disjoint),
    KTEST_CASE(heap_grows_by_taking_frames),
    {0},
};

/* One suite per design, all running heap_cases. */
#define HEAP_DESIGN_SUITE(name)                                                                    \
    static void open_##name(struct ktest *t)                                                       \
    {                                                                                              \
        open_heap(t, &heap_design_##name);                                                         \
    }                                                                                              \
    KTEST_SUITE_HOOKS(heap_##name, heap_cases, open_##name, close_heap)

HEAP_DESIGN_SUITE(buddy);
HEAP_DESIGN_SUITE(bump);
HEAP_DESIGN_SUITE(list);
HEAP_DESIGN_SUITE(fixed);

/* ---- The kernel heap itself ---- */

static struct heap_stats kernel_before;

static void kmalloc_before(struct ktest *t)
{
    (void)t;
    heap_kernel_stats(&kernel_before);
}

static void kmalloc_after(struct ktest *t)
{
    struct heap_stats now;
    heap_kernel_stats(&now);
    EXPECT_EQ(t, now.live_blocks, kernel_before.live_blocks);
    EXPECT_EQ(t, now.used_bytes, kernel_before.used_bytes);
}

static void kmalloc_uses_the_design_the_build_chose(struct ktest *t)
{
    EXPECT_STREQ(t, heap_kernel_design(), HEAP_DESIGN);
}

static void kmalloc_kzalloc_krealloc_kfree_round_trip(struct ktest *t)
{
    uint8_t *bytes = kmalloc(100);
    ASSERT_NOT_NULL(t, bytes);
    memset(bytes, 0xee, 100);
    kfree(bytes);
    uint8_t *zeroed = kzalloc(100);
    ASSERT_NOT_NULL(t, zeroed);
    for (int i = 0; i < 100; i++)
        ASSERT_EQ(t, zeroed[i], 0);
    for (int i = 0; i < 100; i++)
        zeroed[i] = (uint8_t)i;
    uint8_t *bigger = krealloc(zeroed, 5000);
    ASSERT_NOT_NULL(t, bigger);
    for (int i = 0; i < 100; i++)
        EXPECT_EQ(t, bigger[i], (uint8_t)i);
    void *minimal = krealloc(NULL, 0); /* kmalloc(0): a unique minimal block */
    EXPECT_NOT_NULL(t, minimal);
    kfree(minimal);
    kfree(bigger);
    kfree(NULL);
}

static void kmalloc_out_of_memory_is_null_and_krealloc_keeps_the_block(struct ktest *t)
{
    EXPECT_NULL(t, kmalloc(1ul << 40));
    EXPECT_NULL(t, kmalloc((size_t)-1));
    uint64_t *block = kmalloc(64);
    ASSERT_NOT_NULL(t, block);
    *block = 0xfeedface;
    EXPECT_NULL(t, krealloc(block, 1ul << 40));
    EXPECT_EQ(t, *block, 0xfeedfaceul);
    kfree(block);
}

static const struct ktest_case kmalloc_cases[] = {
    KTEST_CASE(kmalloc_uses_the_design_the_build_chose),
    KTEST_CASE(kmalloc_kzalloc_krealloc_kfree_round_trip),
    KTEST_CASE(kmalloc_out_of_memory_is_null_and_krealloc_keeps_the_block),
    {0},
};
KTEST_SUITE_HOOKS(kmalloc, kmalloc_cases, kmalloc_before, kmalloc_after);
