/*
 * test_memmap.c: the memory map (src/mm/memmap.c) against a model: a bitmap
 * of pages, one bit per 4 KiB. A page is usable when it lies wholly inside
 * some RAM range and touches no reserved byte. Random ranges, with sizes and
 * edges that are not page aligned, must give exactly the model's pages.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "arch/layout.h"
#include "mm/memmap.h"

#define MODEL_PAGES 512 /* the model covers 2 MiB from MODEL_BASE */
#define MODEL_BASE  0x80000000ull

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

struct model {
    bool ram[MODEL_PAGES];
    bool reserved[MODEL_PAGES];
};

static void model_mark(bool *pages, uint64_t base, uint64_t end, bool whole_pages_only)
{
    for (int p = 0; p < MODEL_PAGES; p++) {
        uint64_t page = MODEL_BASE + (uint64_t)p * PAGE_SIZE;
        bool inside = base <= page && page + PAGE_SIZE <= end;
        bool touches = base < page + PAGE_SIZE && page < end;
        if (whole_pages_only ? inside : touches)
            pages[p] = true;
    }
}

/* Compare the map's usable ranges with the model, page by page. */
static void check_against_model(const struct memmap *map, const struct model *model)
{
    bool usable[MODEL_PAGES] = {false};
    for (int i = 0; i < map->usable_count; i++) {
        const struct memmap_range *r = &map->usable[i];
        cr_assert_eq(r->base % PAGE_SIZE, 0, "usable base %#lx not page aligned", r->base);
        cr_assert_eq(r->end % PAGE_SIZE, 0);
        cr_assert_lt(r->base, r->end, "empty usable range");
        if (i > 0)
            cr_assert_lt(map->usable[i - 1].end, r->base, "ranges must be sorted, apart");
        for (uint64_t page = r->base; page < r->end; page += PAGE_SIZE) {
            cr_assert_geq(page, MODEL_BASE);
            usable[(page - MODEL_BASE) / PAGE_SIZE] = true;
        }
    }
    for (int p = 0; p < MODEL_PAGES; p++) {
        bool expected = model->ram[p] && !model->reserved[p];
        cr_assert_eq(usable[p], expected, "page %d: usable %d, model %d", p, usable[p], expected);
    }
}

static void random_range(uint64_t *state, uint64_t *base, uint64_t *size)
{
    uint64_t span = (uint64_t)MODEL_PAGES * PAGE_SIZE;
    *base = MODEL_BASE + next_random(state) % span;
    *size = 1 + next_random(state) % (span / 4);
    if (*base + *size > MODEL_BASE + span)
        *size = MODEL_BASE + span - *base;
}

Test(memmap, random_ram_and_reservations_match_a_page_model)
{
    uint64_t state = 0x1234567887654321ull;
    for (int round = 0; round < 2000; round++) {
        struct memmap map;
        struct model model;
        memset(&model, 0, sizeof(model));
        memmap_init(&map);
        int ram = 1 + (int)(next_random(&state) % 4);
        int reserved = (int)(next_random(&state) % 10);
        /* Interleave the calls: the result must not depend on their order. */
        for (int i = 0; i < ram + reserved; i++) {
            uint64_t base;
            uint64_t size;
            random_range(&state, &base, &size);
            if (i % 2 == 0 && ram > 0) {
                ram--;
                cr_assert(memmap_add_ram(&map, base, size));
                model_mark(model.ram, base, base + size, true);
            } else if (reserved > 0) {
                reserved--;
                cr_assert(memmap_reserve(&map, base, size, "test"));
                model_mark(model.reserved, base, base + size, false);
            }
        }
        check_against_model(&map, &model);
        cr_assert_not(map.overflowed);
    }
}

Test(memmap, take_reserves_the_first_range_that_fits)
{
    struct memmap map;
    memmap_init(&map);
    memmap_add_ram(&map, 0x80000000, 0x100000);
    memmap_reserve(&map, 0x80002000, 0x1000, "hole");
    uint64_t before = memmap_usable_bytes(&map);
    /* 0x2000 fits below the hole; 0x3001 bytes round to 4 pages and must go above it. */
    cr_assert_eq(memmap_take(&map, 0x2000, "a"), 0x80000000u);
    cr_assert_eq(memmap_take(&map, 0x3001, "b"), 0x80003000u);
    cr_assert_eq(memmap_usable_bytes(&map), before - 0x2000 - 0x4000);
    cr_assert_eq(memmap_take(&map, 0x200000, "too big"), 0u);
    cr_assert_eq(memmap_take(&map, 0, "nothing"), 0u);
    cr_assert_str_eq(map.reserved[map.reserved_count - 1].what, "b");
}

Test(memmap, ranges_at_the_top_of_the_address_space_do_not_wrap)
{
    struct memmap map;
    memmap_init(&map);
    memmap_add_ram(&map, 0x80000000, 0x80000000);
    memmap_add_ram(&map, UINT64_MAX - 0x1fff, 0x4000); /* would wrap: saturates */
    memmap_reserve(&map, 0x100000000ull, UINT64_MAX - 0x100000000ull, "beyond the window");
    cr_assert_eq(map.usable_count, 1);
    cr_assert_eq(map.usable[0].base, 0x80000000u);
    cr_assert_eq(map.usable[0].end, 0x100000000u);
    memmap_reserve(&map, 0xffffffffull, 1, "last byte");
    cr_assert_eq(map.usable[0].end, 0xfffff000u);
}

Test(memmap, a_full_table_says_so_and_keeps_what_it_has)
{
    struct memmap map;
    memmap_init(&map);
    cr_assert(memmap_add_ram(&map, 0x80000000, 0x10000000));
    /* Each reservation splits a range; the usable table fills first. */
    int accepted = 0;
    for (int i = 0; i < 3 * MEMMAP_MAX_RANGES; i++) {
        if (memmap_reserve(&map, 0x80000000 + (uint64_t)i * 0x10000 + 0x8000, 0x1000, "pin"))
            accepted++;
    }
    cr_assert_eq(accepted, MEMMAP_MAX_RANGES);
    cr_assert(map.overflowed);
    /* Whatever is reported usable is really free of every accepted reservation. */
    for (int i = 0; i < map.usable_count; i++) {
        for (int r = 0; r < map.reserved_count; r++)
            cr_assert(map.usable[i].end <= map.reserved[r].base ||
                      map.usable[i].base >= map.reserved[r].end);
    }
}
