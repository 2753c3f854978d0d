/*
 * loader_hidden_test.c: lab 8's hidden cases (graded in the course tree and
 * on Gradescope, never in the handout): the argument block for any argc
 * and string lengths, and its limits.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "mm/uaccess.h"
#include "exec/loader.h"
#include "exec/user_program.h"

static const char *const words[] = {"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "", "h"};

static int load(struct memory_set *set, struct user_image *image, int argc, const char *const *argv)
{
    const struct user_program *hello = user_program_find("hello");
    if (hello == NULL)
        return -ENOENT;
    return loader_load_image(set, "hello", hello->elf, hello->size, argc, argv, image);
}

static void loader_hidden_stack_is_aligned_for_any_arguments(struct ktest *t)
{
    for (int argc = 0; argc <= 8; argc++) {
        struct memory_set set;
        struct user_image image;
        ASSERT_EQ(t, load(&set, &image, argc, words), 0);
        EXPECT_EQ(t, image.stack_pointer % 16, 0ul);
        EXPECT_LT(t, image.stack_pointer, (uint64_t)USER_STACK_TOP);
        memory_set_activate(&set);
        uint64_t count = 99;
        EXPECT_EQ(t, copy_from_user(&set, &count, image.stack_pointer, 8), 0);
        EXPECT_EQ(t, count, (uint64_t)argc);
        memory_set_activate(&kernel_memory_set);
        memory_set_destroy(&set);
    }
}

static void loader_hidden_strings_are_terminated_and_in_order(struct ktest *t)
{
    struct memory_set set;
    struct user_image image;
    ASSERT_EQ(t, load(&set, &image, 8, words), 0);
    memory_set_activate(&set);
    uint64_t block[11];
    EXPECT_EQ(t, copy_from_user(&set, block, image.stack_pointer, sizeof(block)), 0);
    EXPECT_EQ(t, block[9], 0ul);  /* argv[8] */
    EXPECT_EQ(t, block[10], 0ul); /* envp[0] */
    for (int i = 0; i < 8; i++) {
        char text[16] = "";
        EXPECT_EQ(t, string_from_user(&set, text, block[1 + i], sizeof(text)),
                  (long)strlen(words[i]));
        EXPECT_STREQ(t, text, words[i]);
        EXPECT_GT(t, block[1 + i], image.stack_pointer); /* above the pointers, on the stack */
        EXPECT_LT(t, block[1 + i], (uint64_t)USER_STACK_TOP);
    }
    memory_set_activate(&kernel_memory_set);
    memory_set_destroy(&set);
}

static void loader_hidden_too_many_or_too_long(struct ktest *t)
{
    struct heap_stats stats;
    heap_kernel_stats(&stats);
    size_t live_before = stats.live_blocks;
    static char long_text[USER_ARGS_MAX];
    memset(long_text, 'x', sizeof(long_text) - 1);
    const char *one_long[] = {long_text};
    struct memory_set set;
    struct user_image image;
    EXPECT_EQ(t, load(&set, &image, 1, one_long), -E2BIG);
    EXPECT_EQ(t, load(&set, &image, -1, words), -E2BIG);
    heap_kernel_stats(&stats);
    EXPECT_EQ(t, stats.live_blocks, live_before);
}

static const struct ktest_case loader_hidden_cases[] = {
    KTEST_CASE(loader_hidden_stack_is_aligned_for_any_arguments),
    KTEST_CASE(loader_hidden_strings_are_terminated_and_in_order),
    KTEST_CASE(loader_hidden_too_many_or_too_long),
    {0},
};
KTEST_SUITE(loader_hidden, loader_hidden_cases);
