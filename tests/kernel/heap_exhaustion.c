/*
 * heap_exhaustion: a test kernel that allocates until the kernel heap cannot
 * grow any more (the frame allocator is empty; or, for the bump design,
 * which never grows, its arena is full), and checks that running out is
 * clean: kmalloc returns NULL and does not panic, every block handed out is
 * intact, and once everything is freed the heap serves requests again.
 * It prints "heap_exhaustion: ok" and ends QEMU with 0 only if all held.
 */
#include "console/console.h"
#include "dev/machine.h"
#include "main.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"

/* A block: the next one in the chain, its size, and a pattern filling the rest. */
struct block {
    struct block *next;
    uint64_t size;
    uint64_t words[];
};

static uint64_t pattern(const struct block *b, uint64_t i)
{
    return (uint64_t)b ^ (i * 0x9e3779b97f4a7c15ull);
}

/* Allocate blocks of `size` until NULL; returns how many, pushed onto *chain. */
static uint64_t fill(struct block **chain, uint64_t size)
{
    uint64_t count = 0;
    for (;;) {
        struct block *b = kmalloc(size);
        if (b == NULL)
            return count;
        b->next = *chain;
        b->size = size;
        /* Touch only a few words of big blocks: the point is the heap, not memset. */
        for (uint64_t i = 0; i < 8 && i < (size - sizeof(*b)) / 8; i++)
            b->words[i] = pattern(b, i);
        *chain = b;
        count++;
    }
}

static int check_and_free(struct block *chain)
{
    int damaged = 0;
    while (chain != NULL) {
        struct block *next = chain->next;
        for (uint64_t i = 0; i < 8 && i < (chain->size - sizeof(*chain)) / 8; i++) {
            if (chain->words[i] != pattern(chain, i))
                damaged++;
        }
        kfree(chain);
        chain = next;
    }
    return damaged;
}

void kernel_run(void)
{
    int failures = 0;
    struct heap_stats before;
    heap_kernel_stats(&before);
    struct block *chain = NULL;
    /* Big blocks first, then ever smaller ones into whatever is left. */
    uint64_t sizes[] = {256 * 1024, 16 * 1024, 1024, 64};
    uint64_t blocks = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t count = fill(&chain, sizes[i]);
        kprintf("heap_exhaustion: %lu blocks of %lu bytes before NULL\n", count, sizes[i]);
        blocks += count;
    }
    struct heap_stats full;
    heap_kernel_stats(&full);
    kprintf("heap_exhaustion: heap %lu KiB, %lu KiB in use, %lu frames left\n",
            full.total_bytes >> 10, full.used_bytes >> 10, frame_free_count());
    if (full.total_bytes > before.total_bytes) {
        /* A growing heap holds (nearly) all RAM: fewer than 1% of the frames are left. */
        if (frame_free_count() * 100 > frame_total_count()) {
            kprintf("heap_exhaustion: %lu frames still free: the heap stopped growing early\n",
                    frame_free_count());
            failures++;
        }
    } else if (full.largest_free >= 64) {
        /* A heap that does not grow must at least be full. */
        kprintf("heap_exhaustion: %lu bytes still allocatable in a heap that said NULL\n",
                full.largest_free);
        failures++;
    }
    if (kmalloc(64) != NULL || kmalloc(1 << 20) != NULL) {
        kprintf("heap_exhaustion: kmalloc succeeded after it had failed\n");
        failures++;
    }
    if (full.live_blocks != before.live_blocks + blocks) {
        kprintf("heap_exhaustion: %lu live blocks, expected %lu\n", full.live_blocks,
                before.live_blocks + blocks);
        failures++;
    }
    int damaged = check_and_free(chain);
    if (damaged != 0) {
        kprintf("heap_exhaustion: %d words of live blocks were overwritten\n", damaged);
        failures++;
    }
    struct heap_stats after;
    heap_kernel_stats(&after);
    if (after.live_blocks != before.live_blocks || after.used_bytes != before.used_bytes) {
        kprintf("heap_exhaustion: after freeing all, %lu live blocks (%lu bytes), expected %lu\n",
                after.live_blocks, after.used_bytes, before.live_blocks);
        failures++;
    }
    void *again = kmalloc(16 * 1024);
    if (again == NULL) {
        kprintf("heap_exhaustion: the heap does not recover after everything is freed\n");
        failures++;
    }
    kfree(again);
    kprintf("heap_exhaustion: %s (%lu blocks)\n", failures == 0 ? "ok" : "FAILED", blocks);
    machine_exit(failures);
}
