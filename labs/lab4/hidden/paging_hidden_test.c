/*
 * paging_hidden_test.c: lab 4's hidden cases (instructors only). The grader
 * copies this file beside the page-table code; it never reaches a handout.
 */
#include "ktest/ktest.h"

#include "abi/errno.h"
#include "arch/layout.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_check.h"
#include "mm/memory_set.h"
#include "mm/pagetable.h"

#define HIDDEN_VA 0x0000002000000000ull

/* A 1 GiB page: the offset is 30 bits, and the flags come back as they were given. */
static void paging_hidden_gigapage_offsets_and_flags(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    ASSERT_EQ(t, pt_map(&mapping, vaddr(HIDDEN_VA), paddr(0x80000000ul), PT_LEVEL_1G,
                        PTE_R | PTE_X | PTE_U),
              0);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&mapping, vaddr(HIDDEN_VA + 0x3ffffff8ul), &lookup));
    EXPECT_EQ(t, lookup.pa.value, 0x80000000ul + 0x3ffffff8ul);
    EXPECT_EQ(t, lookup.level, PT_LEVEL_1G);
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_X | PTE_U), (uint64_t)(PTE_R | PTE_X | PTE_U));
    EXPECT_FALSE(t, pt_translate(&mapping, vaddr(HIDDEN_VA + 0x40000000ul), &lookup));
    EXPECT_FALSE(t, pt_translate(&mapping, vaddr(HIDDEN_VA - 8), &lookup));
    EXPECT_EQ(t, pt_unmap(&mapping, vaddr(HIDDEN_VA + 0x1234), &lookup), 0);
    EXPECT_EQ(t, lookup.pa.value, 0x80000000ul);
    EXPECT_EQ(t, pt_unmap(&mapping, vaddr(HIDDEN_VA), NULL), -ENOENT);
    pt_destroy(&mapping);
}

/* An owned 2 MiB block goes back to the frame allocator whole when it is unmapped. */
static void paging_hidden_owned_huge_page_is_freed(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    paddr_t block = frame_alloc_contiguous(9);
    ASSERT_FALSE(t, paddr_is_null(block));
    ASSERT_EQ(t, pt_map(&mapping, vaddr(HIDDEN_VA), block, PT_LEVEL_2M, PTE_R | PTE_W | PTE_OWNED),
              0);
    EXPECT_EQ(t, mapping.owned_frames, 512ul);
    struct pt_lookup lookup;
    EXPECT_EQ(t, pt_unmap(&mapping, vaddr(HIDDEN_VA + 0x1ff000), &lookup), 0);
    EXPECT_EQ(t, lookup.level, PT_LEVEL_2M);
    EXPECT_TRUE(t, (lookup.flags & PTE_OWNED) != 0);
    EXPECT_EQ(t, mapping.owned_frames, 0ul);
    EXPECT_EQ(t, mapping.table_frames, 1ul);
    EXPECT_EQ(t, frame_ref_count(block), 0u);
    pt_destroy(&mapping);
}

/* protect: bad flags refused, whatever the page; a huge page keeps its frame and owner bit. */
static void paging_hidden_protect_checks_and_keeps(struct ktest *t)
{
    struct mapping mapping;
    ASSERT_EQ(t, pt_init(&mapping), 0);
    paddr_t block = frame_alloc_contiguous(9);
    ASSERT_FALSE(t, paddr_is_null(block));
    ASSERT_EQ(t, pt_map(&mapping, vaddr(HIDDEN_VA), block, PT_LEVEL_2M, PTE_R | PTE_W | PTE_OWNED),
              0);
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(HIDDEN_VA + 0x5000), PTE_W), -EINVAL);
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(HIDDEN_VA + 0x5000), 0), -EINVAL);
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(HIDDEN_VA + 0x200000), PTE_R), -ENOENT);
    EXPECT_EQ(t, pt_protect(&mapping, vaddr(HIDDEN_VA + 0x5000), PTE_R | PTE_X), 0);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&mapping, vaddr(HIDDEN_VA + 0x5000), &lookup));
    EXPECT_EQ(t, lookup.pa.value, block.value + 0x5000);
    EXPECT_EQ(t, lookup.level, PT_LEVEL_2M);
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_X), (uint64_t)(PTE_R | PTE_X));
    EXPECT_TRUE(t, (lookup.flags & PTE_OWNED) != 0);
    EXPECT_TRUE(t, (lookup.flags & PTE_V) != 0);
    pt_destroy(&mapping);
}

/* A clone of several segments: every page the original has shares its frame, copy-on-write. */
static void paging_hidden_clone_of_several_segments(struct ktest *t)
{
    struct memory_set original;
    struct memory_set copy;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t, memory_set_add_segment(&original, "text", vaddr(0x10000), vaddr(0x13000),
                                        PTE_R | PTE_X | PTE_U, MAP_FRAMED, paddr(0), "text!", 6),
              0);
    ASSERT_EQ(t, memory_set_add_segment(&original, "heap", vaddr(0x400000), vaddr(0x404000),
                                        PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    for (uint64_t va = 0x400000; va < 0x404000; va += PAGE_SIZE) {
        uint64_t value = va * 3;
        ASSERT_EQ(t, memory_set_write(&original, va + 8, &value, sizeof(value)), 0);
    }
    ASSERT_EQ(t, memory_set_clone(&copy, &original), 0);
    for (uint64_t va = 0x400000; va < 0x404000; va += PAGE_SIZE) {
        struct pt_lookup a;
        struct pt_lookup b;
        ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(va), &a));
        ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(va), &b));
        EXPECT_EQ(t, a.pa.value, b.pa.value);
        EXPECT_EQ(t, ((uint64_t *)paddr_to_ptr(b.pa))[1], va * 3);
        EXPECT_TRUE(t, (b.flags & PTE_COW) != 0 && (b.flags & PTE_W) == 0);
        EXPECT_TRUE(t, (a.flags & PTE_COW) != 0 && (a.flags & PTE_W) == 0);
        EXPECT_EQ(t, frame_ref_count(a.pa), 2u);
    }
    struct pt_lookup text;
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x10000), &text));
    EXPECT_STREQ(t, (char *)paddr_to_ptr(text.pa), "text!");
    EXPECT_FALSE(t, pt_translate(&copy.mapping, vaddr(0x13000), &text));
    EXPECT_EQ(t, memory_set_user_bytes(&copy), memory_set_user_bytes(&original));
    memory_set_destroy(&copy);
    memory_set_destroy(&original);
}

/* A clone that runs out of frames half way fails cleanly: every frame it took comes back. */
static void paging_hidden_clone_out_of_memory_gives_everything_back(struct ktest *t)
{
    struct memory_set original;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t, memory_set_add_segment(&original, "small", vaddr(0x10000), vaddr(0x11000),
                                        PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t, memory_set_add_segment(&original, "big", vaddr(0x1000000), vaddr(0x1080000),
                                        PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    /* Every page of both segments present, so the copy needs a table for each segment. */
    for (uint64_t va = 0x1000000; va < 0x1080000; va += PAGE_SIZE)
        ASSERT_EQ(t, memory_set_write(&original, va, &va, sizeof(va)), 0);
    ASSERT_EQ(t, memory_set_write(&original, 0x10000, "x", 1), 0);
    /* Leave 3 frames: the copy's root and the first segment's two tables, none for the second. */
    uint64_t chain = 0;
    while (frame_free_count() > 3) {
        paddr_t pa = frame_alloc();
        if (paddr_is_null(pa))
            break;
        *(uint64_t *)paddr_to_ptr(pa) = chain;
        chain = pa.value;
    }
    uint64_t before = frame_free_count();
    struct memory_set copy;
    EXPECT_NE(t, memory_set_clone(&copy, &original), 0);
    EXPECT_EQ(t, frame_free_count(), before);
    while (chain != 0) {
        paddr_t pa = paddr(chain);
        chain = *(uint64_t *)paddr_to_ptr(pa);
        frame_free(pa);
    }
    memory_set_destroy(&original);
}

static const struct ktest_case paging_hidden_cases[] = {
    KTEST_CASE(paging_hidden_gigapage_offsets_and_flags),
    KTEST_CASE(paging_hidden_owned_huge_page_is_freed),
    KTEST_CASE(paging_hidden_protect_checks_and_keeps),
    KTEST_CASE(paging_hidden_clone_of_several_segments),
    KTEST_CASE(paging_hidden_clone_out_of_memory_gives_everything_back),
    {0},
};
KTEST_SUITE_HOOKS(paging_hidden, paging_hidden_cases, frame_check_remember, frame_check_expect_back);
