/*
 * frame.c: the physical frame allocator, a binary buddy system over 4 KiB frames.
 *
 * Free memory is kept as blocks of 2^order frames, aligned to their size, on
 * one list per order. Allocating splits a larger block in halves until it
 * fits; freeing merges a block with its "buddy" (the other half of the block
 * they were split from: frame number XOR 2^order) while the buddy is free too.
 * Both walk at most FRAME_MAX_ORDER orders: O(log n).
 *
 * What the allocator knows about each frame sits in a metadata array, one
 * struct frame_info per frame, never inside the frames themselves: a free
 * frame is never written, and a stray write into a freed frame cannot break
 * the free lists. Set-up clears that array (linear in RAM, 16 bytes per
 * 4 KiB) and then lays out each usable range as a handful of maximal aligned
 * blocks, so no frame is freed one at a time.
 *
 * In front of the buddy system, each hart keeps a small cache of free single
 * frames under a lock of its own. frame_alloc and frame_free, the kernel's
 * most frequent calls by far (page tables, user pages, copies on write), are
 * served from it; only a refill or a drain, a batch of frames at a time,
 * takes frame_lock, the one lock every hart shares. Blocks of more than one
 * frame (and frame_alloc_contiguous(0)) go to the buddy system directly.
 * docs/physical-memory.md, "Per-hart caches", says why and what it saves.
 */
#include "mm/frame.h"

#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "arch/layout.h"
#include "sync/spinlock.h"

/* RAM from PHYS_WINDOW_LIMIT up has no kernel-window address (arch/layout.h). */
#define KERNEL_WINDOW_END PHYS_WINDOW_LIMIT

#define FRAME_NONE UINT32_MAX

enum frame_state {
    FRAME_STATE_NONE = 0,  /* reserved, a hole, or inside a block */
    FRAME_STATE_FREE,      /* first frame of a free block */
    FRAME_STATE_ALLOCATED, /* first frame of an allocated block */
    FRAME_STATE_CACHED,    /* a free single frame in a hart's cache, not on any free list */
};

/* One per frame. Only a block's first frame has meaningful order and links. */
struct frame_info {
    uint32_t next, prev; /* free-list neighbours (frame indices) while FREE */
    uint32_t refcount;   /* references to the block while ALLOCATED */
    uint8_t order;       /* the block is 2^order frames */
    uint8_t state;       /* enum frame_state */
    uint16_t unused;
};

/* The buddy system. frame_lock guards everything below it (the per-hart caches have their own). */
static struct spinlock frame_lock = SPINLOCK_INIT("frame");
static struct frame_info *frame_infos; /* covers [first_pfn, first_pfn + span) */
static uint64_t first_pfn;
static uint64_t span;
static uint32_t free_heads[FRAME_MAX_ORDER + 1];
static uint64_t free_frames;
static uint64_t total_frames;
static uint64_t init_instructions;
static struct memmap memory_map;
/* How often frame_lock was taken (under it): what the per-hart caches save. */
static uint64_t pool_takes;

/*
 * Every use of frame_lock goes through these two, so that pool_takes counts
 * them all: the lab's test reads it to see that the caches spare the lock.
 */
static void pool_lock(void)
{
    spinlock_acquire(&frame_lock);
    pool_takes++;
}

static void pool_unlock(void)
{
    spinlock_release(&frame_lock);
}

/*
 * One hart's cache of free single frames: a stack of frame indices. Its
 * lock is nearly always taken by its own hart and so almost never waited
 * for; another hart takes it only to drain the cache when the buddy system
 * has run dry (every_cache_back). The hart is read once, before the lock: a
 * thread moved to another hart meanwhile just uses the first hart's cache,
 * under that cache's lock, which is still correct.
 *
 * Lock order: a cache's lock, then frame_lock (a refill or a drain runs
 * under both). Never frame_lock then a cache's, and never two caches at once.
 * FRAME_CACHE_SIZE and FRAME_CACHE_BATCH are in frame.h.
 */
struct frame_cache {
    struct spinlock lock; /* everything below */
    uint32_t count;       /* frames[0 .. count) are cached: state CACHED */
    uint32_t frames[FRAME_CACHE_SIZE];
} __attribute__((aligned(64))); /* one hart's cache shares no cache line with another's */

static struct frame_cache caches[MAX_HARTS] = {
    [0 ... MAX_HARTS - 1] = {.lock = SPINLOCK_INIT("frame cache")},
};

/* ---- Free lists: doubly linked through frame_infos, by index ---- */

static void list_push(uint32_t index, unsigned order)
{
    struct frame_info *info = &frame_infos[index];
    info->state = FRAME_STATE_FREE;
    info->order = (uint8_t)order;
    info->prev = FRAME_NONE;
    info->next = free_heads[order];
    if (info->next != FRAME_NONE)
        frame_infos[info->next].prev = index;
    free_heads[order] = index;
}

static void list_remove(uint32_t index, unsigned order)
{
    struct frame_info *info = &frame_infos[index];
    if (info->prev != FRAME_NONE)
        frame_infos[info->prev].next = info->next;
    else
        free_heads[order] = info->next;
    if (info->next != FRAME_NONE)
        frame_infos[info->next].prev = info->prev;
    info->state = FRAME_STATE_NONE;
}

/* ---- The buddy system ---- */

/* Take a block of 2^order frames; returns its index, or FRAME_NONE. */
static uint32_t take_block(unsigned order)
{
    uint32_t index;
    /* LAB 3 BEGIN: frame_take_block */
    unsigned found = order;
    while (found <= FRAME_MAX_ORDER && free_heads[found] == FRAME_NONE)
        found++;
    if (found > FRAME_MAX_ORDER)
        return FRAME_NONE;
    index = free_heads[found];
    list_remove(index, found);
    /* Keep the lower half, free the upper half, until the block is the size asked. */
    while (found > order) {
        found--;
        list_push(index + (1u << found), found);
    }
    /* LAB 3 END: frame_take_block */
    struct frame_info *info = &frame_infos[index];
    info->state = FRAME_STATE_ALLOCATED;
    info->order = (uint8_t)order;
    info->refcount = 1;
    free_frames -= 1ull << order;
    return index;
}

/* Return a block, merging it with its buddy for as long as the buddy is free. */
static void release_block(uint32_t index, unsigned order)
{
    uint64_t pfn = first_pfn + index;
    frame_infos[index].state = FRAME_STATE_NONE;
    free_frames += 1ull << order;
    /* LAB 3 BEGIN: frame_merge_buddies */
    while (order < FRAME_MAX_ORDER) {
        uint64_t buddy_pfn = pfn ^ (1ull << order);
        if (buddy_pfn < first_pfn || buddy_pfn - first_pfn >= span)
            break;
        uint32_t buddy = (uint32_t)(buddy_pfn - first_pfn);
        if (frame_infos[buddy].state != FRAME_STATE_FREE || frame_infos[buddy].order != order)
            break;
        list_remove(buddy, order);
        pfn &= ~(1ull << order); /* the merged block starts at the lower half */
        order++;
    }
    /* LAB 3 END: frame_merge_buddies */
    list_push((uint32_t)(pfn - first_pfn), order);
}

/* Lay out frames [pfn, end) as the largest aligned blocks that fit. */
static void add_free_range(uint64_t pfn, uint64_t end)
{
    while (pfn < end) {
        unsigned order = 0;
        while (order < FRAME_MAX_ORDER && (pfn & (1ull << order)) == 0 &&
               pfn + (2ull << order) <= end)
            order++;
        list_push((uint32_t)(pfn - first_pfn), order);
        free_frames += 1ull << order;
        total_frames += 1ull << order;
        pfn += 1ull << order;
    }
}

/* ---- Per-hart caches of single frames ---- */

/* Put frame `index` (free, taken from the buddy system or just freed) on top of the cache. */
static void cache_push(struct frame_cache *cache, uint32_t index)
{
    struct frame_info *info = &frame_infos[index];
    info->state = FRAME_STATE_CACHED;
    info->refcount = 0;
    cache->frames[cache->count++] = index;
}

/* Take the frame on top of the cache (count > 0) and hand it out: allocated, one reference. */
static uint32_t cache_pop(struct frame_cache *cache)
{
    uint32_t index = cache->frames[--cache->count];
    struct frame_info *info = &frame_infos[index];
    info->state = FRAME_STATE_ALLOCATED;
    info->order = 0;
    info->refcount = 1;
    return index;
}

/* Take the frame on top of the cache (count > 0) for the buddy system: release_block's. */
static uint32_t cache_take_back(struct frame_cache *cache)
{
    return cache->frames[--cache->count];
}

/*
 * Fill an empty cache with up to FRAME_CACHE_BATCH frames from the buddy
 * system, under one acquisition of frame_lock. Called with cache->lock held.
 * Fewer, or none, when the buddy system runs out.
 */
static void cache_refill(struct frame_cache *cache)
{
    /* LAB 10 BEGIN: frame_cache_refill */
    pool_lock();
    while (cache->count < FRAME_CACHE_BATCH) {
        uint32_t index = take_block(0);
        if (index == FRAME_NONE)
            break;
        cache_push(cache, index);
    }
    pool_unlock();
    /* LAB 10 END: frame_cache_refill */
}

/*
 * Give `count` frames from the top of the cache back to the buddy system,
 * under one acquisition of frame_lock. Called with cache->lock held.
 */
static void cache_drain(struct frame_cache *cache, uint32_t count)
{
    /* LAB 10 BEGIN: frame_cache_drain */
    pool_lock();
    for (uint32_t i = 0; i < count && cache->count > 0; i++)
        release_block(cache_take_back(cache), 0);
    pool_unlock();
    /* LAB 10 END: frame_cache_drain */
}

/* A single frame from this hart's cache, refilled first if it is empty; FRAME_NONE if none. */
static uint32_t cache_alloc(void)
{
    struct frame_cache *cache = &caches[hart_index()];
    uint32_t index = FRAME_NONE;
    /* LAB 10 BEGIN: frame_cache_alloc */
    spinlock_acquire(&cache->lock);
    if (cache->count == 0)
        cache_refill(cache);
    if (cache->count > 0)
        index = cache_pop(cache);
    spinlock_release(&cache->lock);
    /* LAB 10 END: frame_cache_alloc */
    return index;
}

/* Frame `index`, its last reference gone, onto this hart's cache; a full cache drains first. */
static void cache_free(uint32_t index)
{
    struct frame_cache *cache = &caches[hart_index()];
    /* LAB 10 BEGIN: frame_cache_free */
    spinlock_acquire(&cache->lock);
    if (cache->count == FRAME_CACHE_SIZE)
        cache_drain(cache, FRAME_CACHE_BATCH);
    cache_push(cache, index);
    spinlock_release(&cache->lock);
    /* LAB 10 END: frame_cache_free */
}

/*
 * Every hart's cached frames back to the buddy system: when it has run dry
 * (the frames another hart keeps are free too, and must be found), and
 * before a question about its free lists. One cache at a time, so never two
 * cache locks at once.
 */
static void every_cache_back(void)
{
    for (uint32_t i = 0; i < MAX_HARTS; i++) {
        struct frame_cache *cache = &caches[i];
        if (__atomic_load_n(&cache->count, __ATOMIC_RELAXED) == 0)
            continue;
        spinlock_acquire(&cache->lock);
        if (cache->count > 0)
            cache_drain(cache, cache->count);
        spinlock_release(&cache->lock);
    }
}

/* Frames in all the caches now (a snapshot: exact when no hart allocates meanwhile). */
static uint64_t cached_frames(void)
{
    uint64_t count = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        count += __atomic_load_n(&caches[i].count, __ATOMIC_RELAXED);
    return count;
}

/* ---- Set-up ---- */

static uint64_t image_pa(const char *symbol)
{
    return (uint64_t)symbol - KERNEL_OFFSET;
}

static void reserve_or_panic(struct memmap *map, uint64_t base, uint64_t size, const char *what)
{
    if (!memmap_reserve(map, base, size, what))
        panic("memmap: more than %d reserved ranges; cannot reserve %s at %p", MEMMAP_MAX_RANGES,
              what, (void *)base);
}

/* RAM from the device tree, minus everything that is not ours to hand out. */
static void build_memory_map(struct memmap *map)
{
    uint64_t base;
    uint64_t size;
    uint64_t kernel_pa = image_pa(kernel_start);
    memmap_init(map);
    for (int i = 0; devicetree_memory_range(i, &base, &size); i++) {
        if (!memmap_add_ram(map, base, size))
            log_warn("memmap: too many RAM ranges; %p..%p left unused", (void *)base,
                     (void *)(base + size));
        /* OpenSBI lives below the kernel in the RAM range the kernel was loaded into. */
        if (kernel_pa > base && kernel_pa - base < size)
            reserve_or_panic(map, base, kernel_pa - base, "firmware (OpenSBI)");
    }
    reserve_or_panic(map, kernel_pa, image_pa(kernel_end) - kernel_pa, "kernel image");
    reserve_or_panic(map, devicetree_blob_pa(), devicetree_blob_size(), "device tree blob");
    for (int i = 0; devicetree_reserved_range(i, &base, &size); i++)
        reserve_or_panic(map, base, size, "device-tree reservation");
    uint64_t initrd_end;
    if (devicetree_initrd(&base, &initrd_end))
        reserve_or_panic(map, base, initrd_end - base, "initrd");
    for (int i = 0; i < map->ram_count; i++) {
        if (map->ram[i].end > KERNEL_WINDOW_END) {
            reserve_or_panic(map, KERNEL_WINDOW_END, UINT64_MAX - KERNEL_WINDOW_END,
                             "beyond the kernel window (4 GiB - 4 KiB)");
            break;
        }
    }
}

/* Carve the metadata array out of usable RAM and clear it. */
static void place_metadata(struct memmap *map)
{
    if (map->usable_count == 0)
        panic("frame: no usable RAM left after reservations (%d RAM ranges)", map->ram_count);
    first_pfn = map->usable[0].base >> PAGE_SHIFT;
    span = (map->usable[map->usable_count - 1].end >> PAGE_SHIFT) - first_pfn;
    if (span >= FRAME_NONE)
        panic("frame: %lu frames do not fit 32-bit frame indices", span);
    uint64_t bytes = span * sizeof(struct frame_info);
    uint64_t pa = memmap_take(map, bytes, "frame metadata");
    if (pa == 0)
        panic("frame: no usable range holds the %lu KiB of frame metadata", bytes >> 10);
    frame_infos = paddr_to_ptr(paddr(pa));
    /* State 0 (NONE) for every frame: nothing is free until add_free_range says so. */
    memset(frame_infos, 0, bytes);
}

static void log_range(const char *kind, const struct memmap_range *r)
{
    log_info("memmap: %-8s 0x%09lx..0x%09lx %8lu KiB  %s", kind, r->base, r->end,
             (r->end - r->base) >> 10, r->what);
}

static void log_memory_map(const struct memmap *map)
{
    for (int i = 0; i < map->ram_count; i++)
        log_range("ram", &map->ram[i]);
    for (int i = 0; i < map->reserved_count; i++)
        log_range("reserved", &map->reserved[i]);
    for (int i = 0; i < map->usable_count; i++)
        log_range("usable", &map->usable[i]);
    log_info("frame: %lu frames free of %lu (%lu MiB)", free_frames, total_frames,
             (free_frames * PAGE_SIZE) >> 20);
}

void frame_init(void)
{
    uint64_t start = read_instret();
    build_memory_map(&memory_map);
    place_metadata(&memory_map);
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        free_heads[order] = FRAME_NONE;
    for (int i = 0; i < memory_map.usable_count; i++)
        add_free_range(memory_map.usable[i].base >> PAGE_SHIFT,
                       memory_map.usable[i].end >> PAGE_SHIFT);
    init_instructions = read_instret() - start;
    log_memory_map(&memory_map);
}

/* ---- The interface ---- */

static paddr_t index_to_paddr(uint32_t index)
{
    return paddr((first_pfn + index) << PAGE_SHIFT);
}

/*
 * The index of the allocated block that starts at pa. Anything else is a bug
 * in the caller, reported with the address: freeing twice, freeing the middle
 * of a block, or an address the allocator never gave.
 */
static uint32_t allocated_block(paddr_t pa, const char *operation)
{
    uint64_t pfn = pa.value >> PAGE_SHIFT;
    if ((pa.value & (PAGE_SIZE - 1)) != 0 || pfn < first_pfn || pfn - first_pfn >= span)
        panic("%s(%p): not a frame the allocator manages", operation, (void *)pa.value);
    uint32_t index = (uint32_t)(pfn - first_pfn);
    if (frame_infos[index].state == FRAME_STATE_FREE ||
        frame_infos[index].state == FRAME_STATE_CACHED)
        panic("%s(%p): the frame is already free (double free?)", operation, (void *)pa.value);
    if (frame_infos[index].state != FRAME_STATE_ALLOCATED)
        panic("%s(%p): not the first frame of an allocated block", operation, (void *)pa.value);
    return index;
}

/* A block from the buddy system; if it has none, every cached frame goes back, and again. */
static uint32_t pool_alloc(unsigned order)
{
    pool_lock();
    uint32_t index = take_block(order);
    pool_unlock();
    if (index == FRAME_NONE && cached_frames() > 0) {
        every_cache_back();
        pool_lock();
        index = take_block(order);
        pool_unlock();
    }
    return index;
}

paddr_t frame_alloc_contiguous(unsigned order)
{
    if (order > FRAME_MAX_ORDER)
        return paddr(0);
    uint32_t index = pool_alloc(order);
    return index == FRAME_NONE ? paddr(0) : index_to_paddr(index);
}

paddr_t frame_alloc(void)
{
    uint32_t index = cache_alloc();
    if (index == FRAME_NONE)
        index = pool_alloc(0); /* this hart's cache and the buddy system are dry: the others' */
    return index == FRAME_NONE ? paddr(0) : index_to_paddr(index);
}

paddr_t frame_alloc_zeroed(void)
{
    paddr_t pa = frame_alloc();
    if (!paddr_is_null(pa))
        memset(paddr_to_ptr(pa), 0, PAGE_SIZE);
    return pa;
}

/*
 * Drop one reference to the allocated block at index. True when it was the
 * last: the block is then the caller's to give back.
 */
static bool drop_reference(uint32_t index)
{
    /* LAB 3 BEGIN: frame_drop_reference */
    struct frame_info *info = &frame_infos[index];
    return --info->refcount == 0;
    /* LAB 3 END: frame_drop_reference */
}

/* Add one reference to the allocated block at index; returns the new count. */
static unsigned add_reference(uint32_t index, paddr_t pa)
{
    /* LAB 3 BEGIN: frame_add_reference */
    struct frame_info *info = &frame_infos[index];
    if (info->refcount == UINT32_MAX)
        panic("frame_ref(%p): reference count overflow", (void *)pa.value);
    return ++info->refcount;
    /* LAB 3 END: frame_add_reference */
}

/*
 * Drop a reference to the block at index. A single frame whose caller holds
 * the only reference goes to this hart's cache without frame_lock: no other
 * hart holds a reference, so none can change the count meanwhile (frame_ref
 * and frame_free are only ever called by a holder). A shared frame's count,
 * and a larger block, are changed under frame_lock, and a block whose last
 * reference goes there returns to the buddy system directly.
 */
static void free_block(uint32_t index)
{
    struct frame_info *info = &frame_infos[index];
    if (info->order == 0 && __atomic_load_n(&info->refcount, __ATOMIC_RELAXED) == 1) {
        if (drop_reference(index))
            cache_free(index);
        return;
    }
    pool_lock();
    if (drop_reference(index))
        release_block(index, info->order);
    pool_unlock();
}

void frame_free(paddr_t pa)
{
    free_block(allocated_block(pa, "frame_free"));
}

void frame_free_contiguous(paddr_t pa, unsigned order)
{
    uint32_t index = allocated_block(pa, "frame_free_contiguous");
    if (frame_infos[index].order != order)
        panic("frame_free_contiguous(%p, order %u): the block was allocated with order %u",
              (void *)pa.value, order, frame_infos[index].order);
    free_block(index);
}

unsigned frame_ref(paddr_t pa)
{
    pool_lock();
    unsigned count = add_reference(allocated_block(pa, "frame_ref"), pa);
    pool_unlock();
    return count;
}

unsigned frame_ref_count(paddr_t pa)
{
    uint64_t pfn = pa.value >> PAGE_SHIFT;
    if (pfn < first_pfn || pfn - first_pfn >= span)
        panic("frame_ref_count(%p): not a frame the allocator manages", (void *)pa.value);
    /*
     * No lock: a snapshot, as it would be anyway the moment the lock went.
     * Its callers hold a reference, so the frame cannot be freed under them.
     * Free frames (cached ones too), and frames inside a block, hold no
     * references of their own.
     */
    struct frame_info *info = &frame_infos[pfn - first_pfn];
    bool allocated = __atomic_load_n(&info->state, __ATOMIC_RELAXED) == FRAME_STATE_ALLOCATED;
    unsigned count = allocated ? __atomic_load_n(&info->refcount, __ATOMIC_RELAXED) : 0;
    return count;
}

uint64_t frame_lock_contention(void)
{
    return spinlock_contention(&frame_lock);
}

uint64_t frame_pool_lock_takes(void)
{
    return __atomic_load_n(&pool_takes, __ATOMIC_RELAXED);
}

uint64_t frame_cache_contention(void)
{
    uint64_t contended = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        contended += spinlock_contention(&caches[i].lock);
    return contended;
}

uint64_t frame_cached_count(void)
{
    return cached_frames();
}

uint64_t frame_free_count(void)
{
    /* Cached frames are free: whoever asks for one gets one. */
    return __atomic_load_n(&free_frames, __ATOMIC_RELAXED) + cached_frames();
}

uint64_t frame_total_count(void)
{
    return total_frames;
}

uint64_t frame_free_blocks(unsigned order)
{
    if (order > FRAME_MAX_ORDER)
        return 0;
    every_cache_back(); /* the question is about the buddy system's lists: all of it */
    pool_lock();
    uint64_t count = 0;
    for (uint32_t index = free_heads[order]; index != FRAME_NONE; index = frame_infos[index].next)
        count++;
    pool_unlock();
    return count;
}

int frame_largest_free_order(void)
{
    every_cache_back(); /* what frame_alloc_contiguous could find, draining the caches first */
    pool_lock();
    int order = FRAME_MAX_ORDER;
    while (order >= 0 && free_heads[order] == FRAME_NONE)
        order--;
    pool_unlock();
    return order;
}

const struct memmap *frame_memory_map(void)
{
    return &memory_map;
}

uint64_t frame_init_instructions(void)
{
    return init_instructions;
}
