/*
 * cow_hidden_test.c: lab 9's hidden cases (graded in the course tree and on
 * Gradescope, never in the handout): a read-only page stays shared for good,
 * and a frame shared three ways counts its holders exactly.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "mm/frame.h"
#include "mm/memory_set.h"
#include "mm/pagetable.h"

static void cow_hidden_read_only_page_stays_shared(struct ktest *t)
{
    uint64_t free_before = frame_free_count();
    struct memory_set original;
    struct memory_set copy;
    ASSERT_EQ(t, memory_set_init_user(&original), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&original, "text", vaddr(0x40000), vaddr(0x41000),
                                     PTE_R | PTE_X | PTE_U, MAP_FRAMED, paddr(0), "code", 5),
              0);
    ASSERT_EQ(t, memory_set_clone(&copy, &original), 0);
    struct pt_lookup a;
    struct pt_lookup b;
    ASSERT_TRUE(t, pt_translate(&original.mapping, vaddr(0x40000), &a));
    ASSERT_TRUE(t, pt_translate(&copy.mapping, vaddr(0x40000), &b));
    EXPECT_EQ(t, a.pa.value, b.pa.value);
    EXPECT_EQ(t, frame_ref_count(a.pa), 2u);
    /* Nobody may write it: the fault is refused and nothing is copied. */
    EXPECT_EQ(t, memory_set_handle_fault(&copy, 0x40000, PTE_W), -EFAULT);
    EXPECT_EQ(t, frame_ref_count(a.pa), 2u);
    memory_set_destroy(&copy);
    EXPECT_EQ(t, frame_ref_count(a.pa), 1u);
    memory_set_destroy(&original);
    EXPECT_EQ(t, frame_free_count(), free_before);
}

static void cow_hidden_three_holders_count_exactly(struct ktest *t)
{
    uint64_t free_before = frame_free_count();
    struct memory_set first;
    struct memory_set second;
    struct memory_set third;
    ASSERT_EQ(t, memory_set_init_user(&first), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&first, "data", vaddr(0x50000), vaddr(0x51000),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), "abc", 4),
              0);
    ASSERT_EQ(t, memory_set_clone(&second, &first), 0);
    ASSERT_EQ(t, memory_set_clone(&third, &second), 0);
    struct pt_lookup shared;
    ASSERT_TRUE(t, pt_translate(&first.mapping, vaddr(0x50000), &shared));
    EXPECT_EQ(t, frame_ref_count(shared.pa), 3u);
    /* The third writes: its own copy, and the shared frame has two holders left. */
    EXPECT_EQ(t, memory_set_handle_fault(&third, 0x50000, PTE_W), 0);
    EXPECT_EQ(t, frame_ref_count(shared.pa), 2u);
    struct pt_lookup own;
    ASSERT_TRUE(t, pt_translate(&third.mapping, vaddr(0x50000), &own));
    EXPECT_NE(t, own.pa.value, shared.pa.value);
    EXPECT_STREQ(t, (char *)paddr_to_ptr(own.pa), "abc");
    memory_set_destroy(&third);
    memory_set_destroy(&second);
    EXPECT_EQ(t, frame_ref_count(shared.pa), 1u);
    memory_set_destroy(&first);
    EXPECT_EQ(t, frame_free_count(), free_before);
}

static const struct ktest_case cow_hidden_cases[] = {
    KTEST_CASE(cow_hidden_read_only_page_stays_shared),
    KTEST_CASE(cow_hidden_three_holders_count_exactly),
    {0},
};
KTEST_SUITE(cow_hidden, cow_hidden_cases);
