/*
 * frame.h: the physical frame allocator.
 *
 * A frame is one 4 KiB page of physical RAM. The allocator manages all RAM
 * the device tree describes, minus OpenSBI's region, the kernel image and
 * the device-tree blob. Frames are named by their physical address; the
 * kernel touches a frame's bytes through paddr_to_ptr() (the kernel window).
 *
 * Ownership: whoever holds a frame's reference frees it. frame_alloc*() gives
 * the caller one reference; frame_ref() adds one (a frame shared by two page
 * tables); frame_free() drops one and returns the frame to the free pool when
 * the last one goes. Document in a struct's comment which frames it owns.
 * The idiom, used everywhere in the kernel:
 *   - A function that allocates a frame and fails later frees it before it
 *     returns the error: a frame never leaks on an error path.
 *   - Handing a frame to another owner (a page table, the heap) transfers the
 *     reference; the giver must not free it afterwards. Sharing calls
 *     frame_ref() first, so each holder frees its own reference.
 *   - A struct that owns frames says so in its comment, and its destroy
 *     function frees exactly those.
 *   - Freeing a frame that is free, or an address the allocator never gave,
 *     is a bug and panics with the address.
 * Memory is allocated in blocks of 2^order frames (a binary buddy system), so
 * every operation costs O(log n) at most: see docs/physical-memory.md.
 *
 * Failure is a null paddr_t (value 0: physical 0 is never RAM on virt).
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>

#include "mm/addr.h"
#include "mm/memmap.h"

/*
 * The largest block: 2^18 frames = 1 GiB, one Sv39 gigapage. (Order 9 is
 * 2 MiB, a megapage.) Blocks of order k are aligned to 2^k frames.
 */
#define FRAME_MAX_ORDER 18

/*
 * Each hart keeps up to FRAME_CACHE_SIZE free single frames of its own; an
 * empty cache takes FRAME_CACHE_BATCH from the buddy system at once, and a
 * full one gives FRAME_CACHE_BATCH back.
 */
#define FRAME_CACHE_SIZE  64
#define FRAME_CACHE_BATCH 16

/* Build the free pool from the device tree's memory map. */
void frame_init(void);

/* One frame, contents undefined / all zero. Null when memory is exhausted. */
paddr_t frame_alloc(void);
paddr_t frame_alloc_zeroed(void);

/*
 * 2^order physically contiguous frames, aligned to their total size, from
 * the buddy system itself (order 0 too: no per-hart cache in between).
 */
paddr_t frame_alloc_contiguous(unsigned order);

/* Drop one reference; the frame (or block) is free when none is left. */
void frame_free(paddr_t pa);
void frame_free_contiguous(paddr_t pa, unsigned order);

/* Add a reference to an allocated frame; returns the new count. */
unsigned frame_ref(paddr_t pa);
unsigned frame_ref_count(paddr_t pa);

/*
 * How often frame_lock was found taken by another hart: one lock guards
 * every free list of the buddy system, so harts that go to it at once wait
 * for each other. Single frames come from a cache per hart, which goes to
 * the buddy system a batch at a time (docs/physical-memory.md).
 */
uint64_t frame_lock_contention(void);
/* How often frame_lock has been taken since boot, by any hart. */
uint64_t frame_pool_lock_takes(void);
/* How often a hart found a frame cache's lock taken (another hart was draining it). */
uint64_t frame_cache_contention(void);

/*
 * Counts, in frames. Free frames include those the harts' caches hold. A
 * count is a snapshot: exact when no other hart allocates or frees meanwhile.
 */
uint64_t frame_free_count(void);
uint64_t frame_cached_count(void);
uint64_t frame_total_count(void);

/*
 * The largest order frame_alloc_contiguous() could satisfy now; -1 when none
 * is free. Like the next, it first gives every cached frame back to the
 * buddy system (which frame_alloc_contiguous would do before failing).
 */
int frame_largest_free_order(void);
/* How many free blocks of 2^order frames there are now (the free list's length; for tests). */
uint64_t frame_free_blocks(unsigned order);

/* The memory map frame_init() built: RAM, reservations and usable ranges. */
const struct memmap *frame_memory_map(void);

/* Guest instructions frame_init() took (make bench reports it for 128 MiB and 2 GiB). */
uint64_t frame_init_instructions(void);

#endif
