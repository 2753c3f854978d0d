/*
 * smp_test.c: what only several harts can show: every hart runs threads,
 * an idle hart is woken by an IPI (not by its next tick), wake-ups come
 * from interrupts on other harts, a stale TLB entry on another hart is
 * real until a shootdown removes it, the sleeping primitives hold under
 * harts hammering them at once, and the executor wakes across harts.
 *
 * With one hart every case here is skipped (make test also boots this
 * image with four; tests/system/test_smp.py).
 */
#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "async/executor.h"
#include "async/future.h"
#include "console/console.h"
#include "ktest/ktest.h"
#include "lib/format.h"
#include "mm/frame.h"
#include "mm/memory_set.h"
#include "mm/pagetable.h"
#include "mm/tlb.h"
#include "proc/condvar.h"
#include "proc/mutex.h"
#include "proc/sched.h"
#include "proc/semaphore.h"
#include "proc/thread.h"
#include "trap/ipi.h"
#include "trap/timer.h"

/* A diagnostic line in the KTAP stream: what a case measured, for the reader. */
#define NOTE(t, fmt, ...) kprintf("    # %s: " fmt "\n", (t)->name, __VA_ARGS__)

static void need_several_harts(struct ktest *t)
{
    if (hart_online_count() < 2)
        KTEST_SKIP(t, "one hart online: boot with -smp 2 or more");
}

/* Sleep a tick at a time until *value reaches `expected`, or give up after `seconds`. */
static bool wait_until(volatile int *value, int expected, int seconds)
{
    for (int tick = 0; tick < seconds * HZ; tick++) {
        if (__atomic_load_n(value, __ATOMIC_ACQUIRE) >= expected)
            return true;
        sched_sleep_ticks(1);
    }
    return __atomic_load_n(value, __ATOMIC_ACQUIRE) >= expected;
}

/* ---- Every hart runs threads ----------------------------------------------------- */

#define SPREAD_THREADS 32

static uint32_t harts_seen;
static volatile int spread_done;

/*
 * 5 ms of work, then more until every online hart has run one of these (at
 * most 200 ms): under -icount the harts take turns on one host thread, and
 * 32 short threads could all be done before an idle hart's turn came. Kept
 * ready this way, the queue has work for every hart that looks at it.
 */
static int note_my_hart(void *unused)
{
    (void)unused;
    uint64_t now = read_time();
    uint64_t until = now + timer_frequency() / 200;
    uint64_t give_up = now + timer_frequency() / 5;
    for (;;) {
        __atomic_fetch_or(&harts_seen, 1u << hart_index(), __ATOMIC_RELAXED);
        now = read_time();
        if (now >= give_up ||
            (now >= until && __atomic_load_n(&harts_seen, __ATOMIC_RELAXED) == hart_online_mask()))
            break;
    }
    __atomic_fetch_add(&spread_done, 1, __ATOMIC_RELEASE);
    return 0;
}

/* Any hart runs any ready thread: 32 threads that each work 5 ms land on every hart. */
static void smp_every_hart_runs_threads(struct ktest *t)
{
    need_several_harts(t);
    harts_seen = 0;
    spread_done = 0;
    struct thread *threads[SPREAD_THREADS];
    for (int i = 0; i < SPREAD_THREADS; i++) {
        threads[i] = thread_create(note_my_hart, NULL, "spread");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    for (int i = 0; i < SPREAD_THREADS; i++)
        thread_join(threads[i], NULL);
    EXPECT_EQ(t, spread_done, SPREAD_THREADS);
    EXPECT_EQ(t, harts_seen, hart_online_mask());
}

/* ---- An idle hart is kicked awake ------------------------------------------------ */

static volatile uint64_t started_at;
static volatile int64_t started_on;

static int note_start(void *unused)
{
    (void)unused;
    started_at = read_time();
    __atomic_store_n(&started_on, hart_index(), __ATOMIC_RELEASE);
    return 0;
}

/*
 * A thread made ready while other harts sleep in wfi starts on one of them
 * at once: the wake clears that hart's idle bit and sends it an IPI. This
 * thread keeps its own hart (it waits in wfi, which keeps the hart, for
 * less than a time slice), so the new thread must run on another. The
 * latency is printed, not checked: under multi-threaded TCG it is the
 * host's time to wake a vCPU thread, and without the kick the idle hart
 * would still wake at its next tick; the kick count and the IPI the target
 * took are what prove the kick.
 */
static void smp_idle_hart_is_kicked_by_an_ipi(struct ktest *t)
{
    need_several_harts(t);
    uint32_t others = hart_online_mask() & ~(1u << hart_index());
    /*
     * A hart that happens to be awake in its idle loop (a tick woke it)
     * takes the thread with no kick; that is right too. So: wait until the
     * others sleep, and try up to ten times for a kick.
     */
    bool kicked = false;
    uint32_t slice = sched_slice_ticks();
    sched_set_slice_ticks(1000000); /* no slice ends: the new thread cannot take this hart */
    for (int attempt = 0; attempt < 10 && !kicked; attempt++) {
        for (int tick = 0; tick < HZ && (sched_idle_hart_mask() & others) != others; tick++)
            sched_sleep_ticks(1);
        struct sched_stats before;
        sched_get_stats(&before);
        uint64_t ipis_before[MAX_HARTS];
        for (uint32_t index = 0; index < MAX_HARTS; index++)
            ipis_before[index] = ipi_received_count_of(index);
        started_on = -1;
        uint64_t created_at = read_time();
        struct thread *thread = thread_create(note_start, NULL, "kicked");
        ASSERT_NOT_NULL(t, thread);
        uint64_t give_up = created_at + timer_frequency(); /* a second */
        while (__atomic_load_n(&started_on, __ATOMIC_ACQUIRE) < 0 && read_time() < give_up)
            wfi();
        int64_t where = __atomic_load_n(&started_on, __ATOMIC_ACQUIRE);
        uint64_t latency = started_at - created_at;
        thread_join(thread, NULL);
        struct sched_stats after;
        sched_get_stats(&after);
        EXPECT_GE(t, where, 0l);
        EXPECT_NE(t, where, (int64_t)hart_index());
        if (where < 0)
            break;
        kicked = after.kicks > before.kicks &&
                 ipi_received_count_of((uint32_t)where) > ipis_before[where];
        NOTE(t, "started on hart index %ld, %lu us after it was made ready, %s", where,
             latency * 1000000 / timer_frequency(), kicked ? "kicked by an IPI" : "no kick");
    }
    sched_set_slice_ticks(slice);
    EXPECT_TRUE(t, kicked);
}

/* ---- Wake-ups from interrupts on another hart ------------------------------------ */

#define INTERRUPT_WAKES 500

static struct semaphore woken_by_interrupt;
static volatile int interrupt_wakes_seen;

static int sleep_for_each_wake(void *unused)
{
    (void)unused;
    for (int i = 0; i < INTERRUPT_WAKES; i++) {
        semaphore_down(&woken_by_interrupt);
        __atomic_fetch_add(&interrupt_wakes_seen, 1, __ATOMIC_RELEASE);
    }
    return 0;
}

/* Runs in another hart's IPI handler: an interrupt handler that wakes a thread. */
static void post_from_an_interrupt(void *unused)
{
    (void)unused;
    semaphore_up(&woken_by_interrupt);
}

/*
 * 500 semaphore_up calls, each in an interrupt handler on another hart than
 * this one, wake a thread that sleeps between them: every one arrives, none
 * is lost between the sleeper's check and its sleep, and the count ends at 0.
 */
static void smp_wakeups_from_interrupts_on_other_harts(struct ktest *t)
{
    need_several_harts(t);
    semaphore_init(&woken_by_interrupt, 0, "woken by interrupt");
    interrupt_wakes_seen = 0;
    struct thread *sleeper = thread_create(sleep_for_each_wake, NULL, "interrupt-wakes");
    ASSERT_NOT_NULL(t, sleeper);
    for (int i = 0; i < INTERRUPT_WAKES; i++) {
        uint32_t others = hart_online_mask() & ~(1u << hart_index());
        /* Round the other harts: the handler runs on each of them in turn. */
        uint32_t target = (uint32_t)__builtin_ctz(others);
        for (int skip = i % __builtin_popcount(others); skip > 0; skip--) {
            others &= others - 1;
            target = (uint32_t)__builtin_ctz(others);
        }
        ipi_call(target, post_from_an_interrupt, NULL);
        if (i % 16 == 0)
            sched_yield(); /* sometimes let the sleeper run here, sometimes elsewhere */
    }
    EXPECT_TRUE(t, wait_until(&interrupt_wakes_seen, INTERRUPT_WAKES, 30));
    thread_join(sleeper, NULL);
    EXPECT_EQ(t, interrupt_wakes_seen, INTERRUPT_WAKES);
    EXPECT_EQ(t, semaphore_count(&woken_by_interrupt), 0ul);
}

/* ---- A mutex, a semaphore and a condition variable, hammered from every hart ------- */

#define HAMMER_THREADS 12
#define HAMMER_ROUNDS  5000

static struct mutex hammer_mutex;
static struct semaphore hammer_tokens; /* 3 tokens: at most 3 threads inside at once */
static struct condvar hammer_turn;
static volatile uint64_t hammer_counter;
static volatile int inside_now;
static volatile int inside_most;
static int turn;          /* whose turn the condvar round is (guarded by hammer_mutex) */
static uint64_t in_turns; /* condvar rounds done (guarded by hammer_mutex) */
static volatile int hammer_done;
static uint32_t hammer_harts;

static int hammer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int round = 0; round < HAMMER_ROUNDS; round++) {
        /* The mutex: a read, a pause, a write; an update lost would show in the count. */
        mutex_lock(&hammer_mutex);
        uint64_t value = hammer_counter;
        if (round % 512 == 0)
            sched_yield();
        hammer_counter = value + 1;
        mutex_unlock(&hammer_mutex);
        /* The semaphore: never more than its three tokens inside. */
        semaphore_down(&hammer_tokens);
        int inside = __atomic_add_fetch(&inside_now, 1, __ATOMIC_SEQ_CST);
        int most = __atomic_load_n(&inside_most, __ATOMIC_RELAXED);
        while (inside > most && !__atomic_compare_exchange_n(&inside_most, &most, inside, false,
                                                             __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            ;
        __atomic_fetch_sub(&inside_now, 1, __ATOMIC_SEQ_CST);
        semaphore_up(&hammer_tokens);
        __atomic_fetch_or(&hammer_harts, 1u << hart_index(), __ATOMIC_RELAXED);
        /* The condition variable: every 50 rounds, wait for this thread's turn in a ring. */
        if (round % 50 == 0) {
            mutex_lock(&hammer_mutex);
            while (turn != id)
                condvar_wait(&hammer_turn, &hammer_mutex);
            turn = (turn + 1) % HAMMER_THREADS;
            in_turns++;
            condvar_broadcast(&hammer_turn);
            mutex_unlock(&hammer_mutex);
        }
    }
    __atomic_fetch_add(&hammer_done, 1, __ATOMIC_RELEASE);
    return 0;
}

/*
 * Twelve threads on every hart take one mutex, one semaphore and one
 * condition variable 5,000 times each: the mutex's count comes out exact,
 * the semaphore never lets a fourth in, every condvar turn comes round in
 * order (a lost wake-up would stop the ring for ever), and the mutex's slow
 * path was taken, on more than one hart.
 */
static void smp_mutex_semaphore_condvar_hammered_from_every_hart(struct ktest *t)
{
    need_several_harts(t);
    mutex_init(&hammer_mutex, "hammer");
    semaphore_init(&hammer_tokens, 3, "hammer tokens");
    condvar_init(&hammer_turn, "hammer turn");
    hammer_counter = 0;
    inside_now = inside_most = 0;
    turn = 0;
    in_turns = 0;
    hammer_done = 0;
    hammer_harts = 0;
    struct thread *threads[HAMMER_THREADS];
    for (int i = 0; i < HAMMER_THREADS; i++) {
        threads[i] = thread_create(hammer, (void *)(uintptr_t)i, "hammer");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    bool finished = wait_until(&hammer_done, HAMMER_THREADS, 120);
    EXPECT_TRUE(t, finished);
    if (!finished)
        return; /* a thread is stuck: joining would hang the run */
    for (int i = 0; i < HAMMER_THREADS; i++)
        thread_join(threads[i], NULL);
    EXPECT_EQ(t, hammer_counter, (uint64_t)HAMMER_THREADS * HAMMER_ROUNDS);
    EXPECT_LE(t, inside_most, 3);
    EXPECT_EQ(t, in_turns, (uint64_t)HAMMER_THREADS * (HAMMER_ROUNDS / 50));
    EXPECT_EQ(t, semaphore_count(&hammer_tokens), 3ul);
    EXPECT_GT(t, hammer_mutex.contended, 0ul);
    /* (Under -icount one hart's turn may do it all: which harts took part is only printed.) */
    NOTE(t, "on %d harts; mutex slow path %lu times, its guard spinlock found taken %lu times",
         __builtin_popcount(hammer_harts), hammer_mutex.contended,
         spinlock_contention(&hammer_mutex.guard));
}

/* ---- A stale TLB entry on another hart, and the shootdown ------------------------ */

/* Past the kernel stack region: a page no one else maps. */
#define SCRATCH_VA (KSTACK_REGION_START + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE)

static volatile bool partner_stop;
static volatile int64_t partner_hart;

/* Keeps its hart busy with interrupts on: it takes IPIs, and never idles (an idle hart flushes). */
static int busy_partner(void *unused)
{
    (void)unused;
    __atomic_store_n(&partner_hart, hart_index(), __ATOMIC_RELEASE);
    while (!partner_stop)
        cpu_relax();
    return 0;
}

static volatile uint64_t seen_there;

static void read_scratch(void *unused)
{
    (void)unused;
    seen_there = *(volatile uint64_t *)SCRATCH_VA;
}

/*
 * The mapping of one page moves from frame A to frame B, with only this
 * hart's TLB flushed: the other hart, which read the page before, still
 * reads frame A through its TLB. That is the danger a shootdown exists
 * for. After tlb_shootdown (an SBI remote fence) it reads frame B.
 */
static void smp_stale_tlb_entry_is_real_until_shot_down(struct ktest *t)
{
    need_several_harts(t);
    partner_stop = false;
    partner_hart = -1;
    struct thread *partner = thread_create(busy_partner, NULL, "tlb-partner");
    ASSERT_NOT_NULL(t, partner);
    /* Wait in wfi, keeping this hart (nothing else is ready), so the partner runs elsewhere. */
    while (__atomic_load_n(&partner_hart, __ATOMIC_ACQUIRE) < 0)
        wfi();
    uint32_t other = (uint32_t)partner_hart;
    ASSERT_NE(t, other, hart_index());

    struct mapping *kernel = &kernel_memory_set.mapping;
    paddr_t frame_a = frame_alloc_zeroed();
    paddr_t frame_b = frame_alloc_zeroed();
    *(uint64_t *)paddr_to_ptr(frame_a) = 0xaaaa;
    *(uint64_t *)paddr_to_ptr(frame_b) = 0xbbbb;
    EXPECT_EQ(t, pt_map(kernel, vaddr(SCRATCH_VA), frame_a, PT_LEVEL_4K, PTE_R | PTE_W | PTE_G), 0);
    ipi_call(other, read_scratch, NULL); /* the other hart caches SCRATCH_VA -> A */
    EXPECT_EQ(t, seen_there, 0xaaaaul);

    /* Move the page to frame B: pagetable.c flushes this hart's TLB, and only this one's. */
    EXPECT_EQ(t, pt_unmap(kernel, vaddr(SCRATCH_VA), NULL), 0);
    EXPECT_EQ(t, pt_map(kernel, vaddr(SCRATCH_VA), frame_b, PT_LEVEL_4K, PTE_R | PTE_W | PTE_G), 0);
    EXPECT_EQ(t, *(volatile uint64_t *)SCRATCH_VA, 0xbbbbul); /* here: B */
    ipi_call(other, read_scratch, NULL);
    EXPECT_EQ(t, seen_there, 0xaaaaul); /* there: still A, through the stale entry */

    tlb_shootdown(1u << other, SCRATCH_VA, PAGE_SIZE);
    ipi_call(other, read_scratch, NULL);
    EXPECT_EQ(t, seen_there, 0xbbbbul); /* there too: B */

    pt_unmap(kernel, vaddr(SCRATCH_VA), NULL);
    tlb_shootdown(1u << other, SCRATCH_VA, PAGE_SIZE);
    frame_free(frame_a);
    frame_free(frame_b);
    partner_stop = true;
    thread_join(partner, NULL);
}

/* ---- Kernel stacks churned on every hart: shootdowns stay rare --------------------- */

#define CHURN_THREADS 2000

static int return_zero(void *unused)
{
    (void)unused;
    return 0;
}

/*
 * 2,000 threads created, run wherever a hart is free, and joined: more
 * than there are stack slots, so every slot is reused. The reuse waits for
 * clean slots, so the shootdowns stay far fewer than the reuses, and no
 * thread ever ran on a stale translation of its stack (it would have
 * crashed, or corrupted another's).
 */
static void smp_stack_reuse_needs_few_shootdowns(struct ktest *t)
{
    need_several_harts(t);
    struct tlb_stats before;
    tlb_get_stats(&before);
    uint64_t frames_before = frame_free_count();
    for (int i = 0; i < CHURN_THREADS; i += 8) {
        struct thread *batch[8];
        for (int j = 0; j < 8; j++)
            batch[j] = thread_create(return_zero, NULL, "churn");
        for (int j = 0; j < 8; j++) {
            EXPECT_NOT_NULL(t, batch[j]);
            if (batch[j] != NULL)
                thread_join(batch[j], NULL);
        }
    }
    struct tlb_stats after;
    tlb_get_stats(&after);
    uint64_t shootdowns = after.shootdowns - before.shootdowns;
    uint64_t avoided = after.fences_avoided - before.fences_avoided;
    EXPECT_EQ(t, frame_free_count(), frames_before);
    EXPECT_LE(t, shootdowns * 100, (uint64_t)CHURN_THREADS);
    NOTE(t, "%d stacks: %lu shootdowns, %lu reuses of a freed slot without one", CHURN_THREADS,
         shootdowns, avoided);
}

/* ---- The executor, woken from another hart ----------------------------------------- */

struct wait_for_flag {
    struct async_future future;
    volatile bool flag;
    struct async_waker waker;
    bool have_waker;
};

static enum async_poll wait_for_flag_poll(struct async_future *future, struct async_cx *cx)
{
    struct wait_for_flag *w = ASYNC_CONTAINER_OF(future, struct wait_for_flag, future);
    if (w->flag)
        return ASYNC_READY;
    w->waker = cx->waker;
    __atomic_store_n(&w->have_waker, true, __ATOMIC_RELEASE);
    return ASYNC_PENDING;
}

static struct wait_for_flag remote_wait;
static struct async_executor remote_executor;

/* On another hart: wait until the executor sleeps in wfi for its task, then wake the task. */
static int wake_when_it_sleeps(void *unused)
{
    (void)unused;
    while (__atomic_load_n(&remote_executor.sleeping_hart, __ATOMIC_SEQ_CST) == 0)
        cpu_relax();
    remote_wait.flag = true;
    async_waker_wake(&remote_wait.waker);
    return 0;
}

/*
 * The executor sleeps in wfi on this hart; a thread on another hart wakes
 * its task. The wake sends this hart an IPI, so the task is polled at
 * once, not at this hart's next tick.
 */
static void smp_executor_is_woken_from_another_hart(struct ktest *t)
{
    need_several_harts(t);
    struct async_task task;
    remote_wait = (struct wait_for_flag){.future = {.poll = wait_for_flag_poll}};
    async_executor_init(&remote_executor, "remote wake");
    async_task_init(&task, "flag", &remote_wait.future);
    async_spawn(&remote_executor, &task);
    async_executor_run_ready(&remote_executor); /* polled once: pending, its waker kept */
    ASSERT_TRUE(t, remote_wait.have_waker);
    struct thread *waker = thread_create(wake_when_it_sleeps, NULL, "remote-waker");
    ASSERT_NOT_NULL(t, waker);
    uint64_t start = read_time();
    async_executor_run(&remote_executor); /* sleeps in wfi until the other hart's IPI */
    uint64_t took = read_time() - start;
    thread_join(waker, NULL);
    EXPECT_TRUE(t, async_task_done(&task));
    EXPECT_EQ(t, remote_executor.idle_stats.woke_with_work, 0ul);
    EXPECT_GE(t, remote_executor.idle_stats.woken_by_ipi, 1ul);
    EXPECT_LT(t, took, timer_interval() / 2);
}

static const struct ktest_case smp_cases[] = {
    KTEST_CASE(smp_every_hart_runs_threads),
    KTEST_CASE(smp_idle_hart_is_kicked_by_an_ipi),
    KTEST_CASE(smp_wakeups_from_interrupts_on_other_harts),
    KTEST_CASE(smp_mutex_semaphore_condvar_hammered_from_every_hart),
    KTEST_CASE(smp_stale_tlb_entry_is_real_until_shot_down),
    KTEST_CASE(smp_stack_reuse_needs_few_shootdowns),
    KTEST_CASE(smp_executor_is_woken_from_another_hart),
    {0},
};
KTEST_SUITE(smp, smp_cases);
