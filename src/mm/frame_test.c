/*
 * frame_test.c: the frame allocator on the machine's real memory map.
 * After every case the free count must be back where it started: a case
 * that leaks a frame fails in the after-hook.
 */
#include "dev/devicetree.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "arch/layout.h"

static uint64_t free_at_start;

static void frame_before(struct ktest *t)
{
    (void)t;
    free_at_start = frame_free_count();
}

static void frame_after(struct ktest *t)
{
    EXPECT_EQ(t, frame_free_count(), free_at_start);
}

static bool overlaps(uint64_t base, uint64_t end, uint64_t other_base, uint64_t other_end)
{
    return base < other_end && other_base < end;
}

/* Is [pa, pa + size) inside one usable range of the memory map? */
static bool in_usable_ram(uint64_t pa, uint64_t size)
{
    const struct memmap *map = frame_memory_map();
    for (int i = 0; i < map->usable_count; i++) {
        if (pa >= map->usable[i].base && pa + size <= map->usable[i].end)
            return true;
    }
    return false;
}

static void frame_map_excludes_firmware_kernel_blob_and_reservations(struct ktest *t)
{
    const struct memmap *map = frame_memory_map();
    uint64_t kernel_base = (uint64_t)kernel_start - KERNEL_OFFSET;
    uint64_t kernel_top = (uint64_t)kernel_end - KERNEL_OFFSET;
    uint64_t blob = devicetree_blob_pa();
    uint64_t ram_base = 0;
    uint64_t ram_size = 0;
    ASSERT_TRUE(t, devicetree_memory_range(0, &ram_base, &ram_size));
    ASSERT_GT(t, map->usable_count, 0);
    for (int i = 0; i < map->usable_count; i++) {
        uint64_t base = map->usable[i].base;
        uint64_t end = map->usable[i].end;
        EXPECT_EQ(t, base % PAGE_SIZE, 0ul);
        EXPECT_FALSE(t, overlaps(base, end, ram_base, kernel_base)); /* OpenSBI */
        EXPECT_FALSE(t, overlaps(base, end, kernel_base, kernel_top));
        EXPECT_FALSE(t, overlaps(base, end, blob, blob + devicetree_blob_size()));
        uint64_t reserved_base;
        uint64_t reserved_size;
        for (int r = 0; devicetree_reserved_range(r, &reserved_base, &reserved_size); r++)
            EXPECT_FALSE(t, overlaps(base, end, reserved_base, reserved_base + reserved_size));
    }
    /* The usable frames are all of RAM but those exclusions and the metadata (< 1%). */
    uint64_t usable = memmap_usable_bytes(map);
    EXPECT_EQ(t, frame_total_count() * PAGE_SIZE, usable);
    EXPECT_GT(t, usable,
              devicetree_memory_total() - devicetree_memory_total() / 50 - (kernel_top - ram_base) -
                  devicetree_blob_size() - PAGE_SIZE);
}

static void frame_alloc_gives_distinct_usable_frames(struct ktest *t)
{
    paddr_t frames[64];
    for (int i = 0; i < 64; i++) {
        frames[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(frames[i]));
        EXPECT_EQ(t, frames[i].value % PAGE_SIZE, 0ul);
        EXPECT_TRUE(t, in_usable_ram(frames[i].value, PAGE_SIZE));
        EXPECT_EQ(t, frame_ref_count(frames[i]), 1u);
        for (int j = 0; j < i; j++)
            EXPECT_NE(t, frames[i].value, frames[j].value);
        /* Through the kernel window, a frame is ordinary memory. */
        *(uint64_t *)paddr_to_ptr(frames[i]) = frames[i].value;
    }
    EXPECT_EQ(t, frame_free_count(), free_at_start - 64);
    for (int i = 0; i < 64; i++) {
        EXPECT_EQ(t, *(uint64_t *)paddr_to_ptr(frames[i]), frames[i].value);
        frame_free(frames[i]);
    }
}

static void frame_alloc_zeroed_clears_reused_frames(struct ktest *t)
{
    paddr_t frames[8];
    for (int i = 0; i < 8; i++) {
        frames[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(frames[i]));
        memset(paddr_to_ptr(frames[i]), 0xa5, PAGE_SIZE);
    }
    for (int i = 0; i < 8; i++)
        frame_free(frames[i]);
    for (int i = 0; i < 8; i++) {
        frames[i] = frame_alloc_zeroed();
        ASSERT_FALSE(t, paddr_is_null(frames[i]));
        const uint64_t *words = paddr_to_ptr(frames[i]);
        uint64_t nonzero = 0;
        for (int w = 0; w < PAGE_SIZE / 8; w++)
            nonzero |= words[w];
        EXPECT_EQ(t, nonzero, 0ul);
    }
    for (int i = 0; i < 8; i++)
        frame_free(frames[i]);
}

static void frame_contiguous_blocks_are_aligned_to_their_size(struct ktest *t)
{
    paddr_t blocks[11];
    for (unsigned order = 0; order <= 10; order++) {
        blocks[order] = frame_alloc_contiguous(order);
        ASSERT_FALSE(t, paddr_is_null(blocks[order]));
        uint64_t size = (uint64_t)PAGE_SIZE << order;
        EXPECT_EQ(t, blocks[order].value % size, 0ul);
        EXPECT_TRUE(t, in_usable_ram(blocks[order].value, size));
        for (unsigned other = 0; other < order; other++)
            EXPECT_FALSE(t, overlaps(blocks[order].value, blocks[order].value + size,
                                     blocks[other].value,
                                     blocks[other].value + ((uint64_t)PAGE_SIZE << other)));
    }
    EXPECT_TRUE(t, paddr_is_null(frame_alloc_contiguous(FRAME_MAX_ORDER + 1)));
    for (unsigned order = 0; order <= 10; order++)
        frame_free_contiguous(blocks[order], order);
}

static void frame_references_keep_a_frame_until_the_last_is_dropped(struct ktest *t)
{
    paddr_t pa = frame_alloc();
    ASSERT_FALSE(t, paddr_is_null(pa));
    EXPECT_EQ(t, frame_ref(pa), 2u);
    EXPECT_EQ(t, frame_ref(pa), 3u);
    EXPECT_EQ(t, frame_ref_count(pa), 3u);
    frame_free(pa);
    frame_free(pa);
    EXPECT_EQ(t, frame_ref_count(pa), 1u);
    EXPECT_EQ(t, frame_free_count(), free_at_start - 1);
    frame_free(pa);
    EXPECT_EQ(t, frame_ref_count(pa), 0u);
    EXPECT_EQ(t, frame_free_count(), free_at_start);
}

/*
 * Take every frame, chaining them through their first word (the allocator
 * never needs memory of its own), see NULL, give them all back, and find
 * the largest block again: exhaustion is a result, not a failure.
 */
static void frame_exhaustion_returns_null_and_recovers(struct ktest *t)
{
    int largest_before = frame_largest_free_order();
    uint64_t chain = 0;
    uint64_t taken = 0;
    for (;;) {
        paddr_t pa = frame_alloc();
        if (paddr_is_null(pa))
            break;
        *(uint64_t *)paddr_to_ptr(pa) = chain;
        chain = pa.value;
        taken++;
    }
    EXPECT_EQ(t, taken, free_at_start);
    EXPECT_EQ(t, frame_free_count(), 0ul);
    EXPECT_TRUE(t, paddr_is_null(frame_alloc_zeroed()));
    EXPECT_TRUE(t, paddr_is_null(frame_alloc_contiguous(0)));
    EXPECT_TRUE(t, paddr_is_null(frame_alloc_contiguous(4)));
    EXPECT_EQ(t, frame_largest_free_order(), -1);
    while (chain != 0) {
        paddr_t pa = paddr(chain);
        chain = *(uint64_t *)paddr_to_ptr(pa);
        frame_free(pa);
    }
    EXPECT_EQ(t, frame_free_count(), free_at_start);
    /* Every buddy found its partner again: the largest block is back. */
    EXPECT_EQ(t, frame_largest_free_order(), largest_before);
    paddr_t big = frame_alloc_contiguous((unsigned)largest_before);
    EXPECT_FALSE(t, paddr_is_null(big));
    if (!paddr_is_null(big))
        frame_free_contiguous(big, (unsigned)largest_before);
}

/*
 * Freed blocks merge with their buddies until the free lists are exactly as
 * they were: the same number of free blocks of every order.
 */
static void frame_freed_blocks_merge_back_exactly(struct ktest *t)
{
    uint64_t before[FRAME_MAX_ORDER + 1];
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        before[order] = frame_free_blocks(order);
    paddr_t singles[40];
    paddr_t blocks[4];
    for (int i = 0; i < 40; i++) {
        singles[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(singles[i]));
    }
    for (unsigned order = 1; order <= 4; order++) {
        blocks[order - 1] = frame_alloc_contiguous(order);
        ASSERT_FALSE(t, paddr_is_null(blocks[order - 1]));
    }
    /* Every other single first, then the blocks, then the rest backwards. */
    for (int i = 0; i < 40; i += 2)
        frame_free(singles[i]);
    for (unsigned order = 1; order <= 4; order++)
        frame_free_contiguous(blocks[order - 1], order);
    for (int i = 39; i > 0; i -= 2)
        frame_free(singles[i]);
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        EXPECT_EQ(t, frame_free_blocks(order), before[order]);
}

/*
 * The buddy split, observed through the free lists: when the smallest free
 * block has order j > 0, one frame splits it into one free block of each
 * order 0 .. j-1. Freeing the frame merges them all back into the one block.
 * The frames come from frame_alloc_contiguous(0), straight from the buddy
 * system: frame_alloc would take a whole batch for this hart's cache.
 */
static void frame_split_leaves_one_block_per_order(struct ktest *t)
{
    /* Empty the order-0 list first, so that the next frame needs a split. */
    paddr_t taken[64];
    int count = 0;
    while (frame_free_blocks(0) > 0 && count < 64) {
        taken[count] = frame_alloc_contiguous(0);
        ASSERT_FALSE(t, paddr_is_null(taken[count]));
        count++;
    }
    ASSERT_EQ(t, frame_free_blocks(0), 0ul);
    unsigned smallest = 1;
    while (smallest <= FRAME_MAX_ORDER && frame_free_blocks(smallest) == 0)
        smallest++;
    ASSERT_LE(t, smallest, (unsigned)FRAME_MAX_ORDER);
    uint64_t before[FRAME_MAX_ORDER + 1];
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        before[order] = frame_free_blocks(order);
    paddr_t pa = frame_alloc_contiguous(0);
    ASSERT_FALSE(t, paddr_is_null(pa));
    for (unsigned order = 0; order < smallest; order++)
        EXPECT_EQ(t, frame_free_blocks(order), before[order] + 1);
    EXPECT_EQ(t, frame_free_blocks(smallest), before[smallest] - 1);
    for (unsigned order = smallest + 1; order <= FRAME_MAX_ORDER; order++)
        EXPECT_EQ(t, frame_free_blocks(order), before[order]);
    EXPECT_EQ(t, frame_free_count(), free_at_start - (uint64_t)count - 1);
    frame_free(pa);
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        EXPECT_EQ(t, frame_free_blocks(order), before[order]);
    while (count > 0)
        frame_free(taken[--count]);
}

static void frame_split_blocks_merge_back(struct ktest *t)
{
    int largest = frame_largest_free_order();
    ASSERT_GE(t, largest, 4);
    /* Take a block, split it into single frames by freeing and re-taking, then free all. */
    paddr_t block = frame_alloc_contiguous(4);
    ASSERT_FALSE(t, paddr_is_null(block));
    frame_free_contiguous(block, 4);
    paddr_t singles[16];
    for (int i = 0; i < 16; i++) {
        singles[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(singles[i]));
    }
    for (int i = 15; i >= 0; i--)
        frame_free(singles[i]);
    EXPECT_EQ(t, frame_largest_free_order(), largest);
}

static const struct ktest_case frame_cases[] = {
    KTEST_CASE(frame_map_excludes_firmware_kernel_blob_and_reservations),
    KTEST_CASE(frame_alloc_gives_distinct_usable_frames),
    KTEST_CASE(frame_alloc_zeroed_clears_reused_frames),
    KTEST_CASE(frame_contiguous_blocks_are_aligned_to_their_size),
    KTEST_CASE(frame_references_keep_a_frame_until_the_last_is_dropped),
    KTEST_CASE(frame_exhaustion_returns_null_and_recovers),
    KTEST_CASE(frame_split_blocks_merge_back),
    KTEST_CASE(frame_split_leaves_one_block_per_order),
    KTEST_CASE(frame_freed_blocks_merge_back_exactly),
    {0},
};
KTEST_SUITE_HOOKS(frame, frame_cases, frame_before, frame_after);
