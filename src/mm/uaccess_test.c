/*
 * uaccess_test.c: the user-copy helpers accept good user pointers and turn
 * every bad one into -EFAULT, without a fault in the kernel.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"

#define RO_START 0x10000ul /* one read-only user page holding "hello" */
#define RW_START 0x20000ul /* two writable user pages */
#define RW_END   0x22000ul

static struct memory_set user;
static uint64_t free_before;

static void set_up(struct ktest *t)
{
    free_before = frame_free_count();
    static const char text[] = "hello";
    ASSERT_EQ(t, memory_set_init_user(&user), 0);
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "ro", vaddr(RO_START), vaddr(RO_START + PAGE_SIZE),
                                     PTE_R | PTE_U, MAP_FRAMED, paddr(0), text, sizeof(text)),
              0);
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "rw", vaddr(RW_START), vaddr(RW_END),
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

static void uaccess_copies_good_pointers(struct ktest *t)
{
    char buffer[8] = "";
    EXPECT_EQ(t, copy_from_user(&user, buffer, RO_START, 6), 0);
    EXPECT_STREQ(t, buffer, "hello");
    /* Across the boundary between the two writable pages, and back. */
    static const char message[] = "spans two pages";
    uint64_t across = RW_START + PAGE_SIZE - 5;
    EXPECT_EQ(t, copy_to_user(&user, across, message, sizeof(message)), 0);
    char back[sizeof(message)] = "";
    EXPECT_EQ(t, copy_from_user(&user, back, across, sizeof(back)), 0);
    EXPECT_STREQ(t, back, message);
    EXPECT_EQ(t, copy_to_user(&user, RW_START, buffer, 0), 0); /* nothing to copy */
}

static void uaccess_rejects_bad_pointers(struct ktest *t)
{
    char buffer[16];
    memset(buffer, 'x', sizeof(buffer));
    EXPECT_EQ(t, copy_from_user(&user, buffer, 0, 1), -EFAULT);                    /* NULL */
    EXPECT_EQ(t, copy_from_user(&user, buffer, RO_START + PAGE_SIZE, 1), -EFAULT); /* unmapped */
    EXPECT_EQ(t, copy_from_user(&user, buffer, (uint64_t)text_start, 4), -EFAULT); /* kernel */
    EXPECT_EQ(t, copy_from_user(&user, buffer, (uint64_t)buffer, 4), -EFAULT); /* kernel stack */
    EXPECT_EQ(t, copy_to_user(&user, RO_START, buffer, 1), -EFAULT);           /* read-only */
    EXPECT_EQ(t, copy_to_user(&user, RW_END - 4, buffer, 8), -EFAULT); /* runs off the end */
    EXPECT_EQ(t, copy_from_user(&user, buffer, RW_START, UINT64_MAX), -EFAULT); /* wraps */
    EXPECT_EQ(t, copy_from_user(&user, buffer, USER_END - 4, 4), -EFAULT);
    /*
     * The copy that ran off the end stopped at the page it may not touch:
     * the bytes before that page went (as in Linux, a failed read() may
     * have filled part of its buffer), and the kernel did not fault.
     */
    char tail[4] = "abc";
    EXPECT_EQ(t, copy_from_user(&user, tail, RW_END - 4, 4), 0);
    EXPECT_EQ(t, memcmp(tail, "xxxx", 4), 0);
}

/*
 * A PROT_NONE page lacks U but not R, so the kernel could read it with no
 * fault at all: once a set has one, copies walk the page table first. The
 * page here sits right after the writable pages, holding a secret; a copy
 * that reaches into it, from either side, fails and moves no byte of it.
 */
#define NONE_START RW_END
static void uaccess_refuses_prot_none_pages(struct ktest *t)
{
    static const char secret[] = "secret";
    ASSERT_EQ(t,
              memory_set_add_segment(&user, "none", vaddr(NONE_START),
                                     vaddr(NONE_START + PAGE_SIZE), PTE_U, MAP_FRAMED, paddr(0),
                                     secret, sizeof(secret)),
              0);
    char buffer[16];
    memset(buffer, 'x', sizeof(buffer));
    EXPECT_EQ(t, copy_from_user(&user, buffer, NONE_START, sizeof(secret)), -EFAULT);
    EXPECT_EQ(t, copy_from_user(&user, buffer, NONE_START - 4, 8), -EFAULT); /* its last page */
    EXPECT_EQ(t, memchr(buffer, 's', sizeof(buffer)), NULL);
    EXPECT_EQ(t, copy_to_user(&user, NONE_START - 4, "overwrite", 9), -EFAULT);
    EXPECT_EQ(t, string_from_user(&user, buffer, NONE_START, sizeof(buffer)), -EFAULT);
    /* The pages before it still copy, up to its edge and not over it. */
    EXPECT_EQ(t, copy_to_user(&user, NONE_START - 4, "edge", 4), 0);
    EXPECT_EQ(t, copy_from_user(&user, buffer, NONE_START - 4, 4), 0);
    EXPECT_EQ(t, memcmp(buffer, "edge", 4), 0);
    EXPECT_EQ(t, copy_to_user(&user, RW_START, "fine", 5), 0);
    EXPECT_EQ(t, copy_from_user(&user, buffer, RW_START, 5), 0);
    EXPECT_STREQ(t, buffer, "fine");
}

static void uaccess_copies_strings(struct ktest *t)
{
    char name[32];
    EXPECT_EQ(t, string_from_user(&user, name, RO_START, sizeof(name)), 5);
    EXPECT_STREQ(t, name, "hello");
    EXPECT_EQ(t, string_from_user(&user, name, RO_START, 4), -ENAMETOOLONG);
    EXPECT_EQ(t, name[3], '\0'); /* still terminated */
    EXPECT_EQ(t, string_from_user(&user, name, 0, sizeof(name)), -EFAULT);
    /* A string whose NUL is the last byte of the mapped range is fine... */
    EXPECT_EQ(t, copy_to_user(&user, RW_END - 3, "ab", 3), 0);
    EXPECT_EQ(t, string_from_user(&user, name, RW_END - 3, sizeof(name)), 2);
    EXPECT_STREQ(t, name, "ab");
    /* ...but one that runs into the unmapped page after it is not. */
    EXPECT_EQ(t, copy_to_user(&user, RW_END - 3, "abc", 3), 0);
    EXPECT_EQ(t, string_from_user(&user, name, RW_END - 3, sizeof(name)), -EFAULT);
}

/*
 * sstatus.SUM opens the user half to the kernel: it must be set only for the
 * copy itself. Left set, a stray kernel access to a user address succeeds
 * silently instead of faulting. Every helper, on success and on -EFAULT.
 */
static void uaccess_leaves_sum_clear(struct ktest *t)
{
    char buffer[8] = "";
    ASSERT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
    EXPECT_EQ(t, copy_to_user(&user, RW_START, "data", 5), 0);
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
    EXPECT_EQ(t, copy_from_user(&user, buffer, RW_START, 5), 0);
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
    EXPECT_EQ(t, string_from_user(&user, buffer, RO_START, sizeof(buffer)), 5);
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
    EXPECT_EQ(t, string_from_user(&user, buffer, RO_START, 3), -ENAMETOOLONG);
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
    EXPECT_EQ(t, copy_to_user(&user, RO_START, buffer, 1), -EFAULT);
    EXPECT_EQ(t, csr_read(sstatus) & SSTATUS_SUM, 0u);
}

static const struct ktest_case uaccess_cases[] = {
    KTEST_CASE(uaccess_copies_good_pointers),    KTEST_CASE(uaccess_rejects_bad_pointers),
    KTEST_CASE(uaccess_refuses_prot_none_pages), KTEST_CASE(uaccess_copies_strings),
    KTEST_CASE(uaccess_leaves_sum_clear),        {0},
};

KTEST_SUITE_HOOKS(uaccess, uaccess_cases, set_up, tear_down);
