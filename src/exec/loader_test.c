/*
 * loader_test.c: every packed program loads into a user MemorySet with the
 * right permissions and the argument block crt0 expects; a broken ELF or
 * too many arguments fail with nothing leaked.
 */
#include "ktest/ktest.h"
#include "abi/auxv.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/frame_check.h"
#include "mm/heap/heap.h"
#include "mm/uaccess.h"
#include "exec/loader.h"
#include "exec/user_program.h"

static uint64_t flags_at(struct memory_set *set, uint64_t va)
{
    struct pt_lookup lookup;
    return pt_translate(&set->mapping, vaddr(va), &lookup) ? lookup.flags | PTE_V : 0;
}

static void loader_loads_every_packed_program(struct ktest *t)
{
    for (size_t i = 0; i < user_program_count; i++) {
        const struct user_program *program = &user_programs[i];
        const char *argv[] = {program->name};
        struct memory_set set;
        struct user_image image;
        ASSERT_EQ(
            t, loader_load_image(&set, program->name, program->elf, program->size, 1, argv, &image),
            0);
        uint64_t entry = flags_at(&set, image.entry);
        EXPECT_EQ(t, entry & (PTE_V | PTE_R | PTE_X | PTE_U | PTE_W),
                  (uint64_t)(PTE_V | PTE_R | PTE_X | PTE_U));
        EXPECT_EQ(t, image.stack_pointer % 16, 0ul);
        EXPECT_EQ(t, image.brk_start % PAGE_SIZE, 0ul);
        /*
         * The stack is a writable segment, demand-zero: only the page of the
         * arguments has a frame; below it is room to grow, not a mapping.
         */
        struct segment *stack = memory_set_find_segment(&set, vaddr(image.stack_bottom));
        ASSERT_NOT_NULL(t, stack);
        EXPECT_TRUE(t, stack->kind == SEGMENT_STACK);
        EXPECT_NE(t, stack->flags & PTE_W, 0ul);
        EXPECT_EQ(t, flags_at(&set, image.stack_bottom - PAGE_SIZE), 0ul);
        EXPECT_NE(t, flags_at(&set, image.stack_pointer) & PTE_W, 0ul);
        memory_set_destroy(&set);
    }
}

static void loader_lays_out_arguments_for_crt0(struct ktest *t)
{
    const struct user_program *echo = user_program_find("echo");
    ASSERT_NOT_NULL(t, echo);
    const char *argv[] = {"echo", "one", "two words"};
    struct memory_set set;
    struct user_image image;
    ASSERT_EQ(t, loader_load_image(&set, "echo", echo->elf, echo->size, 3, argv, &image), 0);
    memory_set_activate(&set);
    uint64_t words[6];
    EXPECT_EQ(t, copy_from_user(&set, words, image.stack_pointer, sizeof(words)), 0);
    EXPECT_EQ(t, words[0], 3ul); /* argc */
    EXPECT_EQ(t, words[4], 0ul); /* argv[argc] */
    EXPECT_EQ(t, words[5], 0ul); /* envp[0] */
    for (int i = 0; i < 3; i++) {
        char text[32];
        EXPECT_EQ(t, string_from_user(&set, text, words[1 + i], sizeof(text)),
                  (long)strlen(argv[i]));
        EXPECT_STREQ(t, text, argv[i]);
    }
    memory_set_activate(&kernel_memory_set);
    memory_set_destroy(&set);
}

/* The value of auxv entry `type` in the block at sp, or `missing`. */
static uint64_t auxv_value(const uint64_t *block, size_t words, size_t auxv_at, uint64_t type,
                           uint64_t missing)
{
    for (size_t i = auxv_at; i + 1 < words && block[i] != AT_NULL; i += 2) {
        if (block[i] == type)
            return block[i + 1];
    }
    return missing;
}

static void loader_lays_out_envp_and_auxv_as_linux(struct ktest *t)
{
    const struct user_program *echo = user_program_find("echo");
    ASSERT_NOT_NULL(t, echo);
    const char *argv[] = {"echo", "hi"};
    const char *envp[] = {"PATH=/bin", "HOME=/"};
    const struct loader_arguments args = {2, argv, 2, envp, "/bin/echo"};
    struct memory_set set;
    struct user_image image;
    ASSERT_EQ(t, loader_load(&set, "echo", echo->elf, echo->size, &args, &image), 0);
    memory_set_activate(&set);
    EXPECT_EQ(t, image.stack_pointer % 16, 0ul);
    uint64_t block[48];
    EXPECT_EQ(t, copy_from_user(&set, block, image.stack_pointer, sizeof(block)), 0);
    EXPECT_EQ(t, block[3], 0ul); /* argv[2] */
    EXPECT_EQ(t, block[6], 0ul); /* envp[2] */
    char text[32];
    EXPECT_EQ(t, string_from_user(&set, text, block[4], sizeof(text)), 9l);
    EXPECT_STREQ(t, text, "PATH=/bin");
    /* The strings are contiguous and in order: envp's follow argv's directly. */
    EXPECT_EQ(t, block[4], block[2] + 3);
    EXPECT_EQ(t, block[5], block[4] + 10);
    EXPECT_EQ(t, auxv_value(block, 48, 7, AT_PAGESZ, 0), (uint64_t)PAGE_SIZE);
    EXPECT_EQ(t, auxv_value(block, 48, 7, AT_ENTRY, 0), image.entry);
    EXPECT_EQ(t, auxv_value(block, 48, 7, AT_PHENT, 0), 56ul);
    EXPECT_EQ(t, auxv_value(block, 48, 7, AT_HWCAP, 0), 0x112dul);
    EXPECT_EQ(t, auxv_value(block, 48, 7, AT_UID, 1), 0ul);
    /* Our programs' segments leave the headers out (then 0); glibc's map them (the
       auxv case of tests/system/test_linux.py checks 0x10040). */
    uint64_t phdr = auxv_value(block, 48, 7, AT_PHDR, 1);
    uint32_t type = 1;
    if (phdr != 0)
        EXPECT_EQ(t, copy_from_user(&set, &type, phdr, sizeof(type)), 0);
    EXPECT_NE(t, type, 0u); /* PT_LOAD is 1; no header has type 0 in a program of ours */
    uint64_t execfn = auxv_value(block, 48, 7, AT_EXECFN, 0);
    EXPECT_EQ(t, string_from_user(&set, text, execfn, sizeof(text)), 9l);
    EXPECT_STREQ(t, text, "/bin/echo");
    uint64_t random_at = auxv_value(block, 48, 7, AT_RANDOM, 0);
    /* Between the vectors (argc, argv 3, envp 3, auxv 34 words) and the strings. */
    EXPECT_GT(t, random_at + 1, image.stack_pointer + 41 * 8);
    EXPECT_LT(t, random_at + 16, block[1] + 1);
    memory_set_activate(&kernel_memory_set);
    memory_set_destroy(&set);
}

static void loader_refuses_bad_input_and_leaks_nothing(struct ktest *t)
{
    const struct user_program *hello = user_program_find("hello");
    ASSERT_NOT_NULL(t, hello);
    const char *argv[] = {"hello"};
    struct memory_set set;
    struct user_image image;
    size_t heap_before = 0;
    struct heap_stats stats;
    heap_kernel_stats(&stats);
    heap_before = stats.live_blocks;
    /* Truncated: the program headers lie past the end. */
    EXPECT_EQ(t, loader_load_image(&set, "cut", hello->elf, 100, 1, argv, &image), -ENOEXEC);
    /* Not an ELF at all. */
    uint8_t *copy = kmalloc(hello->size);
    ASSERT_NOT_NULL(t, copy);
    memcpy(copy, hello->elf, hello->size);
    copy[1] = 'X';
    EXPECT_EQ(t, loader_load_image(&set, "bad", copy, hello->size, 1, argv, &image), -ENOEXEC);
    kfree(copy);
    /* Too many arguments for the argument block. */
    static const char *many[USER_ARGC_MAX + 1];
    for (int i = 0; i <= USER_ARGC_MAX; i++)
        many[i] = "x";
    EXPECT_EQ(
        t,
        loader_load_image(&set, "hello", hello->elf, hello->size, USER_ARGC_MAX + 1, many, &image),
        -E2BIG);
    heap_kernel_stats(&stats);
    EXPECT_EQ(t, stats.live_blocks, heap_before);
}

static const struct ktest_case loader_cases[] = {
    KTEST_CASE(loader_loads_every_packed_program),
    KTEST_CASE(loader_lays_out_arguments_for_crt0),
    KTEST_CASE(loader_lays_out_envp_and_auxv_as_linux),
    KTEST_CASE(loader_refuses_bad_input_and_leaks_nothing),
    {0},
};

KTEST_SUITE_HOOKS(loader, loader_cases, frame_check_remember, frame_check_expect_back);
