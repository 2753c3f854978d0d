/*
 * heap_design.c: what every heap design shares: growing, realloc, zeroing,
 * and the sorted table of regions the designs use to check pointers.
 *
 * The designs implement only the core (alloc, free, sizes); this file turns
 * a failed alloc into "ask the grower, add the chunk, try once more", so the
 * growth policy is written once.
 */
#include "mm/heap/heap_design.h"

#include "lib/string.h"

/* GNU C range designators: granules 3 and 4 (33..64 bytes) need 64 = 16 << 2. */
const uint8_t heap_small_class[HEAP_SMALL_LIMIT / 16 + 1] = {
    [0 ... 1] = 0,  [2] = 1,         [3 ... 4] = 2,   [5 ... 8] = 3,
    [9 ... 16] = 4, [17 ... 32] = 5, [33 ... 64] = 6, [65 ... 128] = 7,
};

const struct heap_design *const heap_designs[] = {
    &heap_design_buddy, &heap_design_bump, &heap_design_list, &heap_design_fixed, NULL,
};

const struct heap_design *heap_design_find(const char *name)
{
    for (int i = 0; heap_designs[i] != NULL; i++) {
        if (strcmp(heap_designs[i]->name, name) == 0)
            return heap_designs[i];
    }
    return NULL;
}

struct heap *heap_create(const struct heap_design *design, void *arena, size_t size,
                         const struct heap_grower *grower)
{
    struct heap *heap = design->create(arena, size);
    if (heap == NULL)
        return NULL;
    heap->design = design;
    heap->grower = grower != NULL ? *grower : (struct heap_grower){NULL, NULL};
    return heap;
}

/* Ask the grower for a chunk big enough for `size`; true if the heap took one. */
static bool heap_grow(struct heap *heap, size_t size)
{
    const struct heap_design *design = heap->design;
    if (heap->grower.grow == NULL || design->growth_for == NULL)
        return false;
    size_t wanted = design->growth_for(heap, size);
    if (wanted == 0)
        return false;
    size_t got = 0;
    void *chunk = heap->grower.grow(heap->grower.context, wanted, &got);
    return chunk != NULL && design->add_memory(heap, chunk, got);
}

void *heap_alloc_slow(struct heap *heap, size_t size)
{
    if (size > HEAP_MAX_REQUEST)
        return NULL;
    if (size == 0)
        size = 1; /* a unique, minimal block */
    void *block = heap->design->alloc(heap, size);
    if (block == NULL && heap_grow(heap, size))
        block = heap->design->alloc(heap, size);
    return block;
}

void *heap_zalloc(struct heap *heap, size_t size)
{
    void *block = heap_alloc(heap, size);
    if (block != NULL)
        memset(block, 0, size);
    return block;
}

void *heap_realloc(struct heap *heap, void *block, size_t size)
{
    if (block == NULL)
        return heap_alloc(heap, size);
    if (size == 0) {
        heap_free(heap, block);
        return NULL;
    }
    /* block_size also checks that the block is live: a bad pointer panics here. */
    size_t room = heap->design->block_size(heap, block);
    if (size <= room)
        return block;
    if (heap->design->resize_in_place != NULL && size <= HEAP_MAX_REQUEST &&
        heap->design->resize_in_place(heap, block, size))
        return block;
    void *moved = heap_alloc(heap, size);
    if (moved == NULL)
        return NULL; /* the old block is untouched and still the caller's */
    memcpy(moved, block, room);
    heap_free(heap, block);
    return moved;
}

void heap_get_stats(struct heap *heap, struct heap_stats *stats)
{
    heap->design->stats(heap, stats);
}

/* ---- Regions ---- */

void heap_regions_init(struct heap_regions *regions)
{
    regions->count = 0;
    regions->table[0] = (struct heap_region){0, 0, NULL};
    regions->last = &regions->table[0]; /* empty: matches nothing */
}

bool heap_regions_full(const struct heap_regions *regions)
{
    return regions->count >= HEAP_MAX_REGIONS;
}

/* Merge region i with the one after it when they touch and neither has bookkeeping. */
static void merge_with_next(struct heap_regions *regions, int i)
{
    struct heap_region *r = &regions->table[i];
    if (i + 1 >= regions->count || r->end != r[1].base || r->meta != NULL || r[1].meta != NULL)
        return;
    r->end = r[1].end;
    for (int j = i + 1; j + 1 < regions->count; j++)
        regions->table[j] = regions->table[j + 1];
    regions->count--;
}

bool heap_regions_add(struct heap_regions *regions, uintptr_t base, uintptr_t end, void *meta)
{
    if (heap_regions_full(regions))
        return false;
    int i = regions->count;
    while (i > 0 && regions->table[i - 1].base > base) {
        regions->table[i] = regions->table[i - 1];
        i--;
    }
    regions->table[i] = (struct heap_region){base, end, meta};
    regions->count++;
    merge_with_next(regions, i);
    if (i > 0)
        merge_with_next(regions, i - 1);
    regions->last = &regions->table[0];
    return true;
}

struct heap_region *heap_regions_search(struct heap_regions *regions, uintptr_t p)
{
    int low = 0;
    int high = regions->count;
    /* The last region whose base is at or below p is the only candidate. */
    while (high - low > 1) {
        int middle = low + (high - low) / 2;
        if (regions->table[middle].base <= p)
            low = middle;
        else
            high = middle;
    }
    if (regions->count == 0 || p < regions->table[low].base || p >= regions->table[low].end)
        return NULL;
    regions->last = &regions->table[low];
    return regions->last;
}
