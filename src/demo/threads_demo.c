/*
 * threads_demo.c: mode=threads: eight kernel threads printing under preemption.
 *
 * Each thread works through DEMO_ROUNDS rounds. A round is a busy loop of
 * DEMO_ROUND_MS milliseconds (by the `time` CSR) that never yields, then
 * one printed line. Nothing in the threads gives the hart away, so the
 * only reason their lines interleave is the timer ending each slice. At
 * the end the boot thread joins them all and prints what happened.
 *
 * Thread i has priority i + 1. FIFO ignores priorities, so every thread
 * gets the same turns; stride gives thread 7 eight times thread 0's share,
 * so the high numbers finish first. `make timeline` draws both
 * (docs/threads.md).
 */
#include "demo/threads_demo.h"

#include <stdint.h>

#include "console/console.h"
#include "arch/riscv.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/spinlock.h"
#include "trap/timer.h"

#define DEMO_THREADS  8
#define DEMO_ROUNDS   6
#define DEMO_ROUND_MS 7

/* Which thread printed each line, in order: to count how often the printer changed. */
static volatile int printed_by[DEMO_THREADS * DEMO_ROUNDS];
static volatile uint32_t lines_printed;
/* A line's number and its printing, as one step: on several harts two lines could swap. */
static struct spinlock print_lock = SPINLOCK_INIT("threads demo");

static void spin_for_ms(uint64_t milliseconds)
{
    uint64_t end = read_time() + milliseconds * timer_frequency() / 1000;
    while (read_time() < end) {
        /* busy: no yield, no sleep */
    }
}

static int demo_thread(void *arg)
{
    int id = (int)(uintptr_t)arg;
    for (int round = 1; round <= DEMO_ROUNDS; round++) {
        spin_for_ms(DEMO_ROUND_MS);
        spinlock_acquire(&print_lock);
        printed_by[lines_printed++] = id;
        kprintf("threads: thread %d round %d of %d\n", id, round, DEMO_ROUNDS);
        spinlock_release(&print_lock);
    }
    return 100 + id;
}

void threads_demo_run(void)
{
    kprintf("threads: %d kernel threads (priorities 1 to %d), %d rounds of %d ms each, never "
            "yielding; the %s scheduler preempts every %u ticks\n",
            DEMO_THREADS, DEMO_THREADS, DEMO_ROUNDS, DEMO_ROUND_MS, sched_policy()->name,
            sched_slice_ticks());
    struct sched_stats before;
    sched_get_stats(&before);
    struct thread *threads[DEMO_THREADS];
    char name[THREAD_NAME_MAX];
    for (int i = 0; i < DEMO_THREADS; i++) {
        snprintf(name, sizeof(name), "demo-%d", i);
        threads[i] = thread_create(demo_thread, (void *)(uintptr_t)i, name);
        if (threads[i] == NULL) {
            kprintf("threads: could not create thread %d\n", i);
            return;
        }
        sched_set_priority(threads[i], (uint32_t)i + 1);
    }
    int exit_codes_ok = 0;
    for (int i = 0; i < DEMO_THREADS; i++) {
        int code = -1;
        if (thread_join(threads[i], &code) == 0 && code == 100 + i)
            exit_codes_ok++;
    }
    struct sched_stats after;
    sched_get_stats(&after);
    int changes = 0;
    for (uint32_t line = 1; line < lines_printed; line++) {
        if (printed_by[line] != printed_by[line - 1])
            changes++;
    }
    kprintf("threads: done: %u lines, the printing thread changed %d times, %lu preemptions, "
            "%lu switches, %d of %d exit codes right\n",
            lines_printed, changes, after.preemptions - before.preemptions,
            after.switches - before.switches, exit_codes_ok, DEMO_THREADS);
}
