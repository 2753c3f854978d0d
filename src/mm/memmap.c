/*
 * memmap.c: RAM minus reservations, recomputed from scratch after each change.
 *
 * The tables are tiny (a few RAM ranges, a dozen reservations), so the plain
 * way is the right one: rebuild the usable list by cutting every reservation
 * out of every RAM range. Order of calls therefore never matters.
 */
#include "mm/memmap.h"

#include "arch/layout.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

void memmap_init(struct memmap *map)
{
    map->ram_count = 0;
    map->reserved_count = 0;
    map->usable_count = 0;
    map->overflowed = false;
}

/* base + size, saturated at the top of the address space instead of wrapping. */
static uint64_t range_end(uint64_t base, uint64_t size)
{
    return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

static bool append(struct memmap_range *table, int *count, struct memmap_range range)
{
    if (*count >= MEMMAP_MAX_RANGES)
        return false;
    table[(*count)++] = range;
    return true;
}

/* Keep the usable list sorted: insert in address order. */
static bool insert_sorted(struct memmap *map, uint64_t base, uint64_t end)
{
    if (map->usable_count >= MEMMAP_MAX_RANGES) {
        map->overflowed = true;
        return false;
    }
    int i = map->usable_count;
    while (i > 0 && map->usable[i - 1].base > base) {
        map->usable[i] = map->usable[i - 1];
        i--;
    }
    map->usable[i] = (struct memmap_range){base, end, "usable"};
    map->usable_count++;
    return true;
}

/* Merge overlapping or touching neighbours (RAM nodes may describe one bank twice). */
static void merge_usable(struct memmap *map)
{
    int out = 0;
    for (int i = 0; i < map->usable_count; i++) {
        if (out > 0 && map->usable[i].base <= map->usable[out - 1].end) {
            if (map->usable[i].end > map->usable[out - 1].end)
                map->usable[out - 1].end = map->usable[i].end;
        } else {
            map->usable[out++] = map->usable[i];
        }
    }
    map->usable_count = out;
}

/* Cut [base, end) out of every usable range; a range it falls inside splits in two. */
static void cut(struct memmap *map, uint64_t base, uint64_t end)
{
    for (int i = 0; i < map->usable_count; i++) {
        struct memmap_range *r = &map->usable[i];
        if (end <= r->base || base >= r->end)
            continue;
        uint64_t left_end = base > r->base ? base : r->base;
        uint64_t right_base = end < r->end ? end : r->end;
        uint64_t old_end = r->end;
        if (left_end > r->base) {
            r->end = left_end; /* keep the left piece here */
            if (right_base < old_end)
                insert_sorted(map, right_base, old_end);
        } else if (right_base < old_end) {
            r->base = right_base; /* only a right piece is left */
        } else {
            /* Nothing is left: remove the range and look at this index again. */
            for (int j = i; j + 1 < map->usable_count; j++)
                map->usable[j] = map->usable[j + 1];
            map->usable_count--;
            i--;
        }
    }
}

static void recompute(struct memmap *map)
{
    map->usable_count = 0;
    for (int i = 0; i < map->ram_count; i++) {
        /* RAM rounds inward: a partial page at either end is not a whole frame. */
        uint64_t base = (map->ram[i].base + PAGE_MASK) & ~PAGE_MASK;
        uint64_t end = map->ram[i].end & ~PAGE_MASK;
        if (base < map->ram[i].base) /* the round-up wrapped past the top */
            continue;
        if (base < end)
            insert_sorted(map, base, end);
    }
    merge_usable(map);
    for (int i = 0; i < map->reserved_count; i++) {
        /* Reservations round outward: a frame that holds any reserved byte is reserved. */
        uint64_t base = map->reserved[i].base & ~PAGE_MASK;
        uint64_t end = map->reserved[i].end;
        if ((end & PAGE_MASK) != 0)
            end = end > UINT64_MAX - PAGE_MASK ? UINT64_MAX : (end + PAGE_MASK) & ~PAGE_MASK;
        cut(map, base, end);
    }
}

bool memmap_add_ram(struct memmap *map, uint64_t base, uint64_t size)
{
    struct memmap_range range = {base, range_end(base, size), "ram"};
    if (size == 0)
        return true;
    if (!append(map->ram, &map->ram_count, range)) {
        map->overflowed = true;
        return false;
    }
    recompute(map);
    return true;
}

bool memmap_reserve(struct memmap *map, uint64_t base, uint64_t size, const char *what)
{
    struct memmap_range range = {base, range_end(base, size), what};
    if (size == 0)
        return true;
    if (!append(map->reserved, &map->reserved_count, range)) {
        map->overflowed = true;
        return false;
    }
    recompute(map);
    return true;
}

uint64_t memmap_take(struct memmap *map, uint64_t size, const char *what)
{
    uint64_t pages_bytes = (size + PAGE_MASK) & ~PAGE_MASK;
    if (size == 0 || pages_bytes < size)
        return 0;
    for (int i = 0; i < map->usable_count; i++) {
        uint64_t base = map->usable[i].base;
        if (map->usable[i].end - base >= pages_bytes) {
            if (!memmap_reserve(map, base, pages_bytes, what))
                return 0;
            return base;
        }
    }
    return 0;
}

uint64_t memmap_usable_bytes(const struct memmap *map)
{
    uint64_t total = 0;
    for (int i = 0; i < map->usable_count; i++)
        total += map->usable[i].end - map->usable[i].base;
    return total;
}
