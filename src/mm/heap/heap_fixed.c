/*
 * heap_fixed.c: the fixed-size block heap: one free list per size class
 * (16, 32, ..., 2048 bytes), and a linked-list heap for anything larger.
 *
 * A request is rounded up to its class, and the block comes off that class's
 * list: a table look-up and a pointer pop, the fastest path of the four
 * designs. An empty list is refilled with a fresh 4 KiB page cut into blocks
 * of the class. Pages stay with their class for good, so memory freed in one
 * class cannot serve another: that is the fragmentation this design accepts.
 *
 * Each region (the arena, and chunks from the grower) is 4 KiB aligned and
 * starts with its bookkeeping: one byte per page saying what the page is,
 * POOL (not handed out yet), FALLBACK (the list heap's) or 1 + the class of
 * the blocks cut from it. kfree reads that byte to learn a block's class, so
 * blocks carry no header. The pages after the bookkeeping form the pool that
 * class pages and the fallback heap's chunks are taken from, never returned.
 *
 * A free block holds the next free block and a tag: FIXED_FREE XOR its own
 * address. kfree of a block that already carries the tag is a double free.
 * (A live block is the caller's to fill; it would take exactly that 64-bit
 * value, at that spot, to be mistaken for a free one.)
 */
#include "mm/heap/heap_design.h"

#include "console/panic.h"
#include "lib/string.h"

#define FIXED_PAGE           4096
#define FIXED_PAGE_SHIFT     12
#define FIXED_CLASSES        8                 /* 16 << 0 .. 16 << 7 = 2048 = HEAP_SMALL_LIMIT */
#define FIXED_FALLBACK_CHUNK (16 * FIXED_PAGE) /* the list heap grows by at least this */
#define FIXED_FREE           0xf1eeb10cf1eeb10cull

#define PAGE_POOL     0
#define PAGE_FALLBACK 0xff

/* A free class block. */
struct fixed_block {
    struct fixed_block *next;
    uint64_t tag; /* FIXED_FREE ^ the block's address */
};

/* A region's bookkeeping, at its start; page_kind[] follows it. */
struct fixed_region {
    uintptr_t pool_next; /* pages from here to the region's end were never handed out */
    uint8_t page_kind[];
};

struct fixed_heap {
    struct heap base;
    struct fixed_block *free_lists[FIXED_CLASSES];
    struct heap_regions regions; /* meta: struct fixed_region */
    struct heap *fallback;       /* a list heap over pages from the pool */
    size_t class_pages[FIXED_CLASSES];
    size_t total_bytes;
};

static struct fixed_heap *as_fixed(struct heap *heap)
{
    return (struct fixed_heap *)heap;
}

static size_t class_size(size_t class)
{
    return (size_t)16 << class;
}

/* ---- Regions and their page pool ---- */

static bool add_region(struct fixed_heap *f, uintptr_t base, size_t size, size_t reserved)
{
    size_t pages = size >> FIXED_PAGE_SHIFT;
    struct fixed_region *r = (struct fixed_region *)(base + heap_round_up(reserved));
    uintptr_t pool =
        ((uintptr_t)r->page_kind + pages + FIXED_PAGE - 1) & ~(uintptr_t)(FIXED_PAGE - 1);
    if ((base & (FIXED_PAGE - 1)) != 0 || pool >= base + (pages << FIXED_PAGE_SHIFT) ||
        heap_regions_full(&f->regions))
        return false;
    r->pool_next = pool;
    memset(r->page_kind, PAGE_POOL, pages);
    heap_regions_add(&f->regions, base, base + (pages << FIXED_PAGE_SHIFT), r);
    f->total_bytes += pages << FIXED_PAGE_SHIFT;
    return true;
}

/* Take `count` contiguous pages from some region's pool and mark them `kind`. */
static void *take_pages(struct fixed_heap *f, size_t count, uint8_t kind)
{
    for (int i = 0; i < f->regions.count; i++) {
        struct heap_region *region = &f->regions.table[i];
        struct fixed_region *r = region->meta;
        if ((region->end - r->pool_next) >> FIXED_PAGE_SHIFT < count)
            continue;
        uintptr_t pages = r->pool_next;
        r->pool_next += count << FIXED_PAGE_SHIFT;
        memset(r->page_kind + ((pages - region->base) >> FIXED_PAGE_SHIFT), kind, count);
        return (void *)pages;
    }
    return NULL;
}

/* The fallback heap's grower: chunks of pool pages, at least FIXED_FALLBACK_CHUNK when possible. */
static void *grow_fallback(void *context, size_t min_bytes, size_t *size)
{
    struct fixed_heap *f = context;
    size_t need = (min_bytes + FIXED_PAGE - 1) >> FIXED_PAGE_SHIFT;
    size_t want =
        need * FIXED_PAGE < FIXED_FALLBACK_CHUNK ? FIXED_FALLBACK_CHUNK / FIXED_PAGE : need;
    void *chunk = take_pages(f, want, PAGE_FALLBACK);
    if (chunk == NULL && want > need) {
        want = need;
        chunk = take_pages(f, want, PAGE_FALLBACK);
    }
    *size = want << FIXED_PAGE_SHIFT;
    return chunk;
}

/* ---- Class blocks ---- */

static void push_free(struct fixed_heap *f, size_t class, struct fixed_block *block)
{
    block->next = f->free_lists[class];
    block->tag = FIXED_FREE ^ (uintptr_t)block;
    f->free_lists[class] = block;
}

/* The slow path of alloc: cut a fresh pool page into blocks of `class`, then take one. */
static __attribute__((noinline)) void *refill_and_alloc(struct fixed_heap *f, unsigned class)
{
    uint8_t *page = take_pages(f, 1, (uint8_t)(1 + class));
    if (page == NULL)
        return NULL;
    size_t size = class_size(class);
    /* Pushed from the top down, so the list hands them out in address order. */
    for (size_t offset = FIXED_PAGE; offset >= size; offset -= size)
        push_free(f, class, (struct fixed_block *)(page + offset - size));
    f->class_pages[class]++;
    struct fixed_block *block = f->free_lists[class];
    f->free_lists[class] = block->next;
    block->tag = 0;
    return block;
}

/* Everything but a pop from a non-empty class list: large requests, and refills. */
static __attribute__((noinline)) void *alloc_slow(struct fixed_heap *f, size_t size)
{
    if (size > HEAP_SMALL_LIMIT)
        return heap_alloc(f->fallback, size);
    return refill_and_alloc(f, heap_small_class[(size + 15) >> 4]);
}

static void *fixed_alloc(struct heap *heap, size_t size)
{
    struct fixed_heap *f = as_fixed(heap);
    if (size <= HEAP_SMALL_LIMIT) {
        size_t class = heap_small_class[(size + 15) >> 4];
        struct fixed_block *block = f->free_lists[class];
        if (block != NULL) {
            f->free_lists[class] = block->next;
            block->tag = 0; /* live now: the free tag must not survive */
            return block;
        }
    }
    return alloc_slow(f, size);
}

/* kfree or block_size of something that is not a live class block: say what it is. */
static __attribute__((noreturn)) void bad_pointer(struct heap_region *region, unsigned kind,
                                                  void *p)
{
    if (region == NULL)
        panic("kfree(%p): not a pointer this heap gave (outside its memory)", p);
    if (kind == PAGE_POOL)
        panic("kfree(%p): not a block this heap gave (the page was never handed out)", p);
    if (((uintptr_t)p & (class_size(kind - 1) - 1)) != 0)
        panic("kfree(%p): not the start of a %zu-byte block", p, class_size(kind - 1));
    panic("kfree(%p): double free (the %zu-byte block is already free)", p, class_size(kind - 1));
}

/*
 * The page kind of p, checked: a class (1..FIXED_CLASSES) only for the start
 * of a live class block; PAGE_FALLBACK for the list heap's pages (which it
 * checks itself). Anything else panics with the address.
 */
static unsigned checked_kind(struct heap_region *region, void *p)
{
    if (region == NULL)
        bad_pointer(NULL, 0, p);
    struct fixed_region *r = region->meta;
    unsigned kind = r->page_kind[((uintptr_t)p - region->base) >> FIXED_PAGE_SHIFT];
    if (kind == PAGE_FALLBACK)
        return kind;
    /* kind - 1 wraps for POOL, so one comparison rejects it. */
    struct fixed_block *block = p;
    if (kind - 1 >= FIXED_CLASSES || ((uintptr_t)p & (class_size(kind - 1) - 1)) != 0 ||
        block->tag == (FIXED_FREE ^ (uintptr_t)p))
        bad_pointer(region, kind, p);
    return kind;
}

/* Everything but a class block in the last region used: search, fallback, or panic. */
static __attribute__((noinline)) void free_slow(struct fixed_heap *f, void *p)
{
    struct heap_region *region = heap_regions_search(&f->regions, (uintptr_t)p);
    unsigned kind = checked_kind(region, p);
    if (kind == PAGE_FALLBACK)
        heap_free(f->fallback, p); /* the list heap checks its own blocks */
    else
        push_free(f, kind - 1, p);
}

/*
 * The fast path does the common case inline and hands anything unusual to
 * free_slow, which sorts it out (and checks it) from scratch.
 */
static void fixed_free(struct heap *heap, void *p)
{
    struct fixed_heap *f = as_fixed(heap);
    struct heap_region *region = f->regions.last;
    uintptr_t offset = (uintptr_t)p - region->base;
    if (offset < region->end - region->base) {
        struct fixed_region *r = region->meta;
        size_t class = (size_t)r->page_kind[offset >> FIXED_PAGE_SHIFT] - 1; /* POOL wraps */
        struct fixed_block *block = p;
        if (class < FIXED_CLASSES && ((uintptr_t)p & (class_size(class) - 1)) == 0 &&
            block->tag != (FIXED_FREE ^ (uintptr_t)p)) {
            push_free(f, class, block);
            return;
        }
    }
    free_slow(f, p);
}

static size_t fixed_block_size(struct heap *heap, void *p)
{
    struct fixed_heap *f = as_fixed(heap);
    unsigned kind = checked_kind(heap_regions_find(&f->regions, (uintptr_t)p), p);
    if (kind == PAGE_FALLBACK)
        return f->fallback->design->block_size(f->fallback, p);
    return class_size(kind - 1);
}

/* ---- Creation and growth ---- */

static struct heap *fixed_create(void *arena, size_t size)
{
    uintptr_t base = (uintptr_t)arena;
    if ((base & (FIXED_PAGE - 1)) != 0 || size < 4 * FIXED_PAGE)
        return NULL;
    struct fixed_heap *f = arena;
    memset(f, 0, sizeof(*f));
    heap_regions_init(&f->regions);
    if (!add_region(f, base, size, sizeof(*f)))
        return NULL;
    /* The fallback starts on one pool page and grows from the pool as it needs. */
    void *first = take_pages(f, 1, PAGE_FALLBACK);
    struct heap_grower grower = {grow_fallback, f};
    f->fallback = first != NULL ? heap_create(&heap_design_list, first, FIXED_PAGE, &grower) : NULL;
    return f->fallback != NULL ? &f->base : NULL;
}

/*
 * A region big enough for the request: one class page, or the pages a list
 * chunk for it needs (the request, a 16-byte header and a 32-byte minimal
 * chunk: list_growth_for); plus the bookkeeping pages in front, which hold
 * struct fixed_region and a byte for every page of the region.
 */
static size_t fixed_growth_for(struct heap *heap, size_t size)
{
    if (heap_regions_full(&as_fixed(heap)->regions))
        return 0;
    size_t pages = 1;
    if (size > HEAP_SMALL_LIMIT)
        pages = (heap_round_up(size) + 48 + FIXED_PAGE - 1) / FIXED_PAGE;
    size_t bookkeeping = 1;
    while (sizeof(struct fixed_region) + pages + bookkeeping > bookkeeping * FIXED_PAGE)
        bookkeeping++;
    return (pages + bookkeeping) * FIXED_PAGE;
}

static bool fixed_add_memory(struct heap *heap, void *chunk, size_t size)
{
    return add_region(as_fixed(heap), (uintptr_t)chunk, size, 0);
}

/* Bytes on the class free lists, their count, and the largest class with a free block. */
static size_t free_class_bytes(struct fixed_heap *f, size_t *blocks, size_t *largest)
{
    size_t total = 0;
    for (unsigned class = 0; class < FIXED_CLASSES; class ++) {
        for (struct fixed_block *b = f->free_lists[class]; b != NULL; b = b->next) {
            total += class_size(class);
            (*blocks)++;
            *largest = class_size(class);
        }
    }
    return total;
}

static void fixed_stats(struct heap *heap, struct heap_stats *stats)
{
    struct fixed_heap *f = as_fixed(heap);
    struct heap_stats fallback;
    heap_get_stats(f->fallback, &fallback);
    size_t largest = 0;
    size_t free_blocks = 0;
    size_t class_free = free_class_bytes(f, &free_blocks, &largest);
    size_t class_bytes = 0;
    size_t class_blocks = 0;
    for (unsigned class = 0; class < FIXED_CLASSES; class ++) {
        class_bytes += f->class_pages[class] * FIXED_PAGE;
        class_blocks += f->class_pages[class] * (FIXED_PAGE / class_size(class));
    }
    size_t pool = 0;
    size_t largest_pool = 0;
    for (int i = 0; i < f->regions.count; i++) {
        struct heap_region *region = &f->regions.table[i];
        size_t run = region->end - ((struct fixed_region *)region->meta)->pool_next;
        pool += run;
        largest_pool = run > largest_pool ? run : largest_pool;
    }
    /* A pool page can become any class; a pool run can become a fallback chunk. */
    if (largest_pool >= FIXED_PAGE && largest < HEAP_SMALL_LIMIT)
        largest = HEAP_SMALL_LIMIT;
    /* The list heap asks for a request plus its header and a minimal chunk (48 bytes). */
    if (largest_pool > 48 && largest_pool - 48 > largest)
        largest = largest_pool - 48;
    if (fallback.largest_free > largest)
        largest = fallback.largest_free;
    stats->total_bytes = f->total_bytes;
    stats->used_bytes = class_bytes - class_free + fallback.used_bytes;
    stats->free_bytes = class_free + pool + fallback.free_bytes;
    stats->largest_free = largest;
    stats->live_blocks = class_blocks - free_blocks + fallback.live_blocks;
}

const struct heap_design heap_design_fixed = {
    .name = "fixed",
    .create = fixed_create,
    .alloc = fixed_alloc,
    .free = fixed_free,
    .block_size = fixed_block_size,
    .resize_in_place = NULL,
    .growth_for = fixed_growth_for,
    .add_memory = fixed_add_memory,
    .stats = fixed_stats,
};
