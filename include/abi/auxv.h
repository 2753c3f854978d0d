/*
 * auxv.h: the auxiliary vector's entry types (<linux/auxvec.h>), the
 * {type, value} pairs after envp on a new program's stack that tell it
 * what the kernel knows: where its program headers are, the page size,
 * where 16 random bytes lie. docs/linux-abi.md has the table.
 */
#ifndef ABI_AUXV_H
#define ABI_AUXV_H

#define AT_NULL   0  /* the end of the vector */
#define AT_PHDR   3  /* the program headers, in memory */
#define AT_PHENT  4  /* the size of one */
#define AT_PHNUM  5  /* how many */
#define AT_PAGESZ 6  /* the page size */
#define AT_BASE   7  /* the interpreter's load address: 0, none */
#define AT_FLAGS  8  /* 0 */
#define AT_ENTRY  9  /* the program's entry point */
#define AT_UID    11 /* real user id */
#define AT_EUID   12 /* effective user id */
#define AT_GID    13 /* real group id */
#define AT_EGID   14 /* effective group id */
#define AT_HWCAP  16 /* single-letter ISA extensions: bit (letter - 'a') */
#define AT_CLKTCK 17 /* ticks per second of times(2) */
#define AT_SECURE 23 /* 1: a setuid-like program */
#define AT_RANDOM 25 /* the address of 16 random bytes */
#define AT_EXECFN 31 /* the address of the path given to execve */

/* AT_HWCAP of rv64imafdc, as Linux reports it: I M A F D C. */
#define AUXV_HWCAP_RV64IMAFDC                                                                      \
    ((1ul << ('i' - 'a')) | (1ul << ('m' - 'a')) | (1ul << ('a' - 'a')) | (1ul << ('f' - 'a')) |   \
     (1ul << ('d' - 'a')) | (1ul << ('c' - 'a')))

/* times(2)'s clock ticks per second (USER_HZ on Linux), whatever the kernel's own HZ. */
#define AUXV_CLOCK_TICKS 100

#endif
