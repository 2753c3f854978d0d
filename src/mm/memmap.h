/*
 * memmap.h: the physical memory map, as the frame allocator sees it.
 *
 * RAM ranges (from the device tree's memory nodes) minus reserved ranges
 * (OpenSBI, the kernel image, the device-tree blob, the allocator's own
 * metadata...) leave the usable ranges. Usable ranges are whole pages: RAM is
 * rounded inward and reservations outward, so a frame is never half-reserved.
 * Pure C, with no kernel dependency: the host tests check it against a model.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MEMMAP_MAX_RANGES 32

/* [base, end): end is exclusive, so an empty range has base == end. */
struct memmap_range {
    uint64_t base;
    uint64_t end;
    const char *what; /* why a range is reserved, for the boot log */
};

struct memmap {
    struct memmap_range ram[MEMMAP_MAX_RANGES];
    int ram_count;
    struct memmap_range reserved[MEMMAP_MAX_RANGES];
    int reserved_count;
    /* RAM minus reservations, page aligned, sorted by address, never adjacent. */
    struct memmap_range usable[MEMMAP_MAX_RANGES];
    int usable_count;
    bool overflowed; /* a table filled up: some range was dropped */
};

void memmap_init(struct memmap *map);

/* Add RAM, or a reservation; false (and map->overflowed) when the table is full. */
bool memmap_add_ram(struct memmap *map, uint64_t base, uint64_t size);
bool memmap_reserve(struct memmap *map, uint64_t base, uint64_t size, const char *what);

/*
 * Reserve `size` bytes (rounded up to pages) at the start of the first usable
 * range that holds them, and return their base; 0 when none is big enough.
 */
uint64_t memmap_take(struct memmap *map, uint64_t size, const char *what);

/* Bytes in the usable ranges. */
uint64_t memmap_usable_bytes(const struct memmap *map);

#endif
