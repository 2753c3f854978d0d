/*
 * heap.c: the kernel heap: one heap of the design `make HEAP=` chose, behind
 * a spinlock, growing by blocks of frames.
 *
 * The designs themselves know nothing of locks or frames (so the host tests
 * can run them); this file adds both. Lock order: the heap lock is taken
 * before the frame allocator's (growing calls frame_alloc_contiguous), never
 * the other way round.
 */
#include "mm/heap/heap.h"

#include "console/console.h"
#include "console/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap_design.h"
#include "sync/spinlock.h"

#ifndef HEAP_DESIGN
#define HEAP_DESIGN "buddy"
#endif

/* The first arena: 2^8 frames = 1 MiB; the bump heap, which cannot grow, gets 2^10 = 4 MiB. */
#define HEAP_INITIAL_ORDER 8
#define HEAP_BUMP_ORDER    10
/*
 * The heap grows by at least 2^8 frames (1 MiB), and the step doubles every
 * 4 chunks: a heap holds at most HEAP_MAX_REGIONS chunks, and this way those
 * cover all of RAM.
 */
#define HEAP_GROW_ORDER    8
#define HEAP_GROW_DOUBLING 4

/* Guards kernel_heap: every kmalloc, kfree and krealloc, and the heap's growth. */
static struct spinlock heap_lock = SPINLOCK_INIT("heap");

uint64_t heap_lock_contention(void)
{
    return spinlock_contention(&heap_lock);
}
static struct heap *kernel_heap;
static unsigned chunks_grown;

/* The smallest order of frame block that holds `bytes`. */
static unsigned order_for_bytes(size_t bytes)
{
    unsigned order = 0;
    while (order <= FRAME_MAX_ORDER && ((size_t)PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/*
 * The kernel heap's grower. A block of 2^k frames is aligned to its own size
 * physically, and the kernel window adds 0xffff_ffff_0000_0000 (a multiple
 * of 4 GiB), so the virtual chunk is aligned to its size too. Prefer a big
 * block; near exhaustion, settle for the smallest that fits. The heap owns
 * the frames from then on and never returns them.
 */
static void *grow_from_frames(void *context, size_t min_bytes, size_t *size)
{
    (void)context;
    unsigned needed = order_for_bytes(min_bytes);
    if (needed > FRAME_MAX_ORDER)
        return NULL;
    unsigned step = HEAP_GROW_ORDER + chunks_grown / HEAP_GROW_DOUBLING;
    step = step < FRAME_MAX_ORDER ? step : FRAME_MAX_ORDER;
    unsigned order = needed > step ? needed : step;
    for (;; order--) {
        paddr_t pa = frame_alloc_contiguous(order);
        if (!paddr_is_null(pa)) {
            chunks_grown++;
            *size = (size_t)PAGE_SIZE << order;
            return paddr_to_ptr(pa);
        }
        if (order == needed)
            return NULL;
    }
}

void heap_init(void)
{
    const struct heap_design *design = heap_design_find(HEAP_DESIGN);
    if (design == NULL)
        panic("heap: no design called \"%s\" (HEAP=buddy|bump|list|fixed)", HEAP_DESIGN);
    unsigned order = design == &heap_design_bump ? HEAP_BUMP_ORDER : HEAP_INITIAL_ORDER;
    size_t size = (size_t)PAGE_SIZE << order;
    paddr_t arena = frame_alloc_contiguous(order);
    if (paddr_is_null(arena))
        panic("heap: no block of %zu KiB of frames for the first arena", size >> 10);
    struct heap_grower grower = {grow_from_frames, NULL};
    kernel_heap = heap_create(design, paddr_to_ptr(arena), size, &grower);
    if (kernel_heap == NULL)
        panic("heap: the %s design refused its %zu KiB arena at %p", design->name, size >> 10,
              paddr_to_ptr(arena));
    log_info("heap: %s design, first arena %zu KiB at %p%s", design->name, size >> 10,
             paddr_to_ptr(arena),
             design->growth_for != NULL ? ", grows by blocks of frames" : ", does not grow");
}

void *kmalloc(size_t size)
{
    spinlock_acquire(&heap_lock);
    void *block = heap_alloc(kernel_heap, size);
    spinlock_release(&heap_lock);
    return block;
}

void *kzalloc(size_t size)
{
    void *block = kmalloc(size);
    if (block != NULL)
        memset(block, 0, size); /* outside the lock: the block is ours alone */
    return block;
}

void *krealloc(void *block, size_t size)
{
    spinlock_acquire(&heap_lock);
    void *moved = heap_realloc(kernel_heap, block, size);
    spinlock_release(&heap_lock);
    return moved;
}

void kfree(void *block)
{
    spinlock_acquire(&heap_lock);
    heap_free(kernel_heap, block);
    spinlock_release(&heap_lock);
}

void heap_kernel_stats(struct heap_stats *stats)
{
    spinlock_acquire(&heap_lock);
    heap_get_stats(kernel_heap, stats);
    spinlock_release(&heap_lock);
}

const char *heap_kernel_design(void)
{
    return kernel_heap->design->name;
}
