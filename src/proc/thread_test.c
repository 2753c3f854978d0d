/*
 * thread_test.c: kernel threads: exit codes and join, reclamation (1,000
 * create/exit cycles leave the frame and heap counts where they were),
 * detached threads, registers across a switch, the trap_return start,
 * and the guard page under each thread's stack.
 *
 * Worker threads only use EXPECT: an ASSERT would jump back to the test
 * runner's stack from another thread's.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/kstack.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "arch/context.h"

static int return_the_argument(void *arg)
{
    return (int)(uintptr_t)arg;
}

static int exit_from_deep_inside(void *arg)
{
    thread_exit((int)(uintptr_t)arg + 1000);
}

static void thread_join_returns_the_exit_code(struct ktest *t)
{
    struct thread *returns = thread_create(return_the_argument, (void *)42, "returns");
    struct thread *exits = thread_create(exit_from_deep_inside, (void *)7, "exits");
    ASSERT_NOT_NULL(t, returns);
    ASSERT_NOT_NULL(t, exits);
    EXPECT_STREQ(t, returns->name, "returns");
    EXPECT_NE(t, returns->tid, exits->tid);
    int code = -1;
    EXPECT_EQ(t, thread_join(returns, &code), 0);
    EXPECT_EQ(t, code, 42);
    EXPECT_EQ(t, thread_join(exits, &code), 0);
    EXPECT_EQ(t, code, 1007);
}

static void thread_join_refuses_itself_and_detached_threads(struct ktest *t)
{
    EXPECT_EQ(t, thread_join(thread_current(), NULL), -EINVAL);
    struct thread *detached = thread_create(return_the_argument, (void *)1, "detached");
    ASSERT_NOT_NULL(t, detached);
    thread_detach(detached);
    EXPECT_EQ(t, thread_join(detached, NULL), -EINVAL);
    sched_yield(); /* let it run and be freed */
}

/* The figures a leak would change. */
struct footprint {
    uint64_t free_frames;
    size_t heap_used;
    size_t heap_blocks;
    size_t threads;
};

static void measure(struct footprint *footprint)
{
    struct heap_stats stats;
    heap_kernel_stats(&stats);
    footprint->free_frames = frame_free_count();
    footprint->heap_used = stats.used_bytes;
    footprint->heap_blocks = stats.live_blocks;
    footprint->threads = thread_count();
}

/*
 * Whether everything is back as `before` found it. A thread freed on another
 * hart gives back its stack and struct, then its count: between the two, a
 * look sees the memory back and the count not yet (a CI run saw exactly
 * that), so a wait for the end of frees waits for all of it.
 */
static bool same_footprint(const struct footprint *before)
{
    struct footprint now;
    measure(&now);
    return now.free_frames == before->free_frames && now.heap_used == before->heap_used &&
           now.heap_blocks == before->heap_blocks && now.threads == before->threads;
}

static void expect_same_footprint(struct ktest *t, const struct footprint *before)
{
    struct footprint after;
    measure(&after);
    EXPECT_EQ(t, after.free_frames, before->free_frames);
    EXPECT_EQ(t, after.heap_used, before->heap_used);
    EXPECT_EQ(t, after.heap_blocks, before->heap_blocks);
    EXPECT_EQ(t, after.threads, before->threads);
}

static void thread_1000_create_exit_cycles_leave_no_leak(struct ktest *t)
{
    /* One cycle first: the heap may grow once to its working size, and keeps what it took. */
    struct thread *warm_up = thread_create(return_the_argument, (void *)0, "cycle");
    ASSERT_NOT_NULL(t, warm_up);
    thread_join(warm_up, NULL);

    struct footprint before;
    measure(&before);
    int wrong_codes = 0;
    for (int i = 0; i < 1000; i++) {
        struct thread *thread = thread_create(return_the_argument, (void *)(uintptr_t)i, "cycle");
        ASSERT_NOT_NULL(t, thread);
        int code = -1;
        thread_join(thread, &code);
        wrong_codes += code != i;
    }
    EXPECT_EQ(t, wrong_codes, 0);
    expect_same_footprint(t, &before);
}

static volatile int detached_ran;

static int count_and_return(void *unused)
{
    (void)unused;
    __atomic_fetch_add(&detached_ran, 1, __ATOMIC_RELAXED);
    return 0;
}

/* A detached thread is freed by the next thread to run after it exits. */
static void thread_detached_threads_are_reclaimed(struct ktest *t)
{
    size_t threads_at_start = thread_count();
    struct thread *warm_up = thread_create(count_and_return, NULL, "detached");
    ASSERT_NOT_NULL(t, warm_up);
    thread_detach(warm_up);
    sched_yield();
    /* On several harts it may still be running, or not yet freed, beside this thread. */
    for (int i = 0; i < 200 && thread_count() != threads_at_start; i++)
        sched_sleep_ticks(1);

    struct footprint before;
    measure(&before);
    detached_ran = 0;
    for (int batch = 0; batch < 20; batch++) {
        for (int i = 0; i < 10; i++) {
            struct thread *thread = thread_create(count_and_return, NULL, "detached");
            ASSERT_NOT_NULL(t, thread);
            thread_detach(thread);
        }
        sched_yield(); /* the ten run, exit, and are freed; then this thread runs again */
    }
    /*
     * A tick may have preempted one of them behind this thread, and on several harts they
     * run, exit and are freed beside it: give them time (up to two seconds) to finish.
     */
    for (int i = 0; i < 200 && (detached_ran != 200 || !same_footprint(&before)); i++)
        sched_sleep_ticks(1);
    EXPECT_EQ(t, detached_ran, 200);
    expect_same_footprint(t, &before);
}

/* Both threads fill s1..s11 with their own pattern and yield to each other in between. */
static volatile int register_mismatches;
static volatile int register_rounds;

static int register_keeper(void *arg)
{
    uint64_t base = (uint64_t)arg;
    for (int round = 0; round < 20; round++) {
        uint64_t seen[11];
        /* The pointer and the base ride in a0 and a1; the pointer waits on the stack during the
         * call. */
        register uint64_t seen_address asm("a0") = (uint64_t)seen;
        register uint64_t pattern asm("a1") = base;
        /* clang-format off */
        asm volatile("addi sp, sp, -16\n sd a0, 0(sp)\n"
                     "add s1, a1, 1\n add s2, a1, 2\n add s3, a1, 3\n add s4, a1, 4\n"
                     "add s5, a1, 5\n add s6, a1, 6\n add s7, a1, 7\n add s8, a1, 8\n"
                     "add s9, a1, 9\n add s10, a1, 10\n add s11, a1, 11\n"
                     "call sched_yield\n"
                     "ld t0, 0(sp)\n addi sp, sp, 16\n"
                     "sd s1, 0(t0)\n sd s2, 8(t0)\n sd s3, 16(t0)\n sd s4, 24(t0)\n"
                     "sd s5, 32(t0)\n sd s6, 40(t0)\n sd s7, 48(t0)\n sd s8, 56(t0)\n"
                     "sd s9, 64(t0)\n sd s10, 72(t0)\n sd s11, 80(t0)\n"
                     : "+r"(seen_address), "+r"(pattern)
                     :
                     : "memory", "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a2", "a3", "a4",
                       "a5", "a6", "a7", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
                       "s10", "s11");
        /* clang-format on */
        for (int i = 0; i < 11; i++) {
            if (seen[i] != base + i + 1)
                __atomic_fetch_add(&register_mismatches, 1, __ATOMIC_RELAXED);
        }
        __atomic_fetch_add(&register_rounds, 1, __ATOMIC_RELAXED);
    }
    return 0;
}

static void thread_switch_keeps_callee_saved_registers(struct ktest *t)
{
    register_mismatches = 0;
    register_rounds = 0;
    struct thread *one = thread_create(register_keeper, (void *)0x1000, "registers-1");
    struct thread *two = thread_create(register_keeper, (void *)0x2000, "registers-2");
    ASSERT_NOT_NULL(t, one);
    ASSERT_NOT_NULL(t, two);
    EXPECT_EQ(t, thread_join(one, NULL), 0);
    EXPECT_EQ(t, thread_join(two, NULL), 0);
    EXPECT_EQ(t, register_rounds, 40); /* both ran all their rounds */
    EXPECT_EQ(t, register_mismatches, 0);
}

/* ---- A thread that starts at trap_return ----------------------------------------- */

static volatile uint64_t context_start_a0;
static volatile uint64_t context_start_a1;
static volatile bool context_start_interrupts_on;

static void started_from_a_context(uint64_t a0, uint64_t a1)
{
    context_start_a0 = a0;
    context_start_a1 = a1;
    context_start_interrupts_on = (csr_read(sstatus) & SSTATUS_SIE) != 0;
    thread_exit(77);
}

/*
 * thread_create_user's path (the start stub, then trap_return), with a
 * supervisor-mode context so that no user program is needed: sret lands in
 * started_from_a_context with the argument registers from the context.
 */
static void thread_starts_from_a_context_through_trap_return(struct ktest *t)
{
    struct context context;
    memset(&context, 0, sizeof(context));
    context.sepc = (uint64_t)started_from_a_context;
    /* Back to S mode (SPP), interrupts on after sret (SPIE); the other bits as they are now. */
    context.sstatus = (csr_read(sstatus) & ~SSTATUS_SIE) | SSTATUS_SPP | SSTATUS_SPIE;
    context.x[REG_A0] = 0x1234;
    context.x[REG_A0 + 1] = 0x5678;
    context_start_a0 = context_start_a1 = 0;
    struct thread *thread = thread_create_user(&kernel_process, &context, "from-context");
    ASSERT_NOT_NULL(t, thread);
    /*
     * No sp in the context: thread_create_user gave it the stack below its
     * frame before making it READY (with several harts it may run already).
     */
    EXPECT_TRUE(t, thread->trap_context != NULL);
    EXPECT_EQ(t, (uint64_t)thread->trap_context + sizeof(struct context), thread->kstack.top.value);
    int code = -1;
    EXPECT_EQ(t, thread_join(thread, &code), 0);
    EXPECT_EQ(t, code, 77);
    EXPECT_EQ(t, context_start_a0, 0x1234ul);
    EXPECT_EQ(t, context_start_a1, 0x5678ul);
    EXPECT_TRUE(t, context_start_interrupts_on);
}

/* Each thread's stack is a guarded kstack named after the thread (overflow reports name it). */
static int report_own_stack(void *arg)
{
    struct thread *self = thread_current();
    bool in_guard = true;
    const char *name = kstack_describe(read_sp(), &in_guard);
    int ok = name != NULL && strcmp(name, self->name) == 0 && !in_guard;
    name = kstack_describe(self->kstack.bottom.value - 8, &in_guard);
    ok &= name != NULL && in_guard;
    *(int *)arg = ok;
    return 0;
}

static void thread_stacks_are_guarded_and_named(struct ktest *t)
{
    int ok = 0;
    struct thread *thread = thread_create(report_own_stack, &ok, "guarded");
    ASSERT_NOT_NULL(t, thread);
    thread_join(thread, NULL);
    EXPECT_EQ(t, ok, 1);
}

/*
 * Preemption in the middle of straight-line code must give every register
 * back, the temporaries included: the interrupted code did not choose to
 * call anything. A second thread spins with a different value in t6 (and
 * t5), so if trap_return forgets one, the value it left behind shows. The
 * test thread spins, checking its own t5 and t6, until the other has run.
 */
static volatile uint64_t scribbler_runs;
static volatile uint64_t scribbler_stop;

static int scribble_temporaries(void *unused)
{
    (void)unused;
    asm volatile("li t5, 0x5c41bb1e\n"
                 "li t6, 0x5c41bb1f\n"
                 "1: ld t0, 0(%0)\n"
                 "addi t0, t0, 1\n"
                 "sd t0, 0(%0)\n"
                 "ld t1, 0(%1)\n"
                 "beqz t1, 1b\n" ::"r"(&scribbler_runs),
                 "r"(&scribbler_stop)
                 : "t0", "t1", "t5", "t6", "memory");
    return 0;
}

static void thread_preemption_gives_back_every_register(struct ktest *t)
{
    scribbler_runs = 0;
    scribbler_stop = 0;
    struct thread *scribbler = thread_create(scribble_temporaries, NULL, "scribbler");
    ASSERT_NOT_NULL(t, scribbler);
    uint64_t t5_after = 0;
    uint64_t t6_after = 0;
    uint64_t left = 0;
    /* Spin until the scribbler has run (so this thread was preempted and resumed). */
    asm volatile("li t5, 0x7e55\n"
                 "li t6, 0x7e56\n"
                 "li t2, 0x7e55\n"
                 "li t3, 0x7e56\n"
                 "li t4, 0x40000000\n"
                 "1: bne t5, t2, 2f\n"
                 "bne t6, t3, 2f\n"
                 "addi t4, t4, -1\n"
                 "beqz t4, 2f\n"
                 "ld t0, 0(%3)\n"
                 "beqz t0, 1b\n"
                 "2: mv %0, t5\n"
                 "mv %1, t6\n"
                 "mv %2, t4\n"
                 : "=r"(t5_after), "=r"(t6_after), "=r"(left)
                 : "r"(&scribbler_runs)
                 : "t0", "t2", "t3", "t4", "t5", "t6", "memory");
    scribbler_stop = 1;
    thread_join(scribbler, NULL);
    EXPECT_NE(t, left, 0u); /* the scribbler ran: this thread was preempted */
    EXPECT_EQ(t, t5_after, 0x7e55u);
    EXPECT_EQ(t, t6_after, 0x7e56u);
}

static const struct ktest_case thread_cases[] = {
    KTEST_CASE(thread_join_returns_the_exit_code),
    KTEST_CASE(thread_join_refuses_itself_and_detached_threads),
    KTEST_CASE(thread_1000_create_exit_cycles_leave_no_leak),
    KTEST_CASE(thread_detached_threads_are_reclaimed),
    KTEST_CASE(thread_switch_keeps_callee_saved_registers),
    KTEST_CASE(thread_starts_from_a_context_through_trap_return),
    KTEST_CASE(thread_stacks_are_guarded_and_named),
    KTEST_CASE(thread_preemption_gives_back_every_register),
    {0},
};
KTEST_SUITE(thread, thread_cases);
