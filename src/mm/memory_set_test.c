/*
 * memory_set_test.c: the kernel's MemorySet and user MemorySets.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_check.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"

/* Check start, middle and last byte of every kernel segment translate as the segment says. */
static void memory_set_kernel_segments_translate(struct ktest *t)
{
    int segments = 0;
    for (struct segment *s = kernel_memory_set.segments; s != NULL; s = s->next) {
        uint64_t probes[3] = {s->start.value, s->start.value + (s->end.value - s->start.value) / 2,
                              s->end.value - 1};
        for (int i = 0; i < 3; i++) {
            struct pt_lookup lookup;
            bool mapped = pt_translate(&kernel_memory_set.mapping, vaddr(probes[i]), &lookup);
            EXPECT_TRUE(t, mapped);
            if (!mapped)
                continue;
            if (s->type == MAP_LINEAR)
                EXPECT_EQ(t, lookup.pa.value, probes[i] - s->linear_offset);
            EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_X | PTE_U),
                      s->flags & (PTE_R | PTE_W | PTE_X | PTE_U));
        }
        segments++;
    }
    EXPECT_GE(t, segments, 6); /* text, rodata, data+bss, ksyms, window, devices... */
}

static void memory_set_kernel_is_w_xor_x(struct ktest *t)
{
    for (struct segment *s = kernel_memory_set.segments; s != NULL; s = s->next) {
        bool writable = (s->flags & PTE_W) != 0;
        bool executable = (s->flags & PTE_X) != 0;
        EXPECT_FALSE(t, writable && executable);
        EXPECT_EQ(t, s->flags & PTE_U, 0ul); /* nothing of the kernel's is user-accessible */
    }
    struct segment *text = memory_set_find_segment(&kernel_memory_set, vaddr((uint64_t)text_start));
    ASSERT_NOT_NULL(t, text);
    EXPECT_STREQ(t, text->name, "text");
    EXPECT_EQ(t, text->flags & (PTE_R | PTE_W | PTE_X), (uint64_t)(PTE_R | PTE_X));
    /* The boot page table's identity gigapage is gone. */
    struct pt_lookup lookup;
    EXPECT_FALSE(t, pt_translate(&kernel_memory_set.mapping, vaddr(RAM_BASE + 0x200000), &lookup));
}

static void memory_set_user_set_destroy_returns_every_frame(struct ktest *t)
{
    static char message[] = "initial data that spans into a second page? no, just this";
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    EXPECT_EQ(t,
              memory_set_add_segment(&set, "code", vaddr(0x10000), vaddr(0x13000),
                                     PTE_R | PTE_X | PTE_U, MAP_FRAMED, paddr(0), message,
                                     sizeof(message)),
              0);
    EXPECT_EQ(t,
              memory_set_add_segment(&set, "data", vaddr(0x20000), vaddr(0x30000),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    /* Overlapping and W+X segments are refused, and leave the set as it was. */
    EXPECT_EQ(t,
              memory_set_add_segment(&set, "overlap", vaddr(0x12000), vaddr(0x21000), PTE_R,
                                     MAP_FRAMED, paddr(0), NULL, 0),
              -EINVAL);
    EXPECT_EQ(t,
              memory_set_add_segment(&set, "wx", vaddr(0x40000), vaddr(0x41000),
                                     PTE_R | PTE_W | PTE_X, MAP_FRAMED, paddr(0), NULL, 0),
              -EINVAL);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&set.mapping, vaddr(0x10000), &lookup));
    EXPECT_STREQ(t, (char *)paddr_to_ptr(lookup.pa), message);
    /* The kernel half is shared: kmain translates the same in both. */
    struct pt_lookup kernel_lookup;
    EXPECT_TRUE(t, pt_translate(&set.mapping, vaddr((uint64_t)text_start), &kernel_lookup));
    EXPECT_EQ(t, memory_set_remove_segment(&set, vaddr(0x20000)), 0);
    EXPECT_EQ(t, memory_set_remove_segment(&set, vaddr(0x20000)), -ENOENT);
    memory_set_destroy(&set);
    /* frame_check_expect_back checks every frame (data and tables) came back. */
}

static void memory_set_clone_copies_contents(struct ktest *t)
{
    struct memory_set original;
    struct memory_set copy;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&original, "data", vaddr(0x20000), vaddr(0x22000),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), "abc", 4),
              0);
    ASSERT_EQ(t, memory_set_clone(&copy, &original), 0);
    struct pt_lookup a;
    struct pt_lookup b;
    ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(0x20000), &a));
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x20000), &b));
    EXPECT_NE(t, a.pa.value, b.pa.value); /* its own frame */
    EXPECT_STREQ(t, (char *)paddr_to_ptr(b.pa), "abc");
    ((char *)paddr_to_ptr(a.pa))[0] = 'X'; /* a write to one is not seen in the other */
    EXPECT_STREQ(t, (char *)paddr_to_ptr(b.pa), "abc");
    memory_set_destroy(&copy);
    memory_set_destroy(&original);
}

static void memory_set_kernel_stacks_have_guards(struct ktest *t)
{
    struct kstack stack;
    ASSERT_EQ(t, kstack_alloc(&stack, "test stack"), 0);
    EXPECT_EQ(t, stack.top.value - stack.bottom.value, (uint64_t)KSTACK_SIZE);
    /* The stack is usable... */
    volatile uint64_t *low = (uint64_t *)stack.bottom.value;
    *low = 42;
    EXPECT_EQ(t, *low, 42ul);
    /* ...and the page below it is not mapped. */
    struct pt_lookup lookup;
    EXPECT_FALSE(t,
                 pt_translate(&kernel_memory_set.mapping, vaddr(stack.bottom.value - 8), &lookup));
    bool in_guard = false;
    EXPECT_STREQ(t, kstack_describe(stack.bottom.value - 8, &in_guard), "test stack");
    EXPECT_TRUE(t, in_guard);
    kstack_free(&stack);
    EXPECT_NULL(t, kstack_describe(stack.bottom.value, &in_guard));
}

static bool user_page_mapped(struct memory_set *set, uint64_t va)
{
    struct pt_lookup lookup;
    return pt_translate(&set->mapping, vaddr(va), &lookup);
}

/* munmap's cases: a hole in the middle splits, an edge trims, a cover removes. */
static void memory_set_unmap_range_splits_trims_and_removes(struct ktest *t)
{
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    uint64_t base = 0x100000;
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "anon", vaddr(base), vaddr(base + 8 * PAGE_SIZE),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    uint64_t frames = frame_free_count();
    /* A hole of two pages in the middle: two segments remain. */
    EXPECT_EQ(
        t, memory_set_unmap_range(&set, vaddr(base + 3 * PAGE_SIZE), vaddr(base + 5 * PAGE_SIZE)),
        0);
    EXPECT_EQ(t, frame_free_count(), frames + 2);
    struct segment *low = memory_set_find_segment(&set, vaddr(base));
    struct segment *high = memory_set_find_segment(&set, vaddr(base + 5 * PAGE_SIZE));
    ASSERT_NOT_NULL(t, low);
    ASSERT_NOT_NULL(t, high);
    EXPECT_NE(t, low, high);
    EXPECT_EQ(t, low->end.value, base + 3 * PAGE_SIZE);
    EXPECT_EQ(t, high->start.value, base + 5 * PAGE_SIZE);
    EXPECT_NULL(t, memory_set_find_segment(&set, vaddr(base + 4 * PAGE_SIZE)));
    EXPECT_FALSE(t, user_page_mapped(&set, base + 4 * PAGE_SIZE));
    EXPECT_TRUE(t, user_page_mapped(&set, base + 5 * PAGE_SIZE));
    /* Trim the top of the low part, then take a range covering the high part and beyond. */
    EXPECT_EQ(
        t, memory_set_unmap_range(&set, vaddr(base + 2 * PAGE_SIZE), vaddr(base + 4 * PAGE_SIZE)),
        0);
    EXPECT_EQ(t, low->end.value, base + 2 * PAGE_SIZE);
    EXPECT_EQ(
        t, memory_set_unmap_range(&set, vaddr(base + 4 * PAGE_SIZE), vaddr(base + 64 * PAGE_SIZE)),
        0);
    EXPECT_NULL(t, memory_set_find_segment(&set, vaddr(base + 6 * PAGE_SIZE)));
    EXPECT_EQ(t, frame_free_count(), frames + 6);
    EXPECT_EQ(t, memory_set_unmap_range(&set, vaddr(base + 1), vaddr(base + PAGE_SIZE)), -EINVAL);
    memory_set_destroy(&set);
}

/* brk's case: a segment grows upward with zeroed pages, never into its neighbour. */
static void memory_set_extend_segment_grows_with_zeroed_pages(struct ktest *t)
{
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    uint64_t base = 0x200000;
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "heap", vaddr(base), vaddr(base + PAGE_SIZE),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "next", vaddr(base + 4 * PAGE_SIZE),
                                     vaddr(base + 5 * PAGE_SIZE), PTE_R | PTE_U, MAP_FRAMED,
                                     paddr(0), NULL, 0),
              0);
    struct segment *heap = memory_set_find_segment(&set, vaddr(base));
    ASSERT_NOT_NULL(t, heap);
    EXPECT_EQ(t, memory_set_extend_segment(&set, heap, vaddr(base + 3 * PAGE_SIZE)), 0);
    EXPECT_EQ(t, heap->end.value, base + 3 * PAGE_SIZE);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&set.mapping, vaddr(base + 2 * PAGE_SIZE), &lookup));
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_U), (uint64_t)(PTE_R | PTE_W | PTE_U));
    EXPECT_EQ(t, *(uint64_t *)paddr_to_ptr(lookup.pa), 0ul);
    EXPECT_EQ(t, memory_set_extend_segment(&set, heap, vaddr(base + 5 * PAGE_SIZE)), -EINVAL);
    EXPECT_EQ(t, heap->end.value, base + 3 * PAGE_SIZE);
    memory_set_destroy(&set);
}

static const struct ktest_case memory_set_cases[] = {
    KTEST_CASE(memory_set_kernel_segments_translate),
    KTEST_CASE(memory_set_kernel_is_w_xor_x),
    KTEST_CASE(memory_set_user_set_destroy_returns_every_frame),
    KTEST_CASE(memory_set_clone_copies_contents),
    KTEST_CASE(memory_set_kernel_stacks_have_guards),
    KTEST_CASE(memory_set_unmap_range_splits_trims_and_removes),
    KTEST_CASE(memory_set_extend_segment_grows_with_zeroed_pages),
    {0},
};
KTEST_SUITE_HOOKS(memory_set, memory_set_cases, frame_check_remember, frame_check_expect_back);
