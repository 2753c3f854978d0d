/*
 * heap_list.c: the linked-list heap: one list of free chunks, kept in address
 * order, searched first fit; a freed chunk merges with free neighbours.
 *
 * Keeping the list in address order is what makes merging cheap: a freed
 * chunk's neighbours in memory are its neighbours in the list, so after
 * everything is freed each region is one chunk again. The price is a walk of
 * the list on every alloc and free: O(free chunks), the classic trade.
 *
 * Every chunk starts with its size and a tag: the address of the block that
 * follows the 16-byte header, mixed with LIVE or DEAD. kfree checks the tag,
 * so it can tell a live block from a freed or stray pointer. A free chunk
 * also holds the next free chunk, after the tag, so freeing never erases the
 * DEAD mark that catches a second kfree.
 */
#include "mm/heap/heap_design.h"

#include "console/panic.h"
#include "lib/string.h"

#define LIST_LIVE      0x11571157a11c0000ull
#define LIST_DEAD      0x11571157dead0000ull
#define LIST_HEADER    16
#define LIST_MIN_CHUNK 32 /* a header and the smallest block */

/* The first 16 bytes of every chunk, live or free. */
struct list_header {
    size_t size;  /* the whole chunk, header included */
    uint64_t tag; /* LIST_LIVE or LIST_DEAD, XOR the address after the header */
};

struct list_chunk {
    struct list_header header;
    struct list_chunk *next; /* a free chunk's first byte past the header */
};

struct list_heap {
    struct heap base;
    struct list_chunk *free_list; /* address order */
    struct heap_regions regions;  /* touching regions merge: chunks may span them */
    size_t total_bytes;
    size_t used_bytes;
    size_t live_blocks;
};

static struct list_heap *as_list(struct heap *heap)
{
    return (struct list_heap *)heap;
}

/*
 * Put a chunk in the list at its address, merging with the chunks just
 * before and after it when they touch. An overlap means the chunk was
 * already free: a double free that slipped past the tag.
 */
static void insert_chunk(struct list_heap *l, uintptr_t address, size_t size)
{
    struct list_chunk *prev = NULL;
    struct list_chunk *next = l->free_list;
    while (next != NULL && (uintptr_t)next < address) {
        prev = next;
        next = next->next;
    }
    if ((prev != NULL && (uintptr_t)prev + prev->header.size > address) ||
        (next != NULL && address + size > (uintptr_t)next))
        panic("kfree(%p): the block overlaps a free chunk (double free?)",
              (void *)(address + LIST_HEADER));
    struct list_chunk *chunk = (struct list_chunk *)address;
    chunk->header.size = size;
    chunk->header.tag = LIST_DEAD ^ (address + LIST_HEADER);
    chunk->next = next;
    if (next != NULL && address + size == (uintptr_t)next) {
        chunk->header.size += next->header.size;
        chunk->next = next->next;
    }
    if (prev == NULL) {
        l->free_list = chunk;
    } else if ((uintptr_t)prev + prev->header.size == address) {
        prev->header.size += chunk->header.size;
        prev->next = chunk->next;
    } else {
        prev->next = chunk;
    }
}

static struct heap *list_create(void *arena, size_t size)
{
    uintptr_t base = (uintptr_t)arena;
    size_t state = heap_round_up(sizeof(struct list_heap));
    if ((base & (HEAP_MIN_ALIGN - 1)) != 0 || size < state + 4 * LIST_MIN_CHUNK)
        return NULL;
    size &= ~(size_t)(HEAP_MIN_ALIGN - 1);
    struct list_heap *l = arena;
    l->free_list = NULL;
    heap_regions_init(&l->regions);
    heap_regions_add(&l->regions, base, base + size, NULL);
    l->total_bytes = size;
    l->used_bytes = 0;
    l->live_blocks = 0;
    insert_chunk(l, base + state, size - state);
    return &l->base;
}

static void *list_alloc(struct heap *heap, size_t size)
{
    struct list_heap *l = as_list(heap);
    size_t need = heap_round_up(size) + LIST_HEADER;
    struct list_chunk **link = &l->free_list;
    struct list_chunk *chunk = l->free_list;
    while (chunk != NULL && chunk->header.size < need) {
        link = &chunk->next;
        chunk = chunk->next;
    }
    if (chunk == NULL)
        return NULL;
    if (chunk->header.size - need >= LIST_MIN_CHUNK) {
        /* Split: the tail stays free, in the same place in the list. */
        uintptr_t rest_address = (uintptr_t)chunk + need;
        struct list_chunk *rest = (struct list_chunk *)rest_address;
        rest->header.size = chunk->header.size - need;
        rest->header.tag = LIST_DEAD ^ (rest_address + LIST_HEADER);
        rest->next = chunk->next;
        *link = rest;
    } else {
        need = chunk->header.size; /* too little left to be a chunk: the block takes it all */
        *link = chunk->next;
    }
    struct list_header *header = (struct list_header *)chunk;
    uintptr_t block = (uintptr_t)chunk + LIST_HEADER;
    header->size = need;
    header->tag = LIST_LIVE ^ block;
    l->used_bytes += need;
    l->live_blocks++;
    return (void *)block;
}

/* The header of a live block at p, or a panic that says what p is instead. */
static struct list_header *live_header(struct list_heap *l, void *p)
{
    uintptr_t block = (uintptr_t)p;
    struct heap_region *region = heap_regions_find(&l->regions, block);
    if (region == NULL || block - region->base < LIST_HEADER)
        panic("kfree(%p): not a pointer this heap gave (outside its memory)", p);
    if ((block & (HEAP_MIN_ALIGN - 1)) != 0)
        panic("kfree(%p): not the start of a block (misaligned)", p);
    struct list_header *header = (struct list_header *)(block - LIST_HEADER);
    if (header->tag == (LIST_DEAD ^ block))
        panic("kfree(%p): double free (the block is already free)", p);
    if (header->tag != (LIST_LIVE ^ block) || header->size < LIST_MIN_CHUNK ||
        header->size > region->end - (uintptr_t)header)
        panic("kfree(%p): not the start of a block this heap gave", p);
    return header;
}

static void list_free(struct heap *heap, void *p)
{
    struct list_heap *l = as_list(heap);
    struct list_header *header = live_header(l, p);
    size_t size = header->size;
    /* insert_chunk marks it DEAD; if it merges into its predecessor, these
       bytes stay behind unchanged, and a second kfree still finds DEAD here. */
    l->used_bytes -= size;
    l->live_blocks--;
    insert_chunk(l, (uintptr_t)header, size);
}

static size_t list_block_size(struct heap *heap, void *p)
{
    return live_header(as_list(heap), p)->size - LIST_HEADER;
}

static size_t list_growth_for(struct heap *heap, size_t size)
{
    if (heap_regions_full(&as_list(heap)->regions))
        return 0;
    return heap_round_up(size) + LIST_HEADER + LIST_MIN_CHUNK;
}

static bool list_add_memory(struct heap *heap, void *chunk, size_t size)
{
    struct list_heap *l = as_list(heap);
    uintptr_t base = ((uintptr_t)chunk + HEAP_MIN_ALIGN - 1) & ~(uintptr_t)(HEAP_MIN_ALIGN - 1);
    uintptr_t end = ((uintptr_t)chunk + size) & ~(uintptr_t)(HEAP_MIN_ALIGN - 1);
    if (end <= base || end - base < LIST_MIN_CHUNK)
        return false;
    if (!heap_regions_add(&l->regions, base, end, NULL))
        return false;
    l->total_bytes += end - base;
    insert_chunk(l, base, end - base);
    return true;
}

static void list_stats(struct heap *heap, struct heap_stats *stats)
{
    struct list_heap *l = as_list(heap);
    size_t free_bytes = 0;
    size_t largest = 0;
    for (struct list_chunk *c = l->free_list; c != NULL; c = c->next) {
        free_bytes += c->header.size;
        if (c->header.size > largest)
            largest = c->header.size;
    }
    stats->total_bytes = l->total_bytes;
    stats->used_bytes = l->used_bytes;
    stats->free_bytes = free_bytes;
    stats->largest_free = largest > LIST_HEADER ? largest - LIST_HEADER : 0;
    stats->live_blocks = l->live_blocks;
}

const struct heap_design heap_design_list = {
    .name = "list",
    .create = list_create,
    .alloc = list_alloc,
    .free = list_free,
    .block_size = list_block_size,
    .resize_in_place = NULL,
    .growth_for = list_growth_for,
    .add_memory = list_add_memory,
    .stats = list_stats,
};
