/*
 * thread_bench.c: what a thread switch, a mutex and a semaphore hand-off
 * cost, in guest instructions (make bench runs this under qemu -icount).
 *
 * Every figure comes from a ping-pong between the benchmark thread and one
 * partner, both with interrupts off, so no timer tick lands inside a
 * sample: a yield or a blocking semaphore_down then switches straight to
 * the partner, which does its half and switches straight back. One sample
 * is therefore a round trip of two switches, and the figure is half the
 * median of SAMPLES round trips.
 */
#include "bench/bench.h"
#include "console/console.h"
#include "arch/riscv.h"
#include "proc/fp.h"
#include "proc/thread.h"
#include "proc/mutex.h"
#include "proc/semaphore.h"
#include "arch/irq.h"

#define SAMPLES 1000

static uint64_t samples[SAMPLES];
static volatile bool partner_stop;

/* The pair of instret reads with nothing between: what the measurement itself adds. */
static uint64_t instret_overhead(void)
{
    uint64_t before;
    uint64_t after;
    asm volatile("rdinstret %0\n"
                 "rdinstret %1\n"
                 : "=&r"(before), "=r"(after));
    return after - before;
}

static int yield_partner(void *unused)
{
    (void)unused;
    irq_disable(); /* this thread's own interrupt state: off, like the benchmark thread's */
    while (!partner_stop)
        sched_yield();
    irq_enable();
    return 0;
}

static void bench_thread_switch(void)
{
    partner_stop = false;
    struct thread *partner = thread_create(yield_partner, NULL, "bench-yield");
    if (partner == NULL)
        return; /* reported as BENCH-ERROR: no figure */
    irq_state_t state = irq_save();
    sched_yield(); /* let the partner start and turn its interrupts off */
    uint64_t overhead = instret_overhead();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        sched_yield();
        samples[i] = read_instret() - start - overhead;
    }
    partner_stop = true;
    irq_restore(state);
    thread_join(partner, NULL);
    bench_report("thread_switch_insns", bench_percentile(samples, SAMPLES, 50) / 2, "insns",
                 "sched_yield ping-pong between two threads, interrupts off: half the median "
                 "round trip of 1000 (a yield call, the FIFO queue, switch.S, and the return)");
}
BENCH_CASE(bench_thread_switch);

/*
 * fp_switch_insns: the same ping-pong between two threads whose FP
 * registers are live and Dirty, as a user thread's are after it computed
 * in floating point. Each has a stand-in trap context (kernel threads have
 * none); before every yield it marks its registers live and Dirty, the
 * switch saves them (fp_switch_out), and after the switch back it loads
 * them as its first FP instruction's trap would (fp_handle_first_use).
 */
static struct context fp_contexts[2];

static void fp_make_dirty(struct thread *self, struct context *context)
{
    context->sstatus = (context->sstatus & ~SSTATUS_FS) | SSTATUS_FS_DIRTY;
    self->trap_context = context;
    self->fp_live = true;
    self->fp_used = true;
}

static void fp_yield(struct context *context)
{
    struct thread *self = thread_current();
    fp_make_dirty(self, context);
    sched_yield();
    fp_handle_first_use(self, context);
}

static int fp_partner(void *unused)
{
    (void)unused;
    irq_disable();
    while (!partner_stop)
        fp_yield(&fp_contexts[1]);
    thread_current()->fp_live = false;
    thread_current()->trap_context = NULL;
    irq_enable();
    return 0;
}

static void bench_fp_switch(void)
{
    partner_stop = false;
    struct thread *partner = thread_create(fp_partner, NULL, "bench-fp");
    if (partner == NULL)
        return;
    irq_state_t state = irq_save();
    sched_yield();
    uint64_t overhead = instret_overhead();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        fp_yield(&fp_contexts[0]);
        samples[i] = read_instret() - start - overhead;
    }
    partner_stop = true;
    struct thread *self = thread_current();
    fp_yield(&fp_contexts[0]);
    self->fp_live = false;
    self->fp_used = false;
    self->trap_context = NULL;
    irq_restore(state);
    thread_join(partner, NULL);
    bench_report("fp_switch_insns", bench_percentile(samples, SAMPLES, 50) / 2, "insns",
                 "sched_yield ping-pong between two threads with live, Dirty FP registers: half "
                 "the median round trip of 1000 (the switch, saving f0-f31 and fcsr, and "
                 "loading them back as the first FP instruction's trap does)");
}
BENCH_CASE(bench_fp_switch);

static void bench_mutex_uncontended(void)
{
    static struct mutex mutex = MUTEX_INIT(mutex, "bench");
    uint64_t overhead = instret_overhead();
    irq_state_t state = irq_save();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        mutex_lock(&mutex);
        mutex_unlock(&mutex);
        samples[i] = read_instret() - start - overhead;
    }
    irq_restore(state);
    bench_report("mutex_uncontended_insns", bench_percentile(samples, SAMPLES, 50), "insns",
                 "mutex_lock plus mutex_unlock of a free mutex, median of 1000");
}
BENCH_CASE(bench_mutex_uncontended);

static struct semaphore ping;
static struct semaphore pong;

static int semaphore_partner(void *unused)
{
    (void)unused;
    irq_disable();
    for (;;) {
        semaphore_down(&ping);
        if (partner_stop)
            break;
        semaphore_up(&pong);
    }
    irq_enable();
    return 0;
}

static void bench_semaphore_handoff(void)
{
    semaphore_init(&ping, 0, "bench ping");
    semaphore_init(&pong, 0, "bench pong");
    partner_stop = false;
    struct thread *partner = thread_create(semaphore_partner, NULL, "bench-semaphore");
    if (partner == NULL)
        return;
    irq_state_t state = irq_save();
    sched_yield(); /* the partner starts and sleeps in semaphore_down(&ping) */
    uint64_t overhead = instret_overhead();
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t start = read_instret();
        semaphore_up(&ping);
        semaphore_down(&pong);
        samples[i] = read_instret() - start - overhead;
    }
    partner_stop = true;
    semaphore_up(&ping);
    irq_restore(state);
    thread_join(partner, NULL);
    bench_report("semaphore_handoff_insns", bench_percentile(samples, SAMPLES, 50) / 2, "insns",
                 "semaphore_up in one thread until the semaphore_down it wakes returns in "
                 "another (one switch included): half the median ping-pong round trip of 1000");
}
BENCH_CASE(bench_semaphore_handoff);
