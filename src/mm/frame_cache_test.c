/*
 * frame_cache_test.c: the per-hart frame caches in front of the buddy system.
 *
 * What the caches must keep: every frame given once and only once, every
 * frame back in the counts, the cached frames found again when the buddy
 * system runs dry. What they are for: single frames allocated and freed
 * without frame_lock, which a hart then takes once per batch. The cases on
 * several threads spread over every hart online (the lab runs this suite
 * on four); on one hart they still pass frames between threads.
 *
 * After every case the free count must be back where it started, and every
 * free list exactly as before (frame_free_blocks first gives every cached
 * frame back, so the buddy system is whole again).
 */
#include "arch/hart.h"
#include "console/console.h"
#include "ktest/ktest.h"
#include "mm/frame.h"
#include "arch/riscv.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "trap/timer.h"
#include "sync/spinlock.h"

/* A diagnostic line in the KTAP stream: what a case measured, for the reader. */
#define NOTE(t, fmt, ...) kprintf("    # %s: " fmt "\n", (t)->name, __VA_ARGS__)

static uint64_t free_at_start;
static uint64_t blocks_at_start[FRAME_MAX_ORDER + 1];

static void cache_before(struct ktest *t)
{
    (void)t;
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        blocks_at_start[order] = frame_free_blocks(order);
    free_at_start = frame_free_count();
}

static void cache_after(struct ktest *t)
{
    EXPECT_EQ(t, frame_free_count(), free_at_start);
    for (unsigned order = 0; order <= FRAME_MAX_ORDER; order++)
        EXPECT_EQ(t, frame_free_blocks(order), blocks_at_start[order]);
}

/* ---- One hart: the lock is spared, the counts are exact ---------------------------- */

#define HELD 256

static paddr_t held[HELD];

/*
 * 256 frames taken and given back, four times over, then 2,000 frames taken
 * and freed one at a time: 4,048 operations. With a cache per hart, frame_lock
 * is taken for a batch of 16 frames at most, so at most one take in eight
 * operations; without, at every one.
 */
static void frame_cache_spares_the_pool_lock(struct ktest *t)
{
    uint64_t takes = frame_pool_lock_takes();
    uint64_t operations = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < HELD; i++) {
            held[i] = frame_alloc();
            ASSERT_FALSE(t, paddr_is_null(held[i]));
        }
        for (int i = 0; i < HELD; i++)
            frame_free(held[i]);
        operations += 2 * HELD;
    }
    for (int i = 0; i < 1000; i++) {
        paddr_t pa = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(pa));
        frame_free(pa);
        operations += 2;
    }
    takes = frame_pool_lock_takes() - takes;
    NOTE(t, "%lu operations took frame_lock %lu times", operations, takes);
    EXPECT_LE(t, takes * 8, operations);
}

/*
 * Frames in a cache are free: counted in frame_free_count, holding no
 * reference. The cache keeps some (frame_cached_count > 0 after frees) and
 * never more than FRAME_CACHE_SIZE per hart.
 */
static void frame_cache_counts_are_exact(struct ktest *t)
{
    for (int i = 0; i < 200; i++) {
        held[i] = frame_alloc();
        ASSERT_FALSE(t, paddr_is_null(held[i]));
        EXPECT_EQ(t, frame_ref_count(held[i]), 1u);
        EXPECT_EQ(t, frame_free_count(), free_at_start - (uint64_t)i - 1);
    }
    for (int i = 0; i < 200; i++) {
        frame_free(held[i]);
        EXPECT_EQ(t, frame_ref_count(held[i]), 0u);
        EXPECT_EQ(t, frame_free_count(), free_at_start - 199 + (uint64_t)i);
        EXPECT_LE(t, frame_cached_count(), (uint64_t)FRAME_CACHE_SIZE * hart_online_count());
    }
    EXPECT_GT(t, frame_cached_count(), 0ul);
    /* A shared frame goes back only with its last reference, cache or not. */
    paddr_t shared = frame_alloc();
    ASSERT_FALSE(t, paddr_is_null(shared));
    EXPECT_EQ(t, frame_ref(shared), 2u);
    frame_free(shared);
    EXPECT_EQ(t, frame_ref_count(shared), 1u);
    EXPECT_EQ(t, frame_free_count(), free_at_start - 1);
    frame_free(shared);
    EXPECT_EQ(t, frame_ref_count(shared), 0u);
}

/* ---- Every hart at once ------------------------------------------------------------ */

#define WORKERS      8
#define ROUNDS       30
#define PER_ROUND    100
#define EXCHANGE_CAP (WORKERS * PER_ROUND)

/*
 * Frames passed from one worker to another, so that a frame is often freed
 * on another hart than the one that took it: a stack under its own lock.
 */
static struct spinlock exchange_lock = SPINLOCK_INIT("frame test exchange");
static paddr_t exchange[EXCHANGE_CAP];
static int exchange_count;

static uint64_t worker_errors;
static uint32_t worker_harts;
static int workers_started;

/* What a worker writes into the first and the last word of each frame it holds. */
static uint64_t signature(int worker, int round, int i)
{
    return 0x5a5a000000000000ull | (uint64_t)worker << 32 | (uint64_t)round << 16 | (uint64_t)i;
}

static void mark(paddr_t pa, uint64_t value)
{
    uint64_t *words = paddr_to_ptr(pa);
    words[0] = value;
    words[PAGE_SIZE / 8 - 1] = ~value;
}

static bool marked(paddr_t pa, uint64_t value)
{
    const volatile uint64_t *words = paddr_to_ptr(pa);
    return words[0] == value && words[PAGE_SIZE / 8 - 1] == ~value;
}

static void error(void)
{
    __atomic_fetch_add(&worker_errors, 1, __ATOMIC_RELAXED);
}

/*
 * Each round: take PER_ROUND frames and mark them all; check every mark
 * (a frame given to two holders at once carries someone else's); free half,
 * pass the other half on, and free what others passed (checking their marks).
 */
static int frame_worker(void *arg)
{
    int me = (int)(uintptr_t)arg;
    paddr_t mine[PER_ROUND];
    /*
     * Wait (at most 50 ms) until every worker has started, so that they run
     * at once on every hart: under -icount the first ones would otherwise be
     * done before an idle hart's turn came.
     */
    __atomic_fetch_add(&workers_started, 1, __ATOMIC_RELAXED);
    uint64_t give_up = read_time() + timer_frequency() / 20;
    while (__atomic_load_n(&workers_started, __ATOMIC_RELAXED) < WORKERS && read_time() < give_up)
        sched_yield();
    for (int round = 0; round < ROUNDS; round++) {
        __atomic_fetch_or(&worker_harts, 1u << hart_index(), __ATOMIC_RELAXED);
        int count = 0;
        for (; count < PER_ROUND; count++) {
            mine[count] = frame_alloc();
            if (paddr_is_null(mine[count])) {
                error();
                break;
            }
            mark(mine[count], signature(me, round, count));
        }
        for (int i = 0; i < count; i++) {
            if (!marked(mine[i], signature(me, round, i)))
                error();
        }
        for (int i = 0; i < count; i += 2)
            frame_free(mine[i]);
        spinlock_acquire(&exchange_lock);
        for (int i = 1; i < count; i += 2) {
            mark(mine[i], 0xe4c4a46e00000000ull | mine[i].value);
            if (exchange_count < EXCHANGE_CAP)
                exchange[exchange_count++] = mine[i];
            else
                error(); /* cannot happen: each worker takes as many as it gives */
        }
        int passed = 0;
        paddr_t theirs[PER_ROUND / 2];
        while (passed < PER_ROUND / 2 && exchange_count > 0)
            theirs[passed++] = exchange[--exchange_count];
        spinlock_release(&exchange_lock);
        for (int i = 0; i < passed; i++) {
            if (!marked(theirs[i], 0xe4c4a46e00000000ull | theirs[i].value))
                error();
            frame_free(theirs[i]);
        }
    }
    return 0;
}

static void run_workers(struct ktest *t)
{
    worker_errors = 0;
    worker_harts = 0;
    workers_started = 0;
    exchange_count = 0;
    struct thread *threads[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        threads[i] = thread_create(frame_worker, (void *)(uintptr_t)i, "frame worker");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    for (int i = 0; i < WORKERS; i++)
        thread_join(threads[i], NULL);
    while (exchange_count > 0)
        frame_free(exchange[--exchange_count]);
}

/*
 * Eight workers on every hart take, mark, pass on and free 24,000 frames:
 * no frame is given twice at once (every mark is intact), none is lost (the
 * after-hook: the count, and every free list, as before).
 */
static void frame_cache_every_hart_loses_nothing(struct ktest *t)
{
    run_workers(t);
    EXPECT_EQ(t, worker_errors, 0ul);
    EXPECT_GT(t, frame_cached_count(), 0ul); /* the frees went to the caches, and count as free */
    NOTE(t, "workers ran on %d of %u harts; %lu frames cached now",
         __builtin_popcount(worker_harts), hart_online_count(), frame_cached_count());
}

/* The same work on every hart takes frame_lock for one operation in eight at most. */
static void frame_cache_every_hart_spares_the_pool_lock(struct ktest *t)
{
    uint64_t takes = frame_pool_lock_takes();
    uint64_t contended = frame_lock_contention();
    run_workers(t);
    takes = frame_pool_lock_takes() - takes;
    uint64_t operations = 2ull * WORKERS * ROUNDS * PER_ROUND;
    EXPECT_EQ(t, worker_errors, 0ul);
    EXPECT_LE(t, takes * 8, operations);
    NOTE(t, "%lu operations on %d harts took frame_lock %lu times, found it taken %lu times",
         operations, __builtin_popcount(worker_harts), takes, frame_lock_contention() - contended);
}

/* ---- Robustness ------------------------------------------------------------------ */

/*
 * With frames cached on every hart the workers ran on, take frames until
 * there are none: every free frame must be found, the other harts' cached
 * ones too. Then NULL; then every frame back, the largest block whole.
 */
static void frame_cache_exhaustion_finds_every_cached_frame(struct ktest *t)
{
    int largest_before = frame_largest_free_order();
    run_workers(t);
    ASSERT_EQ(t, worker_errors, 0ul);
    ASSERT_GT(t, frame_cached_count(), 0ul);
    uint64_t free_now = frame_free_count();
    uint64_t chain = 0;
    uint64_t taken = 0;
    for (;;) {
        paddr_t pa = frame_alloc();
        if (paddr_is_null(pa))
            break;
        *(uint64_t *)paddr_to_ptr(pa) = chain;
        chain = pa.value;
        taken++;
    }
    EXPECT_EQ(t, taken, free_now);
    EXPECT_EQ(t, frame_free_count(), 0ul);
    EXPECT_EQ(t, frame_cached_count(), 0ul);
    EXPECT_TRUE(t, paddr_is_null(frame_alloc_contiguous(0)));
    while (chain != 0) {
        paddr_t pa = paddr(chain);
        chain = *(uint64_t *)paddr_to_ptr(pa);
        frame_free(pa);
    }
    EXPECT_EQ(t, frame_free_count(), free_now);
    EXPECT_EQ(t, frame_largest_free_order(), largest_before);
}

/*
 * A hart that only frees (here: 1,000 frames taken from the buddy system
 * directly, then freed) keeps at most FRAME_CACHE_SIZE: a full cache gives
 * a batch back instead of growing. Blocks still come whole from the buddy
 * system after, and a free of order 0 through frame_free_contiguous goes
 * the same way as frame_free.
 */
#define MANY 1000

static paddr_t many[MANY];

static void frame_cache_full_cache_drains(struct ktest *t)
{
    for (int i = 0; i < MANY; i++) {
        many[i] = frame_alloc_contiguous(0);
        ASSERT_FALSE(t, paddr_is_null(many[i]));
    }
    uint64_t cached_before = frame_cached_count();
    for (int i = 0; i < MANY; i++) {
        if (i % 2 == 0)
            frame_free(many[i]);
        else
            frame_free_contiguous(many[i], 0);
        EXPECT_LE(t, frame_cached_count(), (uint64_t)FRAME_CACHE_SIZE * hart_online_count());
    }
    EXPECT_GT(t, frame_cached_count(), cached_before);
    EXPECT_EQ(t, frame_free_count(), free_at_start);
    paddr_t block = frame_alloc_contiguous(6);
    ASSERT_FALSE(t, paddr_is_null(block));
    frame_free_contiguous(block, 6);
}

static const struct ktest_case frame_cache_cases[] = {
    KTEST_CASE(frame_cache_spares_the_pool_lock),
    KTEST_CASE(frame_cache_counts_are_exact),
    KTEST_CASE(frame_cache_every_hart_loses_nothing),
    KTEST_CASE(frame_cache_every_hart_spares_the_pool_lock),
    KTEST_CASE(frame_cache_exhaustion_finds_every_cached_frame),
    KTEST_CASE(frame_cache_full_cache_drains),
    {0},
};
KTEST_SUITE_HOOKS(frame_cache, frame_cache_cases, cache_before, cache_after);
