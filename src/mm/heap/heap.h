/*
 * heap.h: the kernel heap: kmalloc, kzalloc, krealloc and kfree.
 *
 * Four designs implement it (buddy, bump, linked list, fixed-size blocks; see
 * mm/heap_design.h and docs/heap.md). `make HEAP=...` picks the kernel's, and
 * buddy is the default. The heap starts with a block of frames and grows by
 * taking more from the frame allocator; it never gives them back.
 *
 * Ownership: the caller that kmallocs a block owns it and kfrees it exactly
 * once; passing a block on passes that duty, and a struct that owns blocks
 * says so in its comment. kfree(NULL) does nothing. Freeing a block twice, or
 * a pointer the heap never gave, panics with the address. Running out of
 * memory is not a bug: kmalloc returns NULL and the heap is left intact.
 */
#ifndef MM_HEAP_HEAP_H
#define MM_HEAP_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* Every block is aligned to at least this: the RISC-V psABI's largest scalar alignment. */
#define HEAP_MIN_ALIGN 16

struct heap_stats {
    size_t total_bytes;  /* all memory the heap manages, its bookkeeping included */
    size_t used_bytes;   /* held by live blocks, with their headers and rounding */
    size_t free_bytes;   /* neither live nor bookkeeping (a bump heap cannot reuse all of it) */
    size_t largest_free; /* the largest request that succeeds now without growing */
    size_t live_blocks;  /* blocks allocated and not yet freed */
};

/* Create the kernel heap; after frame_init(). */
void heap_init(void);

/* `size` bytes, or NULL when memory runs out. kmalloc(0) gives a unique minimal block. */
void *kmalloc(size_t size);
/* The same, cleared to zero. */
void *kzalloc(size_t size);
/*
 * Resize a block, keeping its contents up to the smaller size. NULL `block`
 * is kmalloc; size 0 frees and returns NULL. On failure returns NULL and the
 * old block is untouched and still the caller's.
 */
void *krealloc(void *block, size_t size);
void kfree(void *block);

/* The kernel heap's figures, for leak checks and the boot log; and its design's name. */
void heap_kernel_stats(struct heap_stats *stats);
const char *heap_kernel_design(void);

/* How often the heap's lock was found taken by another hart (docs/smp.md). */
uint64_t heap_lock_contention(void);

#endif
