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
 *
 * Failure is a null paddr_t (value 0: physical 0 is never RAM on virt).
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>

#include "mm/addr.h"

/* Build the free pool from the device tree's memory map. */
void frame_init(void);

/* One frame, contents undefined / all zero. Null when memory is exhausted. */
paddr_t frame_alloc(void);
paddr_t frame_alloc_zeroed(void);

/* 2^order physically contiguous frames, aligned to their total size. */
paddr_t frame_alloc_contiguous(unsigned order);

/* Drop one reference; the frame (or block) is free when none is left. */
void frame_free(paddr_t pa);
void frame_free_contiguous(paddr_t pa, unsigned order);

/* Add a reference to an allocated frame; returns the new count. */
unsigned frame_ref(paddr_t pa);
unsigned frame_ref_count(paddr_t pa);

/* Counts, in frames. */
uint64_t frame_free_count(void);
uint64_t frame_total_count(void);

#endif
