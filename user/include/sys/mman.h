/*
 * sys/mman.h: mapping memory. The kernel supports anonymous private
 * mappings: fresh zeroed pages, not shared with anyone (not even after fork).
 */
#ifndef SYS_MMAN_H
#define SYS_MMAN_H

#include <stddef.h>
#include "abi/mman.h"
#include <sys/types.h>

#define MAP_FAILED ((void *)-1)

/* mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) */
void *mmap(void *address, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *address, size_t length);
int mprotect(void *address, size_t length, int prot);

#endif
