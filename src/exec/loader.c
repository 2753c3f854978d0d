/*
 * loader.c: ELF file + arguments -> user MemorySet. See loader.h.
 */
#include "exec/loader.h"

#include "abi/signal.h"
#include "abi/syscall_nr.h"

#include "console/console.h"
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
 * Lay out argc, argv, envp and auxv at the top of the stack (loader.h).
 * Everything is built in a kernel buffer first, then written in one go.
 */
static int push_arguments(struct memory_set *set, int argc, const char *const argv[],
                          uint64_t *stack_pointer)
{
    /* LAB 8 BEGIN: push_arguments */
    if (argc < 0 || argc > USER_ARGC_MAX)
        return -E2BIG;
    size_t strings = 0;
    for (int i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    /* argc, argv[argc + 1], envp NULL, auxv pair: (argc + 5) words. */
    size_t words = (size_t)argc + 5;
    size_t total = words * 8 + strings;
    total = (total + 15) & ~(size_t)15;
    if (total > USER_ARGS_MAX)
        return -E2BIG;

    uint64_t base = USER_STACK_TOP - total; /* 16-byte aligned: USER_STACK_TOP is */
    uint8_t *block = kzalloc(total);
    if (block == NULL)
        return -ENOMEM;
    uint64_t *word = (uint64_t *)block;
    uint64_t string_at = base + words * 8;
    word[0] = (uint64_t)argc;
    for (int i = 0; i < argc; i++) {
        size_t length = strlen(argv[i]) + 1;
        word[1 + i] = string_at;
        memcpy(block + (string_at - base), argv[i], length);
        string_at += length;
    }
    /* argv[argc], envp[0] and auxv {AT_NULL, 0} are zeros already: kzalloc. */
    int error = memory_set_write(set, base, block, total);
    kfree(block);
    if (error != 0)
        return -ENOMEM;
    *stack_pointer = base;
    return 0;
    /* LAB 8 END: push_arguments */
}

int loader_load_image(struct memory_set *set, const char *name, const void *elf, size_t size,
                      int argc, const char *const argv[], struct user_image *image)
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
        error = push_arguments(set, argc, argv, &image->stack_pointer);
    if (error != 0) {
        memory_set_destroy(set);
        return error;
    }
    image->entry = info.entry;
    image->brk_start = page_round_up(info.end_address);
    image->stack_bottom = USER_STACK_TOP - USER_STACK_SIZE;
    return 0;
}
