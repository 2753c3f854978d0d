/*
 * loader.h: turning an ELF file and an argument list into a user address
 * space that is ready to run.
 *
 * loader_load_image() checks the ELF (exec/elf.h), builds a fresh MemorySet
 * with one Framed segment per PT_LOAD segment (U plus the segment's own
 * R/W/X), a user stack with an unmapped guard page below it, and the
 * arguments on that stack as crt0 expects them (user/lib/crt0.S):
 *
 *     USER_STACK_TOP  +----------------------------+
 *                     | 8 zero bytes (end marker)  |
 *                     | AT_EXECFN's path string    |
 *                     | envp strings, argv strings |   contiguous, in order
 *                     | 16 random bytes            |   AT_RANDOM
 *                     | (padding to 16 bytes)      |
 *                     | auxv pairs ... AT_NULL, 0  |
 *                     | envp[0..envc-1], NULL      |
 *                     | argv[0..argc-1], NULL      |
 *     sp  ----------> | argc                       |   16-byte aligned
 *                     |   ... the rest of the      |
 *                     |   stack, USER_STACK_SIZE   |
 *                     +----------------------------+
 *                     | room to grow: a fault here |
 *                     | moves the stack's start    |
 *                     | down, to USER_STACK_MAX    |
 *                     +----------------------------+
 *                     | guard gap, never mapped by |
 *                     | mmap's own choice          |
 *
 * That is the RISC-V Linux ABI's initial stack (docs/linux-abi.md draws
 * it with the auxiliary vector's entries), so static glibc programs start
 * as they do on Linux, and crt0 finds argc, argv and envp where it looks.
 *
 * Every page is demand-zero (mm/memory_set.h): only the pages written here
 * and the ones the program touches get frames.
 *
 * Nothing is half-built on failure: the set is destroyed and every frame
 * returned before the error comes back.
 */
#ifndef EXEC_LOADER_H
#define EXEC_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "mm/memory_set.h"

#define USER_STACK_TOP  0x3ffffff000ull /* one page below the end of the user half */
#define USER_MMAP_BASE  0x2000000000ull /* anonymous mmap looks for room from here */
#define USER_STACK_SIZE (64 * 1024)     /* the stack segment at exec; it grows on faults */
#define USER_STACK_MAX  MEMORY_SET_STACK_MAX
/* The lowest address of the stack's area and its guard gap: programs and mmap stay below. */
#define USER_STACK_AREA_BOTTOM (USER_STACK_TOP - USER_STACK_MAX - MEMORY_SET_STACK_GAP)
#define USER_ARGS_MAX          4096 /* bytes of argv's strings and pointers, at most; envp's too */
#define USER_ARGC_MAX          64
/* The whole block: argv, envp, auxv, the random bytes, the path and the padding. */
#define USER_STACK_BLOCK_MAX (3 * USER_ARGS_MAX)

/* Where a loaded program starts, and where its heap (brk) begins. */
struct user_image {
    uint64_t entry;
    uint64_t stack_pointer;
    uint64_t brk_start;    /* page-aligned, just above the highest segment */
    uint64_t stack_bottom; /* the stack segment's start at exec; it may grow below */
};

/* What a new program finds on its stack (kernel memory, copied by the loader). */
struct loader_arguments {
    int argc;
    const char *const *argv;
    int envc; /* 0: an empty environment (envp may then be NULL) */
    const char *const *envp;
    const char *execfn; /* the path given to execve, for AT_EXECFN; NULL: argv[0] or "" */
};

/*
 * Load `elf` (size bytes) into `set`, which this initialises, with the
 * arguments, environment and auxiliary vector of `args`. Returns 0,
 * -ENOEXEC (bad ELF; the reason is logged with `name`), -E2BIG (argv or
 * envp over USER_ARGS_MAX, or argc over USER_ARGC_MAX) or -ENOMEM.
 */
int loader_load(struct memory_set *set, const char *name, const void *elf, size_t size,
                const struct loader_arguments *args, struct user_image *image);

/* loader_load with argc strings from argv and an empty environment. */
int loader_load_image(struct memory_set *set, const char *name, const void *elf, size_t size,
                      int argc, const char *const argv[], struct user_image *image);

#endif
