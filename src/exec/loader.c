/*
 * loader.c: ELF file + arguments -> user MemorySet. See loader.h.
 */
#include "exec/loader.h"

#include "abi/auxv.h"
#include "abi/signal.h"
#include "abi/syscall_nr.h"

#include "console/console.h"
#include "dev/random.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "exec/elf.h"

static uint64_t segment_flags(const struct elf_segment *segment)
{
    uint64_t flags = PTE_U;
    if (segment->readable)
        flags |= PTE_R;
    if (segment->writable)
        flags |= PTE_W;
    if (segment->executable)
        flags |= PTE_X;
    return flags;
}

/* Map every PT_LOAD segment and fill it: file bytes first, zeros after (bss). */
static int load_segments(struct memory_set *set, const struct elf_info *info)
{
    size_t cursor = 0;
    struct elf_segment segment;
    while (elf_next_segment(info, &cursor, &segment)) {
        uint64_t start = page_round_down(segment.vaddr);
        uint64_t end = page_round_up(segment.vaddr + segment.memsz);
        /* elf_check guarantees the pages do not overlap and W and X never meet. */
        int error = memory_set_add_segment(set,
                                           segment.writable     ? "data"
                                           : segment.executable ? "text"
                                                                : "rodata",
                                           vaddr(start), vaddr(end), segment_flags(&segment),
                                           MAP_FRAMED, paddr(0), NULL, 0);
        if (error != 0)
            return error;
        /* Frames come zeroed, so only the file's bytes need copying. */
        if (memory_set_write(set, segment.vaddr, segment.data, segment.filesz) != 0)
            return -ENOMEM;
    }
    return 0;
}

/* Where the program headers are in memory: inside the PT_LOAD that holds them in the file. */
static uint64_t program_headers_address(const struct elf_info *info)
{
    size_t cursor = 0;
    struct elf_segment segment;
    while (elf_next_segment(info, &cursor, &segment)) {
        uint64_t offset = (uint64_t)(segment.data - info->image);
        if (info->phoff >= offset && info->phoff < offset + segment.filesz)
            return segment.vaddr + (info->phoff - offset);
    }
    return 0; /* not loaded: glibc then finds no PT_TLS, which a static program needs */
}

#define AUXV_WORDS (2 * 17) /* the pairs auxv_fill writes, AT_NULL's included */

/* The auxiliary vector (abi/auxv.h): what a program's start-up code asks of the kernel. */
static void auxv_fill(uint64_t *pairs, const struct elf_info *info, uint64_t random_at,
                      uint64_t execfn_at)
{
    const uint64_t entries[AUXV_WORDS / 2][2] = {
        {AT_PHDR, program_headers_address(info)},
        {AT_PHENT, 56}, /* sizeof(Elf64_Phdr): elf_check accepts no other */
        {AT_PHNUM, info->phnum},
        {AT_PAGESZ, PAGE_SIZE},
        {AT_BASE, 0}, /* no interpreter: static programs only */
        {AT_FLAGS, 0},
        {AT_ENTRY, info->entry},
        {AT_UID, 0}, /* everyone is root here */
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_HWCAP, AUXV_HWCAP_RV64IMAFDC},
        {AT_CLKTCK, AUXV_CLOCK_TICKS},
        {AT_SECURE, 0},
        {AT_RANDOM, random_at},
        {AT_EXECFN, execfn_at},
        {AT_NULL, 0},
    };
    memcpy(pairs, entries, sizeof(entries));
}

/* The bytes of `count` strings with their NULs, plus 8 per pointer; -1 if over USER_ARGS_MAX. */
static long strings_size(int count, const char *const strings[])
{
    size_t total = 0;
    for (int i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    if (total + 8 * (size_t)count > USER_ARGS_MAX)
        return -1;
    return (long)total;
}

/*
 * The page a signal handler returns to (abi/signal.h, docs/signals.md): the
 * kernel sets ra to it, and its two instructions call rt_sigreturn. Linux
 * keeps them in the vDSO; here the page above the stack, read and execute.
 */
static int map_signal_trampoline(struct memory_set *set)
{
    static const uint32_t code[] = {
        0x08b00893, /* li   a7, 139   (addi a7, zero, SYS_rt_sigreturn) */
        0x00000073, /* ecall */
    };
    int error = memory_set_add_segment(set, "sigreturn", vaddr(SIGNAL_TRAMPOLINE_ADDRESS),
                                       vaddr(SIGNAL_TRAMPOLINE_ADDRESS + PAGE_SIZE),
                                       PTE_R | PTE_X | PTE_U, MAP_FRAMED, paddr(0), NULL, 0);
    if (error == 0 && memory_set_write(set, SIGNAL_TRAMPOLINE_ADDRESS, code, sizeof(code)) != 0)
        error = -ENOMEM;
    return error;
}

/*
 * Lay out argc, argv, envp, auxv and the strings at the top of the stack
 * as the RISC-V Linux ABI does (loader.h draws it). Everything is built in
 * a kernel buffer first, then written in one go.
 */
static int push_arguments(struct memory_set *set, const struct elf_info *info,
                          const struct loader_arguments *args, uint64_t *stack_pointer)
{
    /* LAB 8 BEGIN: push_arguments */
    int argc = args->argc, envc = args->envc;
    const char *const *argv = args->argv;
    if (argc < 0 || argc > USER_ARGC_MAX || envc < 0 || envc > USER_ARGC_MAX)
        return -E2BIG;
    long argv_bytes = strings_size(argc, argv);
    long envp_bytes = strings_size(envc, args->envp);
    if (argv_bytes < 0 || envp_bytes < 0)
        return -E2BIG;
    const char *execfn = args->execfn != NULL ? args->execfn : argc > 0 ? argv[0] : "";
    /* The strings, execfn's and the 8-byte end marker at the very top. */
    size_t strings = (size_t)(argv_bytes + envp_bytes) + strlen(execfn) + 1 + 8;
    /* argc, argv[argc + 1], envp[envc + 1], the auxv pairs. */
    size_t words = 1 + ((size_t)argc + 1) + ((size_t)envc + 1) + AUXV_WORDS;
    size_t total = words * 8 + 16 + strings; /* 16: AT_RANDOM's bytes */
    total = (total + 15) & ~(size_t)15;
    if (total > USER_STACK_BLOCK_MAX)
        return -E2BIG;

    uint64_t base = USER_STACK_TOP - total; /* 16-byte aligned: USER_STACK_TOP is */
    uint8_t *block = kzalloc(total);
    if (block == NULL)
        return -ENOMEM;
    uint64_t *word = (uint64_t *)block;
    uint64_t string_at = USER_STACK_TOP - strings;
    uint64_t random_at = string_at - 16;
    word[0] = (uint64_t)argc;
    for (int i = 0; i < argc; i++) {
        size_t length = strlen(argv[i]) + 1;
        word[1 + i] = string_at;
        memcpy(block + (string_at - base), argv[i], length);
        string_at += length;
    }
    /* argv[argc] and envp[envc] are zeros already: kzalloc. */
    uint64_t *env_word = word + 1 + argc + 1;
    for (int i = 0; i < envc; i++) {
        size_t length = strlen(args->envp[i]) + 1;
        env_word[i] = string_at;
        memcpy(block + (string_at - base), args->envp[i], length);
        string_at += length;
    }
    memcpy(block + (string_at - base), execfn, strlen(execfn) + 1);
    random_fill(block + (random_at - base), 16);
    auxv_fill(env_word + envc + 1, info, random_at, string_at);
    int error = memory_set_write(set, base, block, total);
    kfree(block);
    if (error != 0)
        return -ENOMEM;
    *stack_pointer = base;
    return 0;
    /* LAB 8 END: push_arguments */
}

int loader_load(struct memory_set *set, const char *name, const void *elf, size_t size,
                const struct loader_arguments *args, struct user_image *image)
{
    struct elf_info info;
    if (elf_check(elf, size, &info) < 0) {
        log_warn("exec %s: not a program this kernel can load: %s (program header %d, "
                 "value 0x%lx)",
                 name, info.error, info.error_segment, info.error_value);
        return -ENOEXEC;
    }
    if (info.end_address > USER_STACK_AREA_BOTTOM) {
        log_warn("exec %s: segments reach the stack area (end 0x%lx)", name, info.end_address);
        return -ENOEXEC;
    }
    int error = memory_set_init_user(set);
    if (error != 0)
        return error;
    error = load_segments(set, &info);
    if (error == 0) {
        /* The stack, demand-zero; it grows down on faults, to USER_STACK_MAX. */
        error = memory_set_add_stack(set, vaddr(USER_STACK_TOP), USER_STACK_SIZE, USER_STACK_MAX);
    }
    if (error == 0)
        error = map_signal_trampoline(set);
    if (error == 0)
        error = push_arguments(set, &info, args, &image->stack_pointer);
    if (error != 0) {
        memory_set_destroy(set);
        return error;
    }
    image->entry = info.entry;
    image->brk_start = page_round_up(info.end_address);
    image->stack_bottom = USER_STACK_TOP - USER_STACK_SIZE;
    return 0;
}

int loader_load_image(struct memory_set *set, const char *name, const void *elf, size_t size,
                      int argc, const char *const argv[], struct user_image *image)
{
    const struct loader_arguments args = {.argc = argc, .argv = argv};
    return loader_load(set, name, elf, size, &args, image);
}
