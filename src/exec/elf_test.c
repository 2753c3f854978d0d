/*
 * elf_test.c: the packed user programs, on the target. Every program in the
 * kernel image must pass elf_check, start at its entry in a text segment,
 * and be found by name; a damaged copy must be refused.
 */
#include "console/console.h"
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "exec/elf.h"
#include "exec/user_program.h"

static void elf_packed_programs_exist(struct ktest *t)
{
    /* init and sh are what the kernel starts; the build must always pack them. */
    EXPECT_GE(t, user_program_count, 2ul);
    EXPECT_NOT_NULL(t, user_program_find("init"));
    EXPECT_NOT_NULL(t, user_program_find("sh"));
}

static void elf_every_packed_program_passes_the_check(struct ktest *t)
{
    for (size_t i = 0; i < user_program_count; i++) {
        const struct user_program *program = &user_programs[i];
        struct elf_info info;
        int result = elf_check(program->elf, program->size, &info);
        if (result != 0)
            kprintf("    # %s: elf_check: %s (program header %d, value 0x%lx)\n", program->name,
                    info.error, info.error_segment, info.error_value);
        EXPECT_EQ(t, result, 0);
        EXPECT_GE(t, info.load_count, 1ul);
        EXPECT_GE(t, info.lowest_address, ELF_USER_START);
        EXPECT_LE(t, info.end_address, ELF_USER_END);
    }
}

/* Our programs are linked by user/user.ld: text at 0x10000, entry _start first in it. */
static void elf_segments_follow_the_user_linker_script(struct ktest *t)
{
    const struct user_program *hello = user_program_find("hello");
    ASSERT_NOT_NULL(t, hello);
    struct elf_info info;
    ASSERT_EQ(t, elf_check(hello->elf, hello->size, &info), 0);
    EXPECT_EQ(t, info.entry, 0x10000ul);
    EXPECT_EQ(t, info.lowest_address, 0x10000ul);

    size_t cursor = 0;
    struct elf_segment segment;
    int executable = 0;
    int writable = 0;
    while (elf_next_segment(&info, &cursor, &segment)) {
        EXPECT_FALSE(t, segment.writable && segment.executable);
        EXPECT_LE(t, segment.filesz, segment.memsz);
        EXPECT_EQ(t, segment.vaddr % ELF_PAGE_SIZE, 0ul); /* user.ld starts each on a page */
        EXPECT_TRUE(t, segment.data >= hello->elf &&
                           segment.data + segment.filesz <= hello->elf + hello->size);
        executable += segment.executable;
        writable += segment.writable;
    }
    EXPECT_EQ(t, executable, 1);
    EXPECT_EQ(t, writable, 1);
    EXPECT_FALSE(t, elf_next_segment(&info, &cursor, &segment)); /* stays at the end */
}

static void elf_find_by_exact_name(struct ktest *t)
{
    const struct user_program *hello = user_program_find("hello");
    ASSERT_NOT_NULL(t, hello);
    EXPECT_STREQ(t, hello->name, "hello");
    EXPECT_GT(t, hello->size, 64ul);
    EXPECT_EQ(t,
              memcmp(hello->elf,
                     "\x7f"
                     "ELF",
                     4),
              0);
    EXPECT_NULL(t, user_program_find("no_such_program"));
    EXPECT_NULL(t, user_program_find("hell")); /* a prefix is not a name */
    EXPECT_NULL(t, user_program_find("hello2"));
    EXPECT_NULL(t, user_program_find(""));
    EXPECT_NULL(t, user_program_find(NULL));
}

static void elf_names_are_sorted_and_unique(struct ktest *t)
{
    for (size_t i = 1; i < user_program_count; i++)
        EXPECT_LT(t, strcmp(user_programs[i - 1].name, user_programs[i].name), 0);
}

/* A copy of init with one field broken must be refused, and say why. */
static void elf_damaged_copy_is_refused(struct ktest *t)
{
    const struct user_program *init = user_program_find("init");
    ASSERT_NOT_NULL(t, init);
    uint8_t *copy = kmalloc(init->size);
    ASSERT_NOT_NULL(t, copy);
    struct elf_info info;

    memcpy(copy, init->elf, init->size);
    EXPECT_EQ(t, elf_check(copy, init->size, &info), 0);
    copy[18] = 0x3e; /* e_machine = EM_X86_64 */
    EXPECT_EQ(t, elf_check(copy, init->size, &info), -ENOEXEC);
    EXPECT_NOT_NULL(t, info.error);
    EXPECT_EQ(t, info.error_value, 0x3eul);

    memcpy(copy, init->elf, init->size);
    EXPECT_EQ(t, elf_check(copy, init->size / 2, &info), -ENOEXEC); /* truncated */
    EXPECT_EQ(t, elf_check(copy, 10, &info), -ENOEXEC);
    kfree(copy);
}

static const struct ktest_case elf_cases[] = {
    KTEST_CASE(elf_packed_programs_exist),
    KTEST_CASE(elf_every_packed_program_passes_the_check),
    KTEST_CASE(elf_segments_follow_the_user_linker_script),
    KTEST_CASE(elf_find_by_exact_name),
    KTEST_CASE(elf_names_are_sorted_and_unique),
    KTEST_CASE(elf_damaged_copy_is_refused),
    {0},
};
KTEST_SUITE(elf, elf_cases);
