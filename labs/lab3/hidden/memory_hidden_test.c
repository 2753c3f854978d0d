/*
 * memory_hidden_test.c: lab 3's hidden cases (instructors only). The grader
 * copies this file beside the frame allocator; it never reaches a handout.
 */
#include "ktest/ktest.h"

#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/heap/heap_design.h"

static uint64_t blocks_at_start[FRAME_MAX_ORDER + 1];
static uint64_t free_at_start;

static void memory_hidden_before(struct ktest *t)
{
    (void)t;
    free_at_start = frame_free_count();
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        blocks_at_start[order] = frame_free_blocks(order);
}

/* After every case, the free lists are exactly as they were: every split merged back. */
static void memory_hidden_after(struct ktest *t)
{
    EXPECT_EQ(t, frame_free_count(), free_at_start);
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        EXPECT_EQ(t, frame_free_blocks(order), blocks_at_start[order]);
}

/* Blocks of every order up to 7, freed in an order unlike the one they were taken in. */
static void memory_hidden_mixed_orders_merge_back(struct ktest *t)
{
    paddr_t blocks[8];
    for (unsigned order = 0; order < 8; order++) {
        blocks[order] = frame_alloc_contiguous(order);
        ASSERT_FALSE(t, paddr_is_null(blocks[order]));
    }
    static const unsigned order_of_frees[8] = {3, 0, 7, 5, 1, 6, 2, 4};
    for (int i = 0; i < 8; i++)
        frame_free_contiguous(blocks[order_of_frees[i]], order_of_frees[i]);
}

/* A shared contiguous block stays allocated until its last reference goes. */
static void memory_hidden_shared_contiguous_block(struct ktest *t)
{
    paddr_t block = frame_alloc_contiguous(2);
    ASSERT_FALSE(t, paddr_is_null(block));
    EXPECT_EQ(t, frame_ref(block), 2u);
    frame_free_contiguous(block, 2);
    EXPECT_EQ(t, frame_ref_count(block), 1u);
    EXPECT_EQ(t, frame_free_count(), free_at_start - 4);
    frame_free_contiguous(block, 2);
    EXPECT_EQ(t, frame_ref_count(block), 0u);
}

/* 96 single frames, freed odd ones first, then even ones backwards. */
static void memory_hidden_interleaved_frees(struct ktest *t)
{
    paddr_t frames[96];
    for (int i = 0; i < 96; i++) {
        frames[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(frames[i]));
    }
    for (int i = 1; i < 96; i += 2)
        frame_free(frames[i]);
    for (int i = 94; i >= 0; i -= 2)
        frame_free(frames[i]);
}

/* A buddy heap of its own: after any mix of sizes is freed, one block is whole again. */
static void memory_hidden_heap_comes_back_whole(struct ktest *t)
{
    const struct heap_design *buddy = heap_design_find("buddy");
    ASSERT_NOT_NULL(t, buddy);
    paddr_t arena = frame_alloc_contiguous(4);
    ASSERT_FALSE(t, paddr_is_null(arena));
    struct heap *heap = heap_create(buddy, paddr_to_ptr(arena), 16 * 4096, NULL);
    ASSERT_NOT_NULL(t, heap);
    struct heap_stats empty;
    heap_get_stats(heap, &empty);
    void *blocks[60];
    int count = 0;
    for (int i = 0; i < 60; i++) {
        blocks[i] = heap_alloc(heap, (size_t)(16 + (i * 37) % 700));
        if (blocks[i] != NULL)
            count++;
    }
    EXPECT_EQ(t, count, 60);
    for (int i = 0; i < 60; i += 3) {
        if (blocks[i] != NULL)
            heap_free(heap, blocks[i]);
    }
    for (int i = 59; i >= 0; i--) {
        if (i % 3 != 0 && blocks[i] != NULL)
            heap_free(heap, blocks[i]);
    }
    struct heap_stats after;
    heap_get_stats(heap, &after);
    EXPECT_EQ(t, after.live_blocks, 0ul);
    EXPECT_EQ(t, after.free_bytes, empty.free_bytes);
    EXPECT_EQ(t, after.largest_free, empty.largest_free);
    frame_free_contiguous(arena, 4);
}

static const struct ktest_case memory_hidden_cases[] = {
    KTEST_CASE(memory_hidden_mixed_orders_merge_back),
    KTEST_CASE(memory_hidden_shared_contiguous_block),
    KTEST_CASE(memory_hidden_interleaved_frees),
    KTEST_CASE(memory_hidden_heap_comes_back_whole),
    {0},
};
KTEST_SUITE_HOOKS(memory_hidden, memory_hidden_cases, memory_hidden_before, memory_hidden_after);
