/*
 * test_heap.c: the four heap designs (src/mm/heap_*.c), compiled for the host
 * and run under AddressSanitizer with random traces.
 *
 * A model keeps every live block (address, size, fill byte) sorted by
 * address, so each new block is checked against its neighbours for overlap,
 * and each block's bytes are checked when it is freed: a heap that handed out
 * the same bytes twice, or wrote into a live block, is caught. Arenas come
 * from aligned_alloc, so ASan also reports any write outside them.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_panic.h"
#include "mm/heap/heap_design.h"

#define ARENA_SIZE (256 * 1024)
#define MAX_LIVE   4096

static uint64_t random_state;

static uint64_t next_random(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

/* ---- Memory for the heaps: arenas, and a grower with a budget ---- */

struct host_grower {
    size_t budget;
    void *chunks[128];
    int count;
};

static size_t next_power_of_two(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* Chunks of at least 64 KiB, power-of-two sized and aligned, as the kernel's frames are. */
static void *host_grow(void *context, size_t min_bytes, size_t *size)
{
    struct host_grower *g = context;
    size_t bytes = next_power_of_two(min_bytes < 65536 ? 65536 : min_bytes);
    if (bytes > g->budget || g->count == 128)
        return NULL;
    void *chunk = aligned_alloc(bytes, bytes);
    cr_assert_not_null(chunk);
    g->budget -= bytes;
    g->chunks[g->count++] = chunk;
    *size = bytes;
    return chunk;
}

struct fixture {
    const struct heap_design *design;
    void *arena;
    struct heap *heap;
    struct host_grower grower;
    struct heap_stats initial;
};

static void fixture_open(struct fixture *f, const struct heap_design *design, size_t grow_budget)
{
    memset(f, 0, sizeof(*f));
    f->design = design;
    f->arena = aligned_alloc(ARENA_SIZE, ARENA_SIZE);
    cr_assert_not_null(f->arena);
    f->grower.budget = grow_budget;
    struct heap_grower grower = {host_grow, &f->grower};
    f->heap = heap_create(design, f->arena, ARENA_SIZE, grow_budget > 0 ? &grower : NULL);
    cr_assert_not_null(f->heap, "%s: heap_create refused a %d-byte arena", design->name,
                       ARENA_SIZE);
    heap_get_stats(f->heap, &f->initial);
}

static void fixture_close(struct fixture *f)
{
    for (int i = 0; i < f->grower.count; i++)
        free(f->grower.chunks[i]);
    free(f->arena);
}

/* ---- The model of live blocks ---- */

struct block {
    uint8_t *p;
    size_t size;
    uint8_t fill;
};

struct model {
    struct block live[MAX_LIVE]; /* sorted by address */
    int count;
};

static int model_position(const struct model *m, const uint8_t *p)
{
    int low = 0;
    int high = m->count;
    while (low < high) {
        int middle = (low + high) / 2;
        if (m->live[middle].p < p)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/* Record a new block: it must be aligned and overlap none of its neighbours. */
static void model_add(struct model *m, const struct fixture *f, uint8_t *p, size_t size)
{
    cr_assert_eq((uintptr_t)p % HEAP_MIN_ALIGN, 0, "%s: %p is not 16-aligned", f->design->name, p);
    if (f->design == &heap_design_buddy) {
        /* Buddy blocks are aligned to their (power-of-two) size. */
        size_t block = next_power_of_two(size < 16 ? 16 : size);
        cr_assert_eq((uintptr_t)p % block, 0, "buddy block %p of %zu bytes is misaligned", p, size);
    }
    int at = model_position(m, p);
    if (at > 0)
        cr_assert_leq(m->live[at - 1].p + m->live[at - 1].size, p, "%s: %p overlaps %p",
                      f->design->name, p, m->live[at - 1].p);
    if (at < m->count)
        cr_assert_leq(p + size, m->live[at].p, "%s: %p+%zu overlaps %p", f->design->name, p, size,
                      m->live[at].p);
    cr_assert_lt(m->count, MAX_LIVE);
    memmove(&m->live[at + 1], &m->live[at], (size_t)(m->count - at) * sizeof(m->live[0]));
    uint8_t fill = (uint8_t)(next_random() | 1);
    memset(p, fill, size);
    m->live[at] = (struct block){p, size, fill};
    m->count++;
}

static void model_check_contents(const struct block *b)
{
    for (size_t i = 0; i < b->size; i++)
        cr_assert_eq(b->p[i], b->fill, "block %p byte %zu was overwritten", b->p, i);
}

/* Forget (and check) the block at index `at`; returns it. */
static struct block model_remove(struct model *m, int at)
{
    struct block b = m->live[at];
    model_check_contents(&b);
    memmove(&m->live[at], &m->live[at + 1], (size_t)(m->count - at - 1) * sizeof(m->live[0]));
    m->count--;
    return b;
}

static size_t random_size(void)
{
    switch (next_random() % 8) {
    case 0: return 1 + next_random() % 16;
    case 1:
    case 2:
    case 3: return 1 + next_random() % 128;
    case 4:
    case 5: return 1 + next_random() % 1024;
    case 6: return 1 + next_random() % 4096;
    default: return 1 + next_random() % 16384;
    }
}

/*
 * A random trace: allocations, frees and reallocs in random order, with a
 * bias that makes the live set grow and shrink in waves. Allocation may fail
 * (NULL) when the heap is full: that must never corrupt anything.
 */
static int run_trace(struct fixture *f, struct model *m, int steps)
{
    int failures = 0;
    for (int step = 0; step < steps; step++) {
        bool growing = (step / 500) % 2 == 0;
        uint64_t choice = next_random() % 10;
        if (m->count > 0 && (choice < (growing ? 3u : 6u) || m->count == MAX_LIVE)) {
            struct block b = model_remove(m, (int)(next_random() % (uint64_t)m->count));
            heap_free(f->heap, b.p);
        } else if (m->count > 0 && choice == 9) {
            int at = (int)(next_random() % (uint64_t)m->count);
            size_t size = random_size();
            uint8_t *moved = heap_realloc(f->heap, m->live[at].p, size);
            if (moved == NULL) {
                model_check_contents(&m->live[at]); /* failure leaves the old block alone */
                failures++;
                continue;
            }
            struct block old = m->live[at];
            size_t kept = old.size < size ? old.size : size;
            for (size_t i = 0; i < kept; i++)
                cr_assert_eq(moved[i], old.fill, "realloc lost byte %zu", i);
            memmove(&m->live[at], &m->live[at + 1], (size_t)(m->count - at - 1) * sizeof(old));
            m->count--;
            model_add(m, f, moved, size);
        } else {
            size_t size = random_size();
            uint8_t *p = heap_alloc(f->heap, size);
            if (p == NULL) {
                failures++;
                continue;
            }
            model_add(m, f, p, size);
        }
    }
    return failures;
}

static void free_everything(struct fixture *f, struct model *m)
{
    while (m->count > 0) {
        struct block b = model_remove(m, (int)(next_random() % (uint64_t)m->count));
        heap_free(f->heap, b.p);
    }
}

static void expect_whole(const struct fixture *f, const struct heap_stats *before)
{
    struct heap_stats now;
    heap_get_stats(f->heap, &now);
    cr_assert_eq(now.live_blocks, 0u, "%s: %zu live blocks", f->design->name, now.live_blocks);
    cr_assert_eq(now.used_bytes, 0u, "%s: %zu bytes used", f->design->name, now.used_bytes);
    if (f->design == &heap_design_fixed)
        return; /* class pages stay with their class: the fixed heap is never whole again */
    cr_assert_eq(now.free_bytes, before->free_bytes, "%s: free %zu, at the start %zu",
                 f->design->name, now.free_bytes, before->free_bytes);
    cr_assert_eq(now.largest_free, before->largest_free, "%s: largest %zu, at the start %zu",
                 f->design->name, now.largest_free, before->largest_free);
}

static struct model model; /* big: keep it off the stack */

/* ---- Tests ---- */

Test(heap, every_design_is_registered_by_name)
{
    const char *names[] = {"buddy", "bump", "list", "fixed"};
    for (int i = 0; i < 4; i++) {
        cr_assert_not_null(heap_designs[i]);
        cr_assert_eq(heap_design_find(names[i]), heap_designs[i]);
    }
    cr_assert_null(heap_designs[4]);
    cr_assert_null(heap_design_find("slab"));
}

Test(heap, random_traces_never_overlap_and_leave_buddy_and_list_whole)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            struct fixture f;
            random_state = 0x9e3779b97f4a7c15ull * seed;
            fixture_open(&f, heap_designs[d], 0);
            model.count = 0;
            run_trace(&f, &model, 6000);
            free_everything(&f, &model);
            expect_whole(&f, &f.initial);
            fixture_close(&f);
        }
    }
}

/*
 * The buddy heap splits a block down to the size asked and merges the halves
 * back: in a fresh heap every 16-byte granule of its free memory can be handed
 * out as a 16-byte block, and once all are freed, in any order, the free
 * memory is in blocks as large as at the start.
 */
static void *granules[ARENA_SIZE / 16];

Test(heap, buddy_splits_down_to_16_bytes_and_merges_back)
{
    struct fixture f;
    fixture_open(&f, &heap_design_buddy, 0);
    size_t expected = f.initial.free_bytes / 16;
    size_t count = 0;
    while (count < ARENA_SIZE / 16) {
        void *p = heap_alloc(f.heap, 16);
        if (p == NULL)
            break;
        granules[count++] = p;
    }
    cr_assert_eq(count, expected, "buddy: %zu blocks of 16 bytes from %zu free bytes, expected %zu",
                 count, f.initial.free_bytes, expected);
    struct heap_stats full;
    heap_get_stats(f.heap, &full);
    cr_assert_eq(full.free_bytes, 0u, "buddy: %zu bytes still free", full.free_bytes);
    random_state = 7;
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)(next_random() % i);
        void *swap = granules[i - 1];
        granules[i - 1] = granules[j];
        granules[j] = swap;
    }
    for (size_t i = 0; i < count; i++)
        heap_free(f.heap, granules[i]);
    expect_whole(&f, &f.initial);
    fixture_close(&f);
}

Test(heap, growing_heaps_take_chunks_and_are_whole_after_all_is_freed)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        struct fixture f;
        random_state = 42;
        fixture_open(&f, heap_designs[d], 4u << 20);
        model.count = 0;
        /* Mostly allocations: the live set outgrows the 256 KiB arena. */
        for (int step = 0; step < 3000 && model.count < MAX_LIVE; step++) {
            size_t size = random_size();
            uint8_t *p = heap_alloc(f.heap, size);
            if (p != NULL)
                model_add(&model, &f, p, size);
        }
        struct heap_stats grown;
        heap_get_stats(f.heap, &grown);
        if (f.design->growth_for != NULL) {
            cr_assert_gt(grown.total_bytes, f.initial.total_bytes, "%s did not grow",
                         f.design->name);
            cr_assert_gt(f.grower.count, 0);
        } else {
            cr_assert_eq(f.grower.count, 0, "bump must not grow");
        }
        struct heap_stats before_free = f.initial;
        free_everything(&f, &model);
        if (f.design == &heap_design_bump) {
            expect_whole(&f, &before_free);
        } else {
            struct heap_stats now;
            heap_get_stats(f.heap, &now);
            cr_assert_eq(now.live_blocks, 0u);
            cr_assert_eq(now.used_bytes, 0u);
            /* Grown chunks stay with the heap: all of their bytes are free again. */
            cr_assert_eq(now.total_bytes, grown.total_bytes);
        }
        fixture_close(&f);
    }
}

Test(heap, out_of_memory_is_null_and_the_heap_stays_intact)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        struct fixture f;
        random_state = 7;
        fixture_open(&f, heap_designs[d], 0);
        model.count = 0;
        int failures = 0;
        /* Fill it up; keep going past the first failure. */
        for (int step = 0; step < 20000 && model.count < MAX_LIVE && failures < 200; step++) {
            size_t size = random_size();
            uint8_t *p = heap_alloc(f.heap, size);
            if (p == NULL)
                failures++;
            else
                model_add(&model, &f, p, size);
        }
        cr_assert_gt(failures, 0, "%s: a 256 KiB arena never ran out", f.design->name);
        cr_assert_null(heap_alloc(f.heap, ARENA_SIZE), "%s", f.design->name);
        cr_assert_null(heap_alloc(f.heap, SIZE_MAX), "%s", f.design->name);
        cr_assert_null(heap_alloc(f.heap, HEAP_MAX_REQUEST + 1), "%s", f.design->name);
        cr_assert_null(heap_zalloc(f.heap, SIZE_MAX - 8));
        /* Everything handed out is still intact, and it all comes back. */
        for (int i = 0; i < model.count; i++)
            model_check_contents(&model.live[i]);
        free_everything(&f, &model);
        expect_whole(&f, &f.initial);
        cr_assert_not_null(heap_alloc(f.heap, 1000), "%s: no recovery", f.design->name);
        fixture_close(&f);
    }
}

Test(heap, largest_free_is_the_largest_request_that_succeeds)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        for (uint64_t seed = 1; seed <= 20; seed++) {
            struct fixture f;
            random_state = seed * 0x2545f4914f6cdd1dull;
            fixture_open(&f, heap_designs[d], 0);
            model.count = 0;
            run_trace(&f, &model, 300 + (int)(next_random() % 1500));
            struct heap_stats stats;
            heap_get_stats(f.heap, &stats);
            cr_assert_eq(stats.total_bytes, f.initial.total_bytes);
            cr_assert_leq(stats.used_bytes + stats.free_bytes, stats.total_bytes);
            cr_assert_eq(stats.live_blocks, (size_t)model.count);
            /* Exact for the designs whose free space is one kind of block... */
            if (f.design != &heap_design_fixed)
                cr_assert_null(heap_alloc(f.heap, stats.largest_free + 1),
                               "%s: %zu + 1 bytes succeeded", f.design->name, stats.largest_free);
            /* ...and a safe promise for all four. */
            if (stats.largest_free > 0) {
                uint8_t *p = heap_alloc(f.heap, stats.largest_free);
                cr_assert_not_null(p, "%s: largest_free %zu failed", f.design->name,
                                   stats.largest_free);
                model_add(&model, &f, p, stats.largest_free);
            }
            free_everything(&f, &model);
            fixture_close(&f);
        }
    }
}

/* setjmp lives in these small functions, so no loop variable of the caller is clobbered. */
static bool free_panics(struct heap *heap, void *p)
{
    return HOST_PANICS(heap_free(heap, p));
}

static bool realloc_panics(struct heap *heap, void *p, size_t size)
{
    return HOST_PANICS(heap_realloc(heap, p, size));
}

/* The panic message names the pointer, as the kernel prints it. */
static void expect_panic_naming(const char *what, void *p)
{
    char address[32];
    snprintf(address, sizeof(address), "%p", p);
    cr_assert(strstr(host_panic_message, address) != NULL, "%s: message \"%s\" lacks %s", what,
              host_panic_message, address);
}

Test(heap, double_frees_and_foreign_pointers_panic_with_the_address)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        struct fixture f;
        fixture_open(&f, heap_designs[d], 0);
        const char *name = f.design->name;
        /* One block stays live, so the bump heap does not reset under us. */
        uint8_t *keep = heap_alloc(f.heap, 64);
        uint8_t *small = heap_alloc(f.heap, 48);
        uint8_t *large = heap_alloc(f.heap, 5000);
        cr_assert(keep != NULL && small != NULL && large != NULL);
        heap_free(f.heap, small);
        cr_assert(free_panics(f.heap, small), "%s: double free of a small block", name);
        expect_panic_naming(name, small);
        cr_assert(strstr(host_panic_message, "double free") != NULL, "%s: \"%s\"", name,
                  host_panic_message);
        heap_free(f.heap, large);
        cr_assert(free_panics(f.heap, large), "%s: double free of a large block", name);
        expect_panic_naming(name, large);

        int on_stack = 0;
        void *foreign[] = {&on_stack, keep + 16, keep + 1, (uint8_t *)f.arena + ARENA_SIZE - 64,
                           (uint8_t *)f.arena + ARENA_SIZE + 4096};
        for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
            cr_assert(free_panics(f.heap, foreign[i]), "%s: kfree(%p) did not panic", name,
                      foreign[i]);
            expect_panic_naming(name, foreign[i]);
        }
        /* krealloc checks the pointer too. */
        cr_assert(realloc_panics(f.heap, small, 100000), "%s: realloc of freed", name);
        /* And the heap still works. */
        uint8_t *again = heap_alloc(f.heap, 48);
        cr_assert_not_null(again);
        heap_free(f.heap, again);
        heap_free(f.heap, keep);
        fixture_close(&f);
    }
}

Test(heap, realloc_grows_step_by_step_and_keeps_contents)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        struct fixture f;
        fixture_open(&f, heap_designs[d], 0);
        uint64_t *array = NULL;
        for (uint64_t n = 1; n <= 1000; n++) {
            array = heap_realloc(f.heap, array, n * sizeof(*array));
            cr_assert_not_null(array, "%s: realloc to %lu elements failed", f.design->name,
                               (unsigned long)n);
            array[n - 1] = n * n;
        }
        for (uint64_t n = 1; n <= 1000; n++)
            cr_assert_eq(array[n - 1], n * n);
        /* A failed realloc returns NULL and leaves the block as it was. */
        cr_assert_null(heap_realloc(f.heap, array, ARENA_SIZE * 4));
        cr_assert_eq(array[999], 1000u * 1000u);
        /* Shrinking keeps the block. */
        cr_assert_eq(heap_realloc(f.heap, array, 8), array);
        cr_assert_null(heap_realloc(f.heap, array, 0)); /* frees it */
        expect_whole(&f, &f.initial);
        fixture_close(&f);
    }
}

Test(heap, zalloc_clears_reused_memory)
{
    for (int d = 0; heap_designs[d] != NULL; d++) {
        struct fixture f;
        fixture_open(&f, heap_designs[d], 0);
        for (int round = 0; round < 50; round++) {
            uint8_t *dirty = heap_alloc(f.heap, 200);
            memset(dirty, 0xa5, 200);
            heap_free(f.heap, dirty);
            uint8_t *clean = heap_zalloc(f.heap, 200);
            for (int i = 0; i < 200; i++)
                cr_assert_eq(clean[i], 0, "%s: byte %d", f.design->name, i);
            heap_free(f.heap, clean);
        }
        fixture_close(&f);
    }
}

Test(heap, fixed_rounds_to_size_classes_and_sends_large_requests_to_its_fallback)
{
    struct fixture f;
    fixture_open(&f, &heap_design_fixed, 0);
    for (size_t size = 1; size <= 2048; size++) {
        void *p = heap_alloc(f.heap, size);
        size_t block = f.design->block_size(f.heap, p);
        cr_assert_eq(block, next_power_of_two(size < 16 ? 16 : size), "size %zu", size);
        cr_assert_eq((uintptr_t)p % block, 0, "a %zu-byte class block is aligned to its size",
                     block);
        heap_free(f.heap, p);
    }
    void *large = heap_alloc(f.heap, 3000);
    cr_assert_not_null(large);
    size_t block = f.design->block_size(f.heap, large);
    cr_assert(block >= 3000 && block < 3100, "fallback block of %zu bytes", block);
    heap_free(f.heap, large);
    /* Short-lived blocks of one class reuse the same few blocks. */
    void *first = heap_alloc(f.heap, 64);
    heap_free(f.heap, first);
    for (int i = 0; i < 1000; i++) {
        void *p = heap_alloc(f.heap, 64);
        cr_assert_eq(p, first, "a freed 64-byte block is reused first");
        heap_free(f.heap, p);
    }
    fixture_close(&f);
}

Test(heap, bump_resets_only_when_every_block_is_free)
{
    struct fixture f;
    fixture_open(&f, &heap_design_bump, 0);
    uint8_t *a = heap_alloc(f.heap, 100);
    uint8_t *b = heap_alloc(f.heap, 100);
    cr_assert_gt(b, a);
    heap_free(f.heap, a);
    uint8_t *c = heap_alloc(f.heap, 100);
    cr_assert_gt(c, b, "nothing is reused while a block is live");
    heap_free(f.heap, b);
    heap_free(f.heap, c);
    cr_assert_eq(heap_alloc(f.heap, 100), a, "all freed: the next block is the first again");
    fixture_close(&f);
}

Test(heap, arenas_too_small_or_misaligned_are_refused)
{
    static uint8_t tiny[64] __attribute__((aligned(4096)));
    for (int d = 0; heap_designs[d] != NULL; d++)
        cr_assert_null(heap_create(heap_designs[d], tiny, sizeof(tiny), NULL), "%s",
                       heap_designs[d]->name);
    static uint8_t arena[8 * 4096 + 16] __attribute__((aligned(4096)));
    cr_assert_null(heap_create(&heap_design_fixed, arena + 16, 8 * 4096, NULL));
    cr_assert_null(heap_create(&heap_design_buddy, arena + 8, 8 * 4096, NULL));
}
