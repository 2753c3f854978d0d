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

/* fork's copy shares every frame copy-on-write; the first write on either side makes it private. */
static void memory_set_clone_shares_copy_on_write(struct ktest *t)
{
    struct memory_set original;
    struct memory_set copy;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&original, "data", vaddr(0x20000), vaddr(0x22000),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), "abc", 4),
              0);
    uint64_t free_before = frame_free_count();
    ASSERT_EQ(t, memory_set_clone(&copy, &original), 0);
    /* Only the copy's page-table frames were taken: no data frame. */
    EXPECT_EQ(t, free_before - frame_free_count(), copy.mapping.table_frames);
    struct pt_lookup a;
    struct pt_lookup b;
    ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(0x20000), &a));
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x20000), &b));
    EXPECT_EQ(t, a.pa.value, b.pa.value); /* one frame, two references */
    EXPECT_EQ(t, frame_ref_count(a.pa), 2u);
    EXPECT_EQ(t, a.flags & (PTE_W | PTE_COW), (uint64_t)PTE_COW);
    EXPECT_EQ(t, b.flags & (PTE_W | PTE_COW), (uint64_t)PTE_COW);
    EXPECT_EQ(t, copy.mapping.owned_frames, 2ul);

    /* A write fault in the copy: a frame of its own with the same bytes; the original's is
     * untouched. */
    struct memory_fault_stats before, after;
    memory_fault_get_stats(&before);
    EXPECT_EQ(t, memory_set_handle_fault(&copy, 0x20001, PTE_W), 0);
    memory_fault_get_stats(&after);
    EXPECT_EQ(t, after.cow_copies - before.cow_copies, 1ul);
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x20000), &b));
    EXPECT_NE(t, a.pa.value, b.pa.value);
    EXPECT_EQ(t, b.flags & (PTE_W | PTE_COW), (uint64_t)PTE_W);
    EXPECT_STREQ(t, (char *)paddr_to_ptr(b.pa), "abc");
    ((char *)paddr_to_ptr(b.pa))[0] = 'X';
    EXPECT_STREQ(t, (char *)paddr_to_ptr(a.pa), "abc");
    EXPECT_EQ(t, frame_ref_count(a.pa), 1u);

    /* The original is now the frame's only holder: its write fault copies nothing. */
    uint64_t free_now = frame_free_count();
    EXPECT_EQ(t, memory_set_handle_fault(&original, 0x20000, PTE_W), 0);
    EXPECT_EQ(t, frame_free_count(), free_now);
    struct pt_lookup again;
    ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(0x20000), &again));
    EXPECT_EQ(t, again.pa.value, a.pa.value);
    EXPECT_EQ(t, again.flags & (PTE_W | PTE_COW), (uint64_t)PTE_W);
    memory_fault_get_stats(&after);
    EXPECT_EQ(t, after.cow_reuses - before.cow_reuses, 1ul);

    /* A read fault on a shared page changes nothing; a write to a read-only segment is refused. */
    EXPECT_EQ(t, memory_set_handle_fault(&copy, 0x21000, PTE_R), 0);
    memory_set_destroy(&copy);
    EXPECT_EQ(t, frame_ref_count(a.pa), 1u);
    memory_set_destroy(&original);
}

/* Demand-zero: a user segment takes no frame until a page is touched, and then exactly one. */
static void memory_set_demand_zero_on_first_touch(struct ktest *t)
{
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    uint64_t base = 0x400000;
    uint64_t free_before = frame_free_count();
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "anon", vaddr(base), vaddr(base + 1024 * PAGE_SIZE),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "ro", vaddr(base + 2048 * PAGE_SIZE),
                                     vaddr(base + 2049 * PAGE_SIZE), PTE_R | PTE_U, MAP_FRAMED,
                                     paddr(0), NULL, 0),
              0);
    EXPECT_EQ(t, frame_free_count(), free_before);
    EXPECT_EQ(t, memory_set_user_frames(&set), 0ul);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 500 * PAGE_SIZE + 8, PTE_W), 0);
    EXPECT_EQ(t, memory_set_user_frames(&set), 1ul);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&set.mapping, vaddr(base + 500 * PAGE_SIZE), &lookup));
    EXPECT_EQ(t, *(uint64_t *)paddr_to_ptr(lookup.pa), 0ul);
    EXPECT_FALSE(t, pt_translate(&set.mapping, vaddr(base + 501 * PAGE_SIZE), &lookup));
    /* The program's errors: no segment, a write to read-only memory, a jump into data. */
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 1500 * PAGE_SIZE, PTE_R), -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 2048 * PAGE_SIZE, PTE_W), -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base, PTE_X), -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, 0xffffffff80200000ull, PTE_R), -EFAULT);
    /* The frame limit: the fault that would pass it fails with -ENOMEM, nothing mapped. */
    set.frame_limit = 2;
    EXPECT_EQ(t, memory_set_handle_fault(&set, base, PTE_R), 0);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + PAGE_SIZE, PTE_R), -ENOMEM);
    EXPECT_FALSE(t, pt_translate(&set.mapping, vaddr(base + PAGE_SIZE), &lookup));
    memory_set_destroy(&set);
}

/* mprotect's cases: a range in the middle splits the segment in three; PROT_NONE keeps the bytes.
 */
static void memory_set_protect_range_splits_and_keeps_bytes(struct ktest *t)
{
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    uint64_t base = 0x600000;
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "anon", vaddr(base), vaddr(base + 8 * PAGE_SIZE),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t, memory_set_write(&set, base + 3 * PAGE_SIZE, "kept", 5), 0);
    EXPECT_EQ(t,
              memory_set_protect_range(&set, vaddr(base + 3 * PAGE_SIZE),
                                       vaddr(base + 5 * PAGE_SIZE), PTE_U),
              0);
    EXPECT_EQ(t, set.segment_count, 3);
    struct segment *middle = memory_set_find_segment(&set, vaddr(base + 4 * PAGE_SIZE));
    ASSERT_NOT_NULL(t, middle);
    EXPECT_EQ(t, middle->start.value, base + 3 * PAGE_SIZE);
    EXPECT_EQ(t, middle->end.value, base + 5 * PAGE_SIZE);
    EXPECT_EQ(t, memory_set_find_segment(&set, vaddr(base))->end.value, base + 3 * PAGE_SIZE);
    struct pt_lookup lookup;
    ASSERT_TRUE(t, pt_translate(&set.mapping, vaddr(base + 3 * PAGE_SIZE), &lookup));
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_U), (uint64_t)PTE_R); /* no U: nobody's */
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 3 * PAGE_SIZE, PTE_R), -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 4 * PAGE_SIZE, PTE_R), -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 5 * PAGE_SIZE, PTE_W), 0);
    /* Back to read-write: the same frame, the same bytes. */
    EXPECT_EQ(t,
              memory_set_protect_range(&set, vaddr(base + 2 * PAGE_SIZE),
                                       vaddr(base + 4 * PAGE_SIZE), PTE_R | PTE_W | PTE_U),
              0);
    ASSERT_TRUE(t, pt_translate(&set.mapping, vaddr(base + 3 * PAGE_SIZE), &lookup));
    EXPECT_EQ(t, lookup.flags & (PTE_R | PTE_W | PTE_U), (uint64_t)(PTE_R | PTE_W | PTE_U));
    EXPECT_STREQ(t, (char *)paddr_to_ptr(lookup.pa), "kept");
    /* A range with a page no segment holds: -ENOMEM, and nothing changed. */
    EXPECT_EQ(t,
              memory_set_protect_range(&set, vaddr(base + 7 * PAGE_SIZE),
                                       vaddr(base + 9 * PAGE_SIZE), PTE_R | PTE_U),
              -ENOMEM);
    EXPECT_EQ(t,
              memory_set_protect_range(&set, vaddr(base), vaddr(base + PAGE_SIZE),
                                       PTE_R | PTE_W | PTE_X | PTE_U),
              -EINVAL);
    memory_set_destroy(&set);
}

/* A COW page made writable by mprotect stays read-only until its write fault copies it. */
static void memory_set_protect_keeps_copy_on_write(struct ktest *t)
{
    struct memory_set original;
    struct memory_set copy;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&original, "ro", vaddr(0x30000), vaddr(0x31000), PTE_R | PTE_U,
                                     MAP_FRAMED, paddr(0), "ro", 3),
              0);
    ASSERT_EQ(t, memory_set_clone(&copy, &original), 0);
    ASSERT_EQ(
        t, memory_set_protect_range(&copy, vaddr(0x30000), vaddr(0x31000), PTE_R | PTE_W | PTE_U),
        0);
    struct pt_lookup a;
    struct pt_lookup b;
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x30000), &b));
    EXPECT_EQ(t, b.flags & (PTE_W | PTE_COW), (uint64_t)PTE_COW);
    EXPECT_EQ(t, memory_set_handle_fault(&copy, 0x30000, PTE_W), 0);
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x30000), &b));
    ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(0x30000), &a));
    EXPECT_NE(t, a.pa.value, b.pa.value);
    EXPECT_STREQ(t, (char *)paddr_to_ptr(b.pa), "ro");
    EXPECT_EQ(t, memory_set_handle_fault(&original, 0x30000, PTE_W), -EFAULT);
    memory_set_destroy(&copy);
    memory_set_destroy(&original);
}

/* The stack grows down on a fault below it, to its limit, and never into the gap above a neighbour.
 */
static void memory_set_stack_grows_to_its_limit(struct ktest *t)
{
    struct memory_set set;
    ASSERT_EQ(t, memory_set_init_user(&set), 0);
    uint64_t top = 0x10000000;
    ASSERT_EQ(t, memory_set_add_stack(&set, vaddr(top), PAGE_SIZE, 64 * PAGE_SIZE), 0);
    struct segment *stack = memory_set_find_segment(&set, vaddr(top - PAGE_SIZE));
    ASSERT_NOT_NULL(t, stack);
    EXPECT_EQ(t, memory_set_handle_fault(&set, top - 10 * PAGE_SIZE + 16, PTE_W), 0);
    EXPECT_EQ(t, stack->start.value, top - 10 * PAGE_SIZE);
    EXPECT_EQ(t, memory_set_user_frames(&set), 1ul); /* the pages between: not yet */
    EXPECT_EQ(t, memory_set_handle_fault(&set, top - 65 * PAGE_SIZE, PTE_W), -EFAULT);
    EXPECT_EQ(t, stack->start.value, top - 10 * PAGE_SIZE);
    /* A mapping below the stack's area: growth stops MEMORY_SET_STACK_GAP above it. */
    uint64_t other_end = top - 40 * PAGE_SIZE;
    ASSERT_EQ(t,
              memory_set_add_segment(&set, "below", vaddr(other_end - PAGE_SIZE), vaddr(other_end),
                                     PTE_R | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    EXPECT_EQ(t, memory_set_handle_fault(&set, other_end + MEMORY_SET_STACK_GAP - PAGE_SIZE, PTE_W),
              -EFAULT);
    EXPECT_EQ(t, memory_set_handle_fault(&set, other_end + MEMORY_SET_STACK_GAP, PTE_W), 0);
    memory_set_destroy(&set);
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
    for (int i = 0; i < 8; i++) /* demand-zero: give every page its frame */
        ASSERT_EQ(t, memory_set_handle_fault(&set, base + (uint64_t)i * PAGE_SIZE, PTE_W), 0);
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

/* brk's case: a segment grows upward with demand-zero pages, never into its neighbour. */
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
    EXPECT_FALSE(t, pt_translate(&set.mapping, vaddr(base + 2 * PAGE_SIZE), &lookup));
    EXPECT_EQ(t, memory_set_handle_fault(&set, base + 2 * PAGE_SIZE, PTE_R), 0);
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
    KTEST_CASE(memory_set_clone_shares_copy_on_write),
    KTEST_CASE(memory_set_demand_zero_on_first_touch),
    KTEST_CASE(memory_set_protect_range_splits_and_keeps_bytes),
    KTEST_CASE(memory_set_protect_keeps_copy_on_write),
    KTEST_CASE(memory_set_stack_grows_to_its_limit),
    KTEST_CASE(memory_set_kernel_stacks_have_guards),
    KTEST_CASE(memory_set_unmap_range_splits_trims_and_removes),
    KTEST_CASE(memory_set_extend_segment_grows_with_zeroed_pages),
    {0},
};
KTEST_SUITE_HOOKS(memory_set, memory_set_cases, frame_check_remember, frame_check_expect_back);
