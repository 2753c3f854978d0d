/*
 * mman.h: mmap's protection bits and flags, with Linux's values.
 */
#ifndef ABI_MMAN_H
#define ABI_MMAN_H

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* The kernel supports MAP_PRIVATE | MAP_ANONYMOUS (with MAP_FIXED). */
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

#endif
