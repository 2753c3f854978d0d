/*
 * heap_design.h: heaps as values, and the interface each heap design implements.
 *
 * A heap is built inside an arena it is given: its own state sits at the
 * arena's start, so a heap needs no memory but its arena. Each design is a
 * struct of operations (as OpenSBI describes a device), and heap_alloc() and
 * friends forward to it. kmalloc uses one heap of the design chosen at build
 * time; tests and benchmarks create heaps of every design on arenas of their
 * own. The code here and in the designs is pure C: the host tests compile it.
 *
 * When a heap runs out it may ask its grower for more memory: a chunk of at
 * least the size asked, aligned to 16 (to 4 KiB for the fixed design). The
 * kernel's grower hands out blocks of frames, which are 2^k pages aligned to
 * their own size, so the buddy design's blocks are aligned to their size.
 */
#ifndef MM_HEAP_HEAP_DESIGN_H
#define MM_HEAP_HEAP_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/heap/heap.h"

/* Larger requests fail at once: they could only be a bug or an overflow. */
#define HEAP_MAX_REQUEST ((size_t)1 << 40)

struct heap;

/* Where a heap gets more memory: a chunk of at least min_bytes, its size in *size. */
struct heap_grower {
    void *(*grow)(void *context, size_t min_bytes, size_t *size);
    void *context;
};

struct heap_design {
    const char *name;
    /* Build a heap inside [arena, arena + size); NULL if it is too small or misaligned. */
    struct heap *(*create)(void *arena, size_t size);
    void *(*alloc)(struct heap *heap, size_t size);
    /* Panics on a pointer that is not a live block of this heap. */
    void (*free)(struct heap *heap, void *block);
    /* How many bytes a live block can hold (krealloc grows within it). */
    size_t (*block_size)(struct heap *heap, void *block);
    /* Optional: grow a live block where it lies; false when it cannot. */
    bool (*resize_in_place)(struct heap *heap, void *block, size_t size);
    /* Optional (NULL: the design never grows): the chunk size that surely
       satisfies `size` once added; 0 when the heap can take no more chunks. */
    size_t (*growth_for)(struct heap *heap, size_t size);
    bool (*add_memory)(struct heap *heap, void *chunk, size_t size);
    void (*stats)(struct heap *heap, struct heap_stats *stats);
};

/* The part every heap starts with; each design's state embeds it first. */
struct heap {
    const struct heap_design *design;
    struct heap_grower grower;
};

extern const struct heap_design heap_design_buddy;
extern const struct heap_design heap_design_bump;
extern const struct heap_design heap_design_list;
extern const struct heap_design heap_design_fixed;

/* All four, in that order, ended by NULL; and one by name ("buddy"), or NULL. */
extern const struct heap_design *const heap_designs[];
const struct heap_design *heap_design_find(const char *name);

/* A heap of `design` in the arena; grower may be NULL (the heap never grows). */
struct heap *heap_create(const struct heap_design *design, void *arena, size_t size,
                         const struct heap_grower *grower);
void *heap_zalloc(struct heap *heap, size_t size);
void *heap_realloc(struct heap *heap, void *block, size_t size);
void heap_get_stats(struct heap *heap, struct heap_stats *stats);

/* What heap_alloc does when the design says NULL, or the size is 0 or absurd. */
void *heap_alloc_slow(struct heap *heap, size_t size);

/*
 * heap_alloc and heap_free are inline: the common case is one indirect call
 * into the design, which matters when a whole pair costs tens of instructions.
 * size - 1 wraps for 0, so one comparison sends both 0 and huge sizes to the
 * slow path.
 */
static inline void *heap_alloc(struct heap *heap, size_t size)
{
    void *block = NULL;
    if (size - 1 < HEAP_MAX_REQUEST)
        block = heap->design->alloc(heap, size);
    if (block == NULL)
        block = heap_alloc_slow(heap, size);
    return block;
}

static inline void heap_free(struct heap *heap, void *block)
{
    if (block != NULL)
        heap->design->free(heap, block);
}

/* ---- For the designs: the address ranges a heap owns ---- */

#define HEAP_MAX_REGIONS 64

/* One arena or grown chunk, with the design's bookkeeping for it. */
struct heap_region {
    uintptr_t base;
    uintptr_t end;
    void *meta;
};

/* Sorted by address, so a pointer's region is found by binary search. */
struct heap_regions {
    struct heap_region table[HEAP_MAX_REGIONS];
    int count;
    struct heap_region *last; /* the region found last time: most lookups hit it */
};

void heap_regions_init(struct heap_regions *regions);
/* Add [base, end); with meta NULL it merges with a region it touches. False when full. */
bool heap_regions_add(struct heap_regions *regions, uintptr_t base, uintptr_t end, void *meta);
bool heap_regions_full(const struct heap_regions *regions);

/* The region holding address p, or NULL. Inline: it is on every free's path. */
struct heap_region *heap_regions_search(struct heap_regions *regions, uintptr_t p);

static inline struct heap_region *heap_regions_find(struct heap_regions *regions, uintptr_t p)
{
    struct heap_region *last = regions->last;
    if (p - last->base < last->end - last->base)
        return last;
    return heap_regions_search(regions, p);
}

/* Round up to a multiple of HEAP_MIN_ALIGN, or to a power of two. */
static inline size_t heap_round_up(size_t size)
{
    return (size + HEAP_MIN_ALIGN - 1) & ~(size_t)(HEAP_MIN_ALIGN - 1);
}

/* The smallest k with 2^k >= size (size >= 2). */
static inline unsigned heap_ceil_log2(size_t size)
{
    return 64 - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
}

/*
 * For sizes up to HEAP_SMALL_LIMIT, a table look-up replaces the loop or the
 * libgcc call behind heap_ceil_log2 (rv64gc has no count-leading-zeros):
 * heap_small_class[(size + 15) / 16] is the smallest c with 16 << c >= size.
 */
#define HEAP_SMALL_LIMIT 2048
extern const uint8_t heap_small_class[HEAP_SMALL_LIMIT / 16 + 1];

#endif
