/*
 * sync_test.c: spinlocks, wait queues, mutexes, semaphores and condition
 * variables, with real threads under preemption.
 *
 * The two big cases are the issue's: eight threads add to one counter
 * 100,000 times each under a mutex, and four producers pass 100,000 items
 * to four consumers through a bounded buffer (once with semaphores, once
 * with a mutex and condition variables). A lost wake-up would leave a
 * thread asleep for ever, so the test thread waits with a time limit and
 * fails, instead of hanging, if the workers do not all finish.
 *
 * Worker threads only use EXPECT: an ASSERT would jump back to the test
 * runner's stack from another thread's.
 */
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "proc/condvar.h"
#include "proc/mutex.h"
#include "proc/semaphore.h"
#include "sync/spinlock.h"
#include "proc/wait_queue.h"
#include "arch/irq.h"
#include "trap/timer.h"

/* Wait until *finished reaches `target`, at most `seconds`; true if it did. */
static bool wait_for_workers(volatile int *finished, int target, uint64_t seconds)
{
    uint64_t give_up = read_time() + seconds * timer_frequency();
    while (__atomic_load_n(finished, __ATOMIC_ACQUIRE) < target) {
        if (read_time() > give_up)
            return false;
        sched_sleep_ticks(1);
    }
    return true;
}

static void join_all(struct thread **threads, int count)
{
    for (int i = 0; i < count; i++) {
        if (threads[i] != NULL)
            thread_join(threads[i], NULL);
    }
}

/* ---- Spinlocks ------------------------------------------------------------------- */

static void sync_spinlock_knows_its_owner_and_nests(struct ktest *t)
{
    struct spinlock outer = SPINLOCK_INIT("outer");
    struct spinlock inner = SPINLOCK_INIT("inner");
    ASSERT_TRUE(t, irq_enabled());
    int depth = spinlock_depth();
    spinlock_acquire(&outer);
    EXPECT_TRUE(t, spinlock_held(&outer));
    EXPECT_FALSE(t, spinlock_held(&inner));
    EXPECT_FALSE(t, irq_enabled());
    spinlock_acquire(&inner);
    EXPECT_TRUE(t, outer.owner == hart_this());
    EXPECT_EQ(t, spinlock_depth(), depth + 2);
    spinlock_release(&inner);
    EXPECT_FALSE(t, irq_enabled()); /* the outer lock still holds them off */
    spinlock_release(&outer);
    EXPECT_TRUE(t, irq_enabled());
    EXPECT_EQ(t, spinlock_depth(), depth);
    EXPECT_FALSE(t, spinlock_held(&outer));
}

/* ---- Wait queues ------------------------------------------------------------------ */

static struct spinlock queue_guard = SPINLOCK_INIT("queue test");
static struct wait_queue queue = WAIT_QUEUE_INIT(queue, "queue test");
static int queue_woken[4];
static volatile int queue_woken_count;
static int queue_go;

static int queue_waiter(void *arg)
{
    int id = (int)(uintptr_t)arg;
    spinlock_acquire(&queue_guard);
    while (queue_go == 0)
        wait_queue_sleep(&queue, &queue_guard);
    queue_go--;
    queue_woken[queue_woken_count++] = id;
    spinlock_release(&queue_guard);
    return 0;
}

/* wake_one wakes the longest waiter; wake_all wakes the rest. */
static void sync_wait_queue_wakes_in_arrival_order(struct ktest *t)
{
    /*
     * On one hart (the others held): on several, the four would reach the queue in any
     * order, and the woken ones would race for the guard, which is no order of the queue's.
     */
    hold_other_harts();
    queue_go = 0;
    queue_woken_count = 0;
    struct thread *threads[4];
    for (int i = 0; i < 4; i++)
        threads[i] = thread_create(queue_waiter, (void *)(uintptr_t)i, "waiter");
    sched_yield(); /* all four run and sleep, in order */
    spinlock_acquire(&queue_guard);
    queue_go = 1;
    EXPECT_TRUE(t, wait_queue_wake_one(&queue));
    spinlock_release(&queue_guard);
    sched_yield();
    EXPECT_EQ(t, queue_woken_count, 1);
    EXPECT_EQ(t, queue_woken[0], 0);
    spinlock_acquire(&queue_guard);
    queue_go = 3;
    EXPECT_EQ(t, wait_queue_wake_all(&queue), 3ul);
    EXPECT_FALSE(t, wait_queue_wake_one(&queue));
    spinlock_release(&queue_guard);
    join_all(threads, 4);
    release_other_harts();
    EXPECT_EQ(t, queue_woken_count, 4);
    for (int i = 0; i < 4; i++)
        EXPECT_EQ(t, queue_woken[i], i);
}

/* ---- Mutex ---------------------------------------------------------------------- */

#define COUNTER_THREADS 8
#define COUNTER_ADDS    100000

static struct mutex counter_mutex = MUTEX_INIT(counter_mutex, "counter");
static volatile uint64_t counter;
static volatile int counter_finished;

static int counter_worker(void *unused)
{
    (void)unused;
    for (int i = 0; i < COUNTER_ADDS; i++) {
        mutex_lock(&counter_mutex);
        /* A read, a pause and a write: without the mutex, others would slip in between. */
        uint64_t value = counter;
        if (i % 4096 == 0)
            sched_yield(); /* sometimes give the hart away while holding the mutex */
        counter = value + 1;
        mutex_unlock(&counter_mutex);
    }
    __atomic_fetch_add(&counter_finished, 1, __ATOMIC_RELEASE);
    return 0;
}

static void sync_mutex_counter_is_exact(struct ktest *t)
{
    counter = 0;
    counter_finished = 0;
    counter_mutex.contended = 0;
    struct thread *threads[COUNTER_THREADS];
    for (int i = 0; i < COUNTER_THREADS; i++) {
        threads[i] = thread_create(counter_worker, NULL, "counter");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    ASSERT_TRUE(t, wait_for_workers(&counter_finished, COUNTER_THREADS, 60));
    join_all(threads, COUNTER_THREADS);
    EXPECT_EQ(t, counter, (uint64_t)COUNTER_THREADS * COUNTER_ADDS);
    /* The sleeping path was taken, not only the fast one. */
    EXPECT_GT(t, counter_mutex.contended, 0ul);
    EXPECT_NULL(t, counter_mutex.owner);
}

static void sync_mutex_try_lock_and_held(struct ktest *t)
{
    struct mutex mutex;
    mutex_init(&mutex, "try");
    EXPECT_FALSE(t, mutex_held(&mutex));
    EXPECT_TRUE(t, mutex_try_lock(&mutex));
    EXPECT_TRUE(t, mutex_held(&mutex));
    EXPECT_FALSE(t, mutex_try_lock(&mutex));
    mutex_unlock(&mutex);
    EXPECT_FALSE(t, mutex_held(&mutex));
    mutex_lock(&mutex);
    EXPECT_TRUE(t, mutex.owner == thread_current());
    mutex_unlock(&mutex);
}

/* ---- Bounded buffers ------------------------------------------------------------ */

#define PRODUCERS    4
#define CONSUMERS    4
#define ITEMS        100000
#define PER_PRODUCER (ITEMS / PRODUCERS)
#define PER_CONSUMER (ITEMS / CONSUMERS)
#define BUFFER_SLOTS 8

struct bounded_buffer {
    uint64_t slots[BUFFER_SLOTS];
    unsigned head;
    unsigned tail;
    unsigned count;
    unsigned most; /* the fullest it ever was */
};

static struct bounded_buffer buffer;
static uint64_t consumed_sum[CONSUMERS];
static int consumed_count[CONSUMERS];
static volatile int buffer_finished;

static void buffer_put(uint64_t item)
{
    buffer.slots[buffer.tail] = item;
    buffer.tail = (buffer.tail + 1) % BUFFER_SLOTS;
    buffer.count++;
    if (buffer.count > buffer.most)
        buffer.most = buffer.count;
}

static uint64_t buffer_take(void)
{
    uint64_t item = buffer.slots[buffer.head];
    buffer.head = (buffer.head + 1) % BUFFER_SLOTS;
    buffer.count--;
    return item;
}

/* Item values 1..ITEMS, each exactly once: producer p makes p*PER_PRODUCER + 1 and up. */
static uint64_t item_value(int producer, int i)
{
    return (uint64_t)producer * PER_PRODUCER + (uint64_t)i + 1;
}

static void start_buffer_test(struct ktest *t, thread_fn producer, thread_fn consumer,
                              struct thread **threads)
{
    buffer = (struct bounded_buffer){0};
    buffer_finished = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        consumed_sum[i] = 0;
        consumed_count[i] = 0;
    }
    for (int i = 0; i < PRODUCERS; i++) {
        threads[i] = thread_create(producer, (void *)(uintptr_t)i, "producer");
        EXPECT_NOT_NULL(t, threads[i]);
    }
    for (int i = 0; i < CONSUMERS; i++) {
        threads[PRODUCERS + i] = thread_create(consumer, (void *)(uintptr_t)i, "consumer");
        EXPECT_NOT_NULL(t, threads[PRODUCERS + i]);
    }
}

static void check_buffer_test(struct ktest *t, struct thread **threads)
{
    bool finished = wait_for_workers(&buffer_finished, PRODUCERS + CONSUMERS, 60);
    EXPECT_TRUE(t, finished); /* false: a wake-up was lost and someone sleeps for ever */
    if (!finished)
        return;
    join_all(threads, PRODUCERS + CONSUMERS);
    uint64_t sum = 0;
    int count = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        sum += consumed_sum[i];
        count += consumed_count[i];
        EXPECT_EQ(t, consumed_count[i], PER_CONSUMER);
    }
    EXPECT_EQ(t, count, ITEMS);
    EXPECT_EQ(t, sum, (uint64_t)ITEMS * (ITEMS + 1) / 2);
    EXPECT_EQ(t, buffer.count, 0u);
    EXPECT_LE(t, buffer.most, (unsigned)BUFFER_SLOTS);
    EXPECT_EQ(t, buffer.most, (unsigned)BUFFER_SLOTS); /* it did fill up: producers had to wait */
}

/* With semaphores: free slots, full slots, and a mutex for the buffer itself. */
static struct semaphore free_slots;
static struct semaphore full_slots;
static struct mutex buffer_mutex = MUTEX_INIT(buffer_mutex, "buffer");

static int semaphore_producer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        semaphore_down(&free_slots);
        mutex_lock(&buffer_mutex);
        buffer_put(item_value(id, i));
        mutex_unlock(&buffer_mutex);
        semaphore_up(&full_slots);
    }
    __atomic_fetch_add(&buffer_finished, 1, __ATOMIC_RELEASE);
    return 0;
}

static int semaphore_consumer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < PER_CONSUMER; i++) {
        semaphore_down(&full_slots);
        mutex_lock(&buffer_mutex);
        uint64_t item = buffer_take();
        mutex_unlock(&buffer_mutex);
        semaphore_up(&free_slots);
        consumed_sum[id] += item;
        consumed_count[id]++;
    }
    __atomic_fetch_add(&buffer_finished, 1, __ATOMIC_RELEASE);
    return 0;
}

static void sync_bounded_buffer_with_semaphores(struct ktest *t)
{
    semaphore_init(&free_slots, BUFFER_SLOTS, "free slots");
    semaphore_init(&full_slots, 0, "full slots");
    struct thread *threads[PRODUCERS + CONSUMERS];
    start_buffer_test(t, semaphore_producer, semaphore_consumer, threads);
    check_buffer_test(t, threads);
    EXPECT_EQ(t, semaphore_count(&free_slots), (uint64_t)BUFFER_SLOTS);
    EXPECT_EQ(t, semaphore_count(&full_slots), 0ul);
}

/* With a mutex and two condition variables. */
static struct condvar not_full;
static struct condvar not_empty;

static int condvar_producer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        mutex_lock(&buffer_mutex);
        while (buffer.count == BUFFER_SLOTS)
            condvar_wait(&not_full, &buffer_mutex);
        buffer_put(item_value(id, i));
        condvar_signal(&not_empty);
        mutex_unlock(&buffer_mutex);
    }
    __atomic_fetch_add(&buffer_finished, 1, __ATOMIC_RELEASE);
    return 0;
}

static int condvar_consumer(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int i = 0; i < PER_CONSUMER; i++) {
        mutex_lock(&buffer_mutex);
        while (buffer.count == 0)
            condvar_wait(&not_empty, &buffer_mutex);
        uint64_t item = buffer_take();
        condvar_signal(&not_full);
        mutex_unlock(&buffer_mutex);
        consumed_sum[id] += item;
        consumed_count[id]++;
    }
    __atomic_fetch_add(&buffer_finished, 1, __ATOMIC_RELEASE);
    return 0;
}

static void sync_bounded_buffer_with_condition_variables(struct ktest *t)
{
    condvar_init(&not_full, "not full");
    condvar_init(&not_empty, "not empty");
    struct thread *threads[PRODUCERS + CONSUMERS];
    start_buffer_test(t, condvar_producer, condvar_consumer, threads);
    check_buffer_test(t, threads);
}

/* ---- Broadcast and signal ------------------------------------------------------------ */

#define GATE_WAITERS 4

static struct mutex gate_mutex;
static struct condvar gate_opened;
static bool gate_open;
static volatile int gate_waiting; /* inside the wait loop (under gate_mutex) */
static volatile int gate_passed;  /* through the gate */

static int wait_at_the_gate(void *unused)
{
    (void)unused;
    mutex_lock(&gate_mutex);
    gate_waiting++;
    while (!gate_open)
        condvar_wait(&gate_opened, &gate_mutex);
    __atomic_fetch_add(&gate_passed, 1, __ATOMIC_RELEASE);
    mutex_unlock(&gate_mutex);
    return 0;
}

/* Start the waiters and let them all fall asleep on the condition variable. */
static void start_gate_waiters(struct ktest *t, struct thread **threads)
{
    mutex_init(&gate_mutex, "gate");
    condvar_init(&gate_opened, "gate opened");
    gate_open = false;
    gate_waiting = 0;
    gate_passed = 0;
    for (int i = 0; i < GATE_WAITERS; i++) {
        threads[i] = thread_create(wait_at_the_gate, NULL, "gate-waiter");
        EXPECT_NOT_NULL(t, threads[i]);
    }
    EXPECT_TRUE(t, wait_for_workers(&gate_waiting, GATE_WAITERS, 10));
    sched_sleep_ticks(2);
}

/* Let every waiter through (one signal each, in case the code under test woke too few). */
static void release_gate_waiters(struct thread **threads)
{
    for (int round = 0; round < 4 * GATE_WAITERS && gate_passed < GATE_WAITERS; round++) {
        mutex_lock(&gate_mutex);
        gate_open = true;
        condvar_signal(&gate_opened);
        mutex_unlock(&gate_mutex);
        sched_sleep_ticks(1);
    }
    join_all(threads, GATE_WAITERS);
}

/* A waiter sleeps on the condition variable's queue; it does not spin or yield in a loop. */
static void sync_condvar_waiters_sleep_on_its_queue(struct ktest *t)
{
    struct thread *threads[GATE_WAITERS];
    start_gate_waiters(t, threads);
    for (int i = 0; i < GATE_WAITERS; i++) {
        spinlock_acquire(&sched_lock);
        bool asleep = threads[i] != NULL && threads[i]->state == THREAD_BLOCKED &&
                      threads[i]->waiting_on == &gate_opened.waiters;
        spinlock_release(&sched_lock);
        EXPECT_TRUE(t, asleep);
    }
    EXPECT_EQ(t, gate_passed, 0);
    release_gate_waiters(threads);
    EXPECT_EQ(t, gate_passed, GATE_WAITERS);
}

/* One broadcast wakes every waiter; one signal wakes exactly one. */
static void sync_condvar_broadcast_wakes_all_and_signal_one(struct ktest *t)
{
    struct thread *threads[GATE_WAITERS];
    start_gate_waiters(t, threads);
    mutex_lock(&gate_mutex);
    condvar_signal(&gate_opened); /* the condition is still false: one wakes, and waits again */
    mutex_unlock(&gate_mutex);
    sched_sleep_ticks(2);
    EXPECT_EQ(t, gate_passed, 0);
    mutex_lock(&gate_mutex);
    gate_open = true;
    condvar_signal(&gate_opened);
    mutex_unlock(&gate_mutex);
    sched_sleep_ticks(2);
    EXPECT_EQ(t, gate_passed, 1); /* a signal is for one waiter */
    mutex_lock(&gate_mutex);
    condvar_broadcast(&gate_opened);
    mutex_unlock(&gate_mutex);
    EXPECT_TRUE(t, wait_for_workers(&gate_passed, GATE_WAITERS, 2));
    EXPECT_EQ(t, gate_passed, GATE_WAITERS);
    release_gate_waiters(threads);
}

/* ---- Semaphores ----------------------------------------------------------------- */

static struct semaphore gate;
static volatile int through_gate;

static int pass_gate(void *unused)
{
    (void)unused;
    semaphore_down(&gate);
    __atomic_fetch_add(&through_gate, 1, __ATOMIC_RELAXED);
    return 0;
}

/* A count of 2 lets two of three through; each up lets one more. */
static void sync_semaphore_counts(struct ktest *t)
{
    semaphore_init(&gate, 2, "gate");
    through_gate = 0;
    struct thread *threads[3];
    for (int i = 0; i < 3; i++)
        threads[i] = thread_create(pass_gate, NULL, "gate");
    sched_yield();
    /*
     * On one hart the yield runs all three. On several, other harts may take
     * them and still be starting them when the yield returns (it found nothing
     * else to run): give two of them time (up to a second) to pass the gate.
     */
    for (int i = 0; i < 100 && __atomic_load_n(&through_gate, __ATOMIC_RELAXED) < 2; i++)
        sched_sleep_ticks(1);
    EXPECT_EQ(t, through_gate, 2);
    EXPECT_EQ(t, semaphore_count(&gate), 0ul);
    EXPECT_FALSE(t, semaphore_try_down(&gate));
    semaphore_up(&gate);
    join_all(threads, 3);
    EXPECT_EQ(t, through_gate, 3);
    semaphore_up(&gate);
    EXPECT_TRUE(t, semaphore_try_down(&gate));
    EXPECT_EQ(t, semaphore_count(&gate), 0ul);
}

static const struct ktest_case sync_cases[] = {
    KTEST_CASE(sync_spinlock_knows_its_owner_and_nests),
    KTEST_CASE(sync_wait_queue_wakes_in_arrival_order),
    KTEST_CASE(sync_mutex_counter_is_exact),
    KTEST_CASE(sync_mutex_try_lock_and_held),
    KTEST_CASE(sync_bounded_buffer_with_semaphores),
    KTEST_CASE(sync_bounded_buffer_with_condition_variables),
    KTEST_CASE(sync_semaphore_counts),
    KTEST_CASE(sync_condvar_waiters_sleep_on_its_queue),
    KTEST_CASE(sync_condvar_broadcast_wakes_all_and_signal_one),
    {0},
};
KTEST_SUITE(sync, sync_cases);
