/*
 * heap_buddy.c: the buddy heap (the kernel's default): power-of-two blocks
 * that split in halves to fit a request and merge back when both halves are free.
 *
 * A block of 2^k bytes starts at an offset from its region's base that is a
 * multiple of 2^k, so its buddy (the other half of the block both came from)
 * is at offset XOR 2^k: one instruction, no search. Freeing merges a block
 * with its buddy for as long as the buddy is free and whole.
 *
 * Nothing is stored in front of a block, so a block is aligned to its own
 * size. What the heap knows sits beside the memory instead: a map with one
 * byte per 16-byte granule of each region,
 *     bits 7..6  FREE (a free block starts here) or USED (a live block does)
 *     bits 5..0  the block's order k (its size is 2^k bytes)
 * and zero inside blocks and bookkeeping. The map costs 1/16 of the region.
 * Free blocks hold their own free-list links, which is why the smallest block
 * is 16 bytes.
 */
#include "mm/heap/heap_design.h"

#include "console/panic.h"
#include "lib/string.h"

#define BUDDY_MIN_ORDER     4 /* 16 bytes: two free-list links */
#define BUDDY_MAX_ORDER     40
#define BUDDY_GRANULE_SHIFT 4

#define MAP_FREE  0x40
#define MAP_USED  0x80
#define MAP_STATE 0xc0
#define MAP_ORDER 0x3f

/* A free block's first bytes. */
struct buddy_node {
    struct buddy_node *next;
    struct buddy_node *prev;
};

struct buddy_heap {
    struct heap base;
    struct buddy_node *free_lists[BUDDY_MAX_ORDER + 1];
    struct heap_regions regions; /* each region's meta is its map */
    size_t total_bytes;
    size_t live_blocks;
};

static struct buddy_heap *as_buddy(struct heap *heap)
{
    return (struct buddy_heap *)heap;
}

static size_t order_for(size_t size)
{
    if (size <= HEAP_SMALL_LIMIT)
        return BUDDY_MIN_ORDER + heap_small_class[(size + 15) >> 4];
    return heap_ceil_log2(size);
}

static void push(struct buddy_heap *b, uint8_t *map, uintptr_t base, uintptr_t offset, size_t order)
{
    struct buddy_node *node = (struct buddy_node *)(base + offset);
    node->prev = NULL;
    node->next = b->free_lists[order];
    if (node->next != NULL)
        node->next->prev = node;
    b->free_lists[order] = node;
    map[offset >> BUDDY_GRANULE_SHIFT] = (uint8_t)(MAP_FREE | order);
}

static void unlink(struct buddy_heap *b, struct buddy_node *node, size_t order)
{
    if (node->prev != NULL)
        node->prev->next = node->next;
    else
        b->free_lists[order] = node->next;
    if (node->next != NULL)
        node->next->prev = node->prev;
}

/* Lay [offset, end) of a region out as the largest aligned blocks that fit. */
static void add_free_range(struct buddy_heap *b, struct heap_region *region, uintptr_t offset,
                           uintptr_t end)
{
    while (end - offset >= (1u << BUDDY_MIN_ORDER)) {
        unsigned order = BUDDY_MIN_ORDER;
        while (order < BUDDY_MAX_ORDER && (offset & ((uintptr_t)1 << order)) == 0 &&
               offset + ((uintptr_t)2 << order) <= end)
            order++;
        push(b, region->meta, region->base, offset, order);
        offset += (uintptr_t)1 << order;
    }
}

/*
 * Make [base, base + size) a region: its map goes first, after `reserved`
 * bytes (the heap's own state, in the first region), and the rest is free.
 */
static bool add_region(struct buddy_heap *b, uintptr_t base, size_t size, size_t reserved)
{
    size_t map_bytes = size >> BUDDY_GRANULE_SHIFT;
    size_t prefix = heap_round_up(reserved + map_bytes);
    if (prefix + (1u << BUDDY_MIN_ORDER) > size || heap_regions_full(&b->regions))
        return false;
    uint8_t *map = (uint8_t *)(base + reserved);
    memset(map, 0, map_bytes);
    heap_regions_add(&b->regions, base, base + size, map);
    b->total_bytes += size;
    add_free_range(b, heap_regions_find(&b->regions, base), prefix, size);
    return true;
}

static struct heap *buddy_create(void *arena, size_t size)
{
    uintptr_t base = (uintptr_t)arena;
    if ((base & (HEAP_MIN_ALIGN - 1)) != 0 || size < 4096)
        return NULL;
    size &= ~(size_t)(HEAP_MIN_ALIGN - 1);
    struct buddy_heap *b = arena;
    memset(b, 0, sizeof(*b));
    heap_regions_init(&b->regions);
    if (!add_region(b, base, size, heap_round_up(sizeof(*b))))
        return NULL;
    return &b->base;
}

/* The slow path of alloc: take a larger block and split it down to `order`. */
static __attribute__((noinline)) void *alloc_split(struct buddy_heap *b, size_t order)
{
    struct buddy_node *block;
    /* LAB 3 BEGIN: heap_buddy_split */
    size_t found = order;
    while (found <= BUDDY_MAX_ORDER && b->free_lists[found] == NULL)
        found++;
    if (found > BUDDY_MAX_ORDER)
        return NULL;
    block = b->free_lists[found];
    unlink(b, block, found);
    struct heap_region *region = heap_regions_find(&b->regions, (uintptr_t)block);
    uint8_t *map = region->meta;
    uintptr_t offset = (uintptr_t)block - region->base;
    /* Split: keep the lower half, free the upper half, until the block fits. */
    while (found > order) {
        found--;
        push(b, map, region->base, offset + ((uintptr_t)1 << found), found);
    }
    map[offset >> BUDDY_GRANULE_SHIFT] = (uint8_t)(MAP_USED | order);
    /* LAB 3 END: heap_buddy_split */
    b->live_blocks++;
    return block;
}

/* The fast path: a free block of exactly the right order, in the region used last. */
static void *buddy_alloc(struct heap *heap, size_t size)
{
    struct buddy_heap *b = as_buddy(heap);
    size_t order = order_for(size);
    if (order <= BUDDY_MAX_ORDER) {
        struct buddy_node *block = b->free_lists[order];
        struct heap_region *region = b->regions.last;
        uintptr_t offset = (uintptr_t)block - region->base;
        if (block != NULL && offset < region->end - region->base) {
            b->free_lists[order] = block->next;
            if (block->next != NULL)
                block->next->prev = NULL;
            ((uint8_t *)region->meta)[offset >> BUDDY_GRANULE_SHIFT] = (uint8_t)(MAP_USED | order);
            b->live_blocks++;
            return block;
        }
    }
    return alloc_split(b, order);
}

/* Not a live block: say what p is instead. */
static __attribute__((noreturn)) void bad_pointer(struct heap_region *region, void *p)
{
    if (region == NULL)
        panic("kfree(%p): not a pointer this heap gave (outside its memory)", p);
    uintptr_t offset = (uintptr_t)p - region->base;
    if ((offset & ((1u << BUDDY_GRANULE_SHIFT) - 1)) != 0)
        panic("kfree(%p): not the start of a block (misaligned)", p);
    if ((((uint8_t *)region->meta)[offset >> BUDDY_GRANULE_SHIFT] & MAP_STATE) == MAP_FREE)
        panic("kfree(%p): double free (the block is already free)", p);
    panic("kfree(%p): not a live block (freed twice, or never given by this heap)", p);
}

/* The map entry of a live block at p, or a panic that says what p is instead. */
static uint8_t *live_entry(struct buddy_heap *b, void *p, struct heap_region **region_out)
{
    struct heap_region *region = heap_regions_find(&b->regions, (uintptr_t)p);
    if (region == NULL)
        bad_pointer(NULL, p);
    uintptr_t offset = (uintptr_t)p - region->base;
    uint8_t *entry = (uint8_t *)region->meta + (offset >> BUDDY_GRANULE_SHIFT);
    if ((offset & ((1u << BUDDY_GRANULE_SHIFT) - 1)) != 0 || (*entry & MAP_STATE) != MAP_USED)
        bad_pointer(region, p);
    *region_out = region;
    return entry;
}

/* The slow path of free: find and check p from scratch, then merge while the buddy is free. */
static __attribute__((noinline)) void free_merge(struct buddy_heap *b, void *p)
{
    struct heap_region *region;
    uint8_t *entry = live_entry(b, p, &region);
    size_t order = *entry & MAP_ORDER;
    *entry = 0;
    b->live_blocks--;
    uint8_t *map = region->meta;
    uintptr_t offset = (uintptr_t)p - region->base;
    uintptr_t size = region->end - region->base;
    /* LAB 3 BEGIN: heap_buddy_merge */
    for (;;) {
        uintptr_t buddy = offset ^ ((uintptr_t)1 << order);
        if (buddy >= size || map[buddy >> BUDDY_GRANULE_SHIFT] != (MAP_FREE | order))
            break;
        unlink(b, (struct buddy_node *)(region->base + buddy), order);
        map[buddy >> BUDDY_GRANULE_SHIFT] = 0;
        offset &= ~((uintptr_t)1 << order); /* the merged block starts at the lower half */
        order++;
    }
    /* LAB 3 END: heap_buddy_merge */
    push(b, map, region->base, offset, order);
}

/* The fast path: a live block in the region used last, whose buddy is not free. */
static void buddy_free(struct heap *heap, void *p)
{
    struct buddy_heap *b = as_buddy(heap);
    struct heap_region *region = b->regions.last;
    uintptr_t offset = (uintptr_t)p - region->base;
    uintptr_t size = region->end - region->base;
    if (offset < size && (offset & ((1u << BUDDY_GRANULE_SHIFT) - 1)) == 0) {
        uint8_t *map = region->meta;
        size_t entry = map[offset >> BUDDY_GRANULE_SHIFT];
        size_t order = entry & MAP_ORDER;
        uintptr_t buddy = offset ^ ((uintptr_t)1 << order);
        if ((entry & MAP_STATE) == MAP_USED &&
            (buddy >= size || map[buddy >> BUDDY_GRANULE_SHIFT] != (MAP_FREE | order))) {
            map[offset >> BUDDY_GRANULE_SHIFT] = 0;
            b->live_blocks--;
            push(b, map, region->base, offset, order);
            return;
        }
    }
    free_merge(b, p);
}

static size_t buddy_block_size(struct heap *heap, void *p)
{
    struct heap_region *region;
    return (size_t)1 << (*live_entry(as_buddy(heap), p, &region) & MAP_ORDER);
}

/*
 * A region of 2^(k+1) bytes has a free block of 2^k once its map (1/16 of
 * it) is out of the way: the upper half is untouched.
 */
static size_t buddy_growth_for(struct heap *heap, size_t size)
{
    if (heap_regions_full(&as_buddy(heap)->regions))
        return 0;
    size_t order = order_for(size) + 1;
    return (size_t)1 << (order < 12 ? 12 : order);
}

static bool buddy_add_memory(struct heap *heap, void *chunk, size_t size)
{
    if (((uintptr_t)chunk & (HEAP_MIN_ALIGN - 1)) != 0)
        return false;
    return add_region(as_buddy(heap), (uintptr_t)chunk, size & ~(size_t)(HEAP_MIN_ALIGN - 1), 0);
}

/* Bytes in live blocks: every USED entry of every map (stats are not on a hot path). */
static size_t used_bytes(struct buddy_heap *b)
{
    size_t used = 0;
    for (int i = 0; i < b->regions.count; i++) {
        const struct heap_region *region = &b->regions.table[i];
        const uint8_t *map = region->meta;
        size_t entries = (region->end - region->base) >> BUDDY_GRANULE_SHIFT;
        for (size_t e = 0; e < entries; e++) {
            if ((map[e] & MAP_STATE) == MAP_USED)
                used += (size_t)1 << (map[e] & MAP_ORDER);
        }
    }
    return used;
}

static void buddy_stats(struct heap *heap, struct heap_stats *stats)
{
    struct buddy_heap *b = as_buddy(heap);
    stats->total_bytes = b->total_bytes;
    stats->used_bytes = used_bytes(b);
    stats->free_bytes = 0;
    stats->live_blocks = b->live_blocks;
    stats->largest_free = 0;
    for (int order = BUDDY_MIN_ORDER; order <= BUDDY_MAX_ORDER; order++) {
        for (struct buddy_node *node = b->free_lists[order]; node != NULL; node = node->next) {
            stats->free_bytes += (size_t)1 << order;
            stats->largest_free = (size_t)1 << order;
        }
    }
}

const struct heap_design heap_design_buddy = {
    .name = "buddy",
    .create = buddy_create,
    .alloc = buddy_alloc,
    .free = buddy_free,
    .block_size = buddy_block_size,
    .resize_in_place = NULL,
    .growth_for = buddy_growth_for,
    .add_memory = buddy_add_memory,
    .stats = buddy_stats,
};
