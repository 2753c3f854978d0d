/*
 * pagetable_test.c: Sv39 page tables, in a scratch mapping and in the live one.
 *
 * Every case checks that the frame allocator's free count is back where it
 * started, so a leaked table or data frame fails the case that leaked it.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "mm/frame.h"
#include "mm/frame_check.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"
#include "mm/pagetable.h"

/* A user address well inside the lower half. */
#define SCRATCH_VA 0x0000001000000000ull

static void pagetable_maps_and_unmaps_10000_pages(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    int mapped = 0;
    for (int i = 0; i < 10000; i++) {
        paddr_t frame = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(frame));
        vaddr_t va = vaddr(SCRATCH_VA + (uint64_t)i * PAGE_SIZE);
        int error = pt_map(&mapping, va, frame, PT_LEVEL_4K, PTE_R | PTE_W | PTE_U | PTE_OWNED);
        EXPECT_EQ(t, error, 0);
        if (error != 0) {
            frame_free(frame);
            break;
        }
        mapped++;
    }
    EXPECT_EQ(t, mapped, 10000);
    EXPECT_EQ(t, mapping.owned_frames, 10000ul);
    /* 10,000 pages span 20 level-0 tables (512 entries each), one level-1 and the root. */
    EXPECT_EQ(t, mapping.table_frames, 1ul + 1ul + 20ul);

    struct pt_lookup lookup;
    EXPECT_TRUE(t, pt_translate(&mapping, vaddr(SCRATCH_VA + 1234 * PAGE_SIZE + 5), &lookup));
    EXPECT_EQ(t, lookup.pa.value & (PAGE_SIZE - 1), 5ul);
    EXPECT_EQ(t, lookup.level, PT_LEVEL_4K);

    EXPECT_EQ(t, pt_unmap_range(&mapping, vaddr(SCRATCH_VA), 10000ul * PAGE_SIZE), 10000ul);
    EXPECT_EQ(t, mapping.owned_frames, 0ul);
    EXPECT_FALSE(t, pt_translate(&mapping, vaddr(SCRATCH_VA), &lookup));
    /* Emptied lower tables were pruned: only the root is left. */
    EXPECT_EQ(t, mapping.table_frames, 1ul);
    pt_destroy(&mapping);
}

static void pagetable_rejects_bad_requests(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    paddr_t frame = frame_alloc();
    ASSERT_FALSE(t, paddr_is_null(frame));
    vaddr_t va = vaddr(SCRATCH_VA);
    EXPECT_EQ(t, pt_map(&mapping, vaddr(SCRATCH_VA + 8), frame, PT_LEVEL_4K, PTE_R), -EINVAL);
    EXPECT_EQ(t, pt_map(&mapping, va, frame, PT_LEVEL_4K, PTE_W), -EINVAL); /* W without R */
    EXPECT_EQ(t, pt_map(&mapping, va, frame, PT_LEVEL_4K, 0), -EINVAL);     /* not a leaf */
    EXPECT_EQ(t, pt_map(&mapping, vaddr(0x0000004000000000ull), frame, PT_LEVEL_4K, PTE_R),
              -EINVAL); /* not canonical */
    EXPECT_EQ(t, pt_map(&mapping, va, frame, PT_LEVEL_4K, PTE_R | PTE_OWNED), 0);
    EXPECT_EQ(t, pt_map(&mapping, va, frame, PT_LEVEL_4K, PTE_R), -EEXIST);
    /* A 2 MiB page cannot go where a 4 KiB page already hangs below. */
    EXPECT_EQ(t, pt_map(&mapping, va, paddr(RAM_BASE), PT_LEVEL_2M, PTE_R), -EEXIST);
    EXPECT_EQ(t, pt_unmap(&mapping, vaddr(SCRATCH_VA + PAGE_SIZE), NULL), -ENOENT);
    pt_destroy(&mapping); /* frees the owned frame too */
}

static void pagetable_maps_huge_pages(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    /* Linear huge pages onto RAM: 1 GiB at a 1 GiB boundary, 2 MiB at a 2 MiB one. */
    EXPECT_EQ(t, pt_map(&mapping, vaddr(0x40000000), paddr(RAM_BASE), PT_LEVEL_1G, PTE_R), 0);
    EXPECT_EQ(
        t,
        pt_map(&mapping, vaddr(0x200000), paddr(RAM_BASE + 0x400000), PT_LEVEL_2M, PTE_R | PTE_W),
        0);
    EXPECT_EQ(t, pt_map(&mapping, vaddr(0x300000), paddr(RAM_BASE), PT_LEVEL_2M, PTE_R), -EINVAL);

    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&mapping, vaddr(0x40000000 + 0x12345678), &lookup));
    EXPECT_EQ(t, lookup.level, PT_LEVEL_1G);
    EXPECT_EQ(t, lookup.pa.value, RAM_BASE + 0x12345678ul);
    ASSERT_TRUE(t, pt_translate(&mapping, vaddr(0x200000 + 0x1abcd), &lookup));
    EXPECT_EQ(t, lookup.level, PT_LEVEL_2M);
    EXPECT_EQ(t, lookup.pa.value, RAM_BASE + 0x400000ul + 0x1abcd);
    /* Only the root and one level-1 table: huge leaves need no lower tables. */
    EXPECT_EQ(t, mapping.table_frames, 2ul);
    /* Unmapping any address inside removes the whole huge page. */
    EXPECT_EQ(t, pt_unmap(&mapping, vaddr(0x40000000 + 0x1000), &lookup), 0);
    EXPECT_EQ(t, lookup.level, PT_LEVEL_1G);
    EXPECT_FALSE(t, pt_translate(&mapping, vaddr(0x40000000), &lookup));
    pt_destroy(&mapping);
}

/* A 2 MiB page in the live kernel table, used through the hardware walk. */
static void pagetable_huge_page_works_in_the_live_table(struct ktest *t)
{
    paddr_t block = frame_alloc_contiguous(9); /* 2^9 frames = 2 MiB, 2 MiB-aligned */
    ASSERT_FALSE(t, paddr_is_null(block));
    /*
     * 512 MiB into the kernel stack region's gigabyte, far past its slots:
     * its level-1 table exists already, so the 2 MiB leaf needs no new table.
     */
    vaddr_t va = vaddr(KSTACK_REGION_START + (512ull << 20));
    struct mapping *kernel = &kernel_memory_set.mapping;
    ASSERT_EQ(t, pt_map(kernel, va, block, PT_LEVEL_2M, PTE_R | PTE_W | PTE_G), 0);
    volatile uint64_t *through_huge = (uint64_t *)(va.value + 0x1ff000);
    *through_huge = 0x5ca1ab1e;
    uint64_t *through_window = (uint64_t *)paddr_to_ptr(paddr(block.value + 0x1ff000));
    EXPECT_EQ(t, *through_window, 0x5ca1ab1eul);
    EXPECT_EQ(t, pt_unmap(kernel, va, NULL), 0);
    frame_free_contiguous(block, 9);
}

/*
 * An unmapped page must leave the TLB. Read a page through the live table
 * (the TLB may now hold its translation), unmap it, then point its entry at
 * another frame behind the kernel's back, with no sfence.vma of our own.
 * The next read must walk the table and see the new frame; a translation
 * left in the TLB by an unmap without sfence.vma would still show the old
 * one. A neighbour page keeps the level-0 table alive, so no pruning
 * (which flushes too) hides the missing fence.
 */
static void pagetable_unmap_leaves_no_stale_translation(struct ktest *t)
{
    struct mapping *live = &kernel_memory_set.mapping;
    paddr_t old_frame = frame_alloc_zeroed();
    paddr_t new_frame = frame_alloc_zeroed();
    paddr_t neighbour = frame_alloc_zeroed();
    ASSERT_FALSE(t,
                 paddr_is_null(old_frame) || paddr_is_null(new_frame) || paddr_is_null(neighbour));
    *(uint64_t *)paddr_to_ptr(old_frame) = 0x01d01d01dul;
    *(uint64_t *)paddr_to_ptr(new_frame) = 0x0e770e770ul;
    vaddr_t va = vaddr(SCRATCH_VA);
    vaddr_t beside = vaddr(SCRATCH_VA + PAGE_SIZE);
    ASSERT_TRUE(t, pt_is_active(live));
    ASSERT_EQ(t, pt_map(live, beside, neighbour, PT_LEVEL_4K, PTE_R), 0);
    ASSERT_EQ(t, pt_map(live, va, old_frame, PT_LEVEL_4K, PTE_R | PTE_W), 0);
    volatile uint64_t *through = (volatile uint64_t *)va.value;
    EXPECT_EQ(t, *through, 0x01d01d01dul);
    EXPECT_EQ(t, pt_unmap(live, va, NULL), 0);
    pte_t *entry = pt_walk(live, va, PT_LEVEL_4K, false);
    ASSERT_NOT_NULL(t, entry);
    EXPECT_EQ(t, *entry, 0ul);
    *entry = pte_make(paddr_to_ppn(new_frame), PTE_R | PTE_W | PTE_V | PTE_A | PTE_D);
    EXPECT_EQ(t, *through, 0x0e770e770ul);
    *entry = 0;
    sfence_vma_addr(va.value);
    EXPECT_EQ(t, pt_unmap(live, beside, NULL), 0);
    frame_free(old_frame);
    frame_free(new_frame);
    frame_free(neighbour);
}

static void pagetable_protect_changes_flags(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    paddr_t frame = frame_alloc();
    ASSERT_FALSE(t, paddr_is_null(frame));
    ASSERT_EQ(
        t,
        pt_map(&mapping, vaddr(SCRATCH_VA), frame, PT_LEVEL_4K, PTE_R | PTE_W | PTE_U | PTE_OWNED),
        0);
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(SCRATCH_VA), PTE_R | PTE_X | PTE_U), 0);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&mapping, vaddr(SCRATCH_VA), &lookup));
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_X | PTE_U), (uint64_t)(PTE_R | PTE_X | PTE_U));
    EXPECT_TRUE(t, (lookup.flags & PTE_OWNED) != 0); /* software bits survive */
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(SCRATCH_VA + PAGE_SIZE), PTE_R), -ENOENT);
    pt_destroy(&mapping);
}

static const struct ktest_case pagetable_cases[] = {
    KTEST_CASE(pagetable_maps_and_unmaps_10000_pages),
    KTEST_CASE(pagetable_rejects_bad_requests),
    KTEST_CASE(pagetable_maps_huge_pages),
    KTEST_CASE(pagetable_huge_page_works_in_the_live_table),
    KTEST_CASE(pagetable_protect_changes_flags),
    KTEST_CASE(pagetable_unmap_leaves_no_stale_translation),
    {0},
};
KTEST_SUITE_HOOKS(pagetable, pagetable_cases, frame_check_remember, frame_check_expect_back);
