/*
 * uaccess_hidden_test.c: lab 7's hidden cases (graded in the course tree and
 * on Gradescope, never in the handout): the edges of the user range check.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "mm/frame.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"

#define LOW_PAGE  0x30000ul /* user page, then a kernel-only page right above it */
#define LAST_PAGE (USER_END - PAGE_SIZE)

static struct memory_set user;
static uint64_t free_before;

static void set_up(struct ktest *t)
{
    free_before = frame_free_count();
    ASSERT_EQ(t, memory_set_init_user(&user), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "user", vaddr(LOW_PAGE), vaddr(LOW_PAGE + PAGE_SIZE),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "no-u", vaddr(LOW_PAGE + PAGE_SIZE),
                                     vaddr(LOW_PAGE + 2 * PAGE_SIZE), PTE_R | PTE_W, MAP_FRAMED,
                                     paddr(0), NULL, 0),
              0);
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "last", vaddr(LAST_PAGE), vaddr(USER_END),
                                     PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0),
              0);
    memory_set_activate(&user);
}

static void tear_down(struct ktest *t)
{
    memory_set_activate(&kernel_memory_set);
    memory_set_destroy(&user);
    EXPECT_EQ(t, frame_free_count(), free_before);
}

static void uaccess_hidden_last_user_page(struct ktest *t)
{
    char bytes[16] = "0123456789abcde";
    EXPECT_EQ(t, copy_to_user(&user, USER_END - 8, bytes, 8), 0);
    char back[8] = "";
    EXPECT_EQ(t, copy_from_user(&user, back, USER_END - 8, 8), 0);
    EXPECT_EQ(t, back[7], '7');
    EXPECT_EQ(t, copy_to_user(&user, USER_END - 8, bytes, 9), -EFAULT);
    EXPECT_EQ(t, copy_from_user(&user, back, USER_END, 1), -EFAULT);
    EXPECT_TRUE(t, user_range_ok(&user, LAST_PAGE, PAGE_SIZE, PTE_W));
    EXPECT_FALSE(t, user_range_ok(&user, LAST_PAGE, PAGE_SIZE + 1, PTE_R));
    EXPECT_FALSE(t, user_range_ok(&user, USER_END - 1, UINT64_MAX, PTE_R));
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
}

static void uaccess_hidden_length_zero_anywhere(struct ktest *t)
{
    char byte = 'x';
    EXPECT_TRUE(t, user_range_ok(&user, 0, 0, PTE_R));
    EXPECT_EQ(t, copy_from_user(&user, &byte, 0, 0), 0);
    EXPECT_EQ(t, copy_to_user(&user, LOW_PAGE + PAGE_SIZE, &byte, 0), 0);
    EXPECT_EQ(t, byte, 'x');
}

static void uaccess_hidden_kernel_page_inside_the_range(struct ktest *t)
{
    char buffer[32];
    EXPECT_EQ(t, copy_to_user(&user, LOW_PAGE + PAGE_SIZE - 16, "sixteen bytes...", 16), 0);
    EXPECT_EQ(t, copy_from_user(&user, buffer, LOW_PAGE + PAGE_SIZE - 16, 32), -EFAULT);
    EXPECT_EQ(t, copy_to_user(&user, LOW_PAGE + PAGE_SIZE - 16, buffer, 17), -EFAULT);
    EXPECT_FALSE(t, user_range_ok(&user, LOW_PAGE + PAGE_SIZE, 1, PTE_R));
}

static const struct ktest_case uaccess_hidden_cases[] = {
    KTEST_CASE(uaccess_hidden_last_user_page),
    KTEST_CASE(uaccess_hidden_length_zero_anywhere),
    KTEST_CASE(uaccess_hidden_kernel_page_inside_the_range),
    {0},
};
KTEST_SUITE_HOOKS(uaccess_hidden, uaccess_hidden_cases, set_up, tear_down);
