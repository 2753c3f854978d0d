/*
 * heap_bump.c: the bump heap: allocation moves a pointer forward, and memory
 * comes back only when every block is free.
 *
 * It keeps a count of live blocks. kfree lowers the count and reclaims
 * nothing, until the count reaches zero: then the pointer goes back to the
 * start and the whole arena is free again. Allocation is the cheapest there
 * is; the price is that one long-lived block pins everything allocated after
 * it. It does not grow: more memory would only postpone that.
 *
 * Each block has a 16-byte header, so kfree can tell a live block from a
 * freed one or a stray pointer: the tag word is the block's address mixed
 * with LIVE or DEAD, which a random word in the arena is unlikely to match.
 */
#include "mm/heap/heap_design.h"

#include "console/panic.h"

#define BUMP_LIVE 0xb0b0a11cb0b0a11cull
#define BUMP_DEAD 0xdeadb10cdeadb10cull

struct bump_header {
    size_t size;  /* bytes the block can hold, a multiple of 16 */
    uint64_t tag; /* BUMP_LIVE or BUMP_DEAD, XOR the block's address */
};

struct bump_heap {
    struct heap base;
    uintptr_t start; /* first byte after this struct */
    uintptr_t next;  /* where the next header goes */
    uintptr_t end;
    uintptr_t last; /* the newest block, which can grow in place */
    size_t live_blocks;
};

static struct bump_heap *as_bump(struct heap *heap)
{
    return (struct bump_heap *)heap;
}

static struct heap *bump_create(void *arena, size_t size)
{
    uintptr_t base = (uintptr_t)arena;
    if ((base & (HEAP_MIN_ALIGN - 1)) != 0 || size < 2 * sizeof(struct bump_heap))
        return NULL;
    struct bump_heap *h = arena;
    h->start = base + heap_round_up(sizeof(*h));
    h->next = h->start;
    h->end = (base + size) & ~(uintptr_t)(HEAP_MIN_ALIGN - 1);
    h->last = 0;
    h->live_blocks = 0;
    return &h->base;
}

static void *bump_alloc(struct heap *heap, size_t size)
{
    struct bump_heap *h = as_bump(heap);
    size_t room = heap_round_up(size);
    if (room + sizeof(struct bump_header) > h->end - h->next)
        return NULL;
    struct bump_header *header = (struct bump_header *)h->next;
    uintptr_t block = h->next + sizeof(*header);
    header->size = room;
    header->tag = BUMP_LIVE ^ block;
    h->next = block + room;
    h->last = block;
    h->live_blocks++;
    return (void *)block;
}

/* Not a live block: say what p is instead. */
static __attribute__((noreturn)) void bad_pointer(struct bump_heap *h, void *p)
{
    uintptr_t block = (uintptr_t)p;
    if (block < h->start + sizeof(struct bump_header) || block >= h->next ||
        (block & (HEAP_MIN_ALIGN - 1)) != 0)
        panic("kfree(%p): not a pointer this heap gave (outside its live area)", p);
    if (((struct bump_header *)(block - sizeof(struct bump_header)))->tag == (BUMP_DEAD ^ block))
        panic("kfree(%p): double free (the block is already free)", p);
    panic("kfree(%p): not the start of a block this heap gave", p);
}

/* The header of a live block at p; the tag is read only once p is known to be inside. */
static struct bump_header *live_header(struct bump_heap *h, void *p)
{
    uintptr_t block = (uintptr_t)p;
    uintptr_t first = h->start + sizeof(struct bump_header);
    struct bump_header *header = (struct bump_header *)(block - sizeof(*header));
    if (block - first >= h->next - first || (block & (HEAP_MIN_ALIGN - 1)) != 0 ||
        header->tag != (BUMP_LIVE ^ block))
        bad_pointer(h, p);
    return header;
}

static void bump_free(struct heap *heap, void *p)
{
    struct bump_heap *h = as_bump(heap);
    struct bump_header *header = live_header(h, p);
    header->tag = BUMP_DEAD ^ (uintptr_t)p;
    if (--h->live_blocks == 0) {
        /* The last live block is gone: the whole arena is free again. */
        h->next = h->start;
        h->last = 0;
    }
}

static size_t bump_block_size(struct heap *heap, void *p)
{
    return live_header(as_bump(heap), p)->size;
}

/* The newest block can grow into the untouched space after it. */
static bool bump_resize_in_place(struct heap *heap, void *p, size_t size)
{
    struct bump_heap *h = as_bump(heap);
    struct bump_header *header = live_header(h, p);
    size_t room = heap_round_up(size);
    if ((uintptr_t)p != h->last || room > h->end - (uintptr_t)p)
        return false;
    header->size = room;
    h->next = (uintptr_t)p + room;
    return true;
}

/* Bytes held by live blocks, headers included: walk the blocks from the start. */
static size_t used_bytes(const struct bump_heap *h)
{
    size_t used = 0;
    for (uintptr_t at = h->start; at < h->next;) {
        const struct bump_header *header = (const struct bump_header *)at;
        uintptr_t block = at + sizeof(*header);
        if (header->tag == (BUMP_LIVE ^ block))
            used += sizeof(*header) + header->size;
        at = block + header->size;
    }
    return used;
}

static void bump_stats(struct heap *heap, struct heap_stats *stats)
{
    struct bump_heap *h = as_bump(heap);
    uintptr_t tail = h->end - h->next;
    stats->total_bytes = h->end - (uintptr_t)h;
    stats->used_bytes = used_bytes(h);
    /* Freed blocks count as free bytes, though only a reset can reuse them. */
    stats->free_bytes = (h->end - h->start) - stats->used_bytes;
    stats->largest_free = tail > sizeof(struct bump_header) ? tail - sizeof(struct bump_header) : 0;
    stats->live_blocks = h->live_blocks;
}

const struct heap_design heap_design_bump = {
    .name = "bump",
    .create = bump_create,
    .alloc = bump_alloc,
    .free = bump_free,
    .block_size = bump_block_size,
    .resize_in_place = bump_resize_in_place,
    .growth_for = NULL,
    .add_memory = NULL,
    .stats = bump_stats,
};
