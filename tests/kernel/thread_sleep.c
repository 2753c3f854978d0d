/*
 * thread_sleep: a sleep lasts as long as asked, and less than one tick
 * more, in virtual time. tests/system/test_threads.py runs this image
 * under `qemu -icount`, where the `time` CSR follows the instruction count
 * instead of the host's clock, so the figures do not depend on how busy
 * the host is.
 *
 * For each duration it checks:
 *   - the sleep took at least what was asked;
 *   - the tick that woke the thread came less than one tick after the
 *     deadline (ticks lie on a fixed grid, so the first one at or after
 *     the deadline is less than one interval after it);
 *   - from that tick to the thread running again took under 1% of a tick.
 * It prints one line per sleep and exits with the number of failures.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "arch/riscv.h"
#include "main.h"
#include "proc/thread.h"
#include "trap/timer.h"

static const uint64_t asked_us[] = {1000, 5000, 9999, 10000, 15000, 25000, 100000, 333333};

/* `time` units as microseconds with two decimals, for the report. */
static void print_us(const char *label, uint64_t time_units)
{
    uint64_t hundredths = time_units * 100000000 / timer_frequency();
    kprintf("%s %lu.%02lu us", label, hundredths / 100, hundredths % 100);
}

void kernel_run(void)
{
    int failures = 0;
    uint64_t tick = timer_interval();
    struct thread *self = thread_current();
    for (unsigned i = 0; i < sizeof(asked_us) / sizeof(asked_us[0]); i++) {
        uint64_t asked = asked_us[i] * timer_frequency() / 1000000;
        /* Start each sleep at another point between two ticks: 1.3 ms later each time. */
        uint64_t phase_end = read_time() + i * 13 * timer_frequency() / 10000;
        while (read_time() < phase_end) {
        }
        uint64_t start = read_time();
        sched_sleep_ns(asked_us[i] * 1000);
        uint64_t end = read_time();
        uint64_t slept = end - start;
        uint64_t woken = self->woken_time - start;
        bool long_enough = slept >= asked;
        bool tick_in_time = woken >= asked && woken < asked + tick;
        bool quick_wake = end - self->woken_time < tick / 100;
        kprintf("thread_sleep: asked %lu us:", asked_us[i]);
        print_us(" slept", slept);
        print_us(", woken by the tick at", woken);
        print_us(", running again after", end - self->woken_time);
        kprintf(" %s\n", long_enough && tick_in_time && quick_wake ? "ok" : "FAILED");
        failures += !(long_enough && tick_in_time && quick_wake);
    }
    /* The same in whole ticks. */
    uint64_t start = read_time();
    sched_sleep_ticks(3);
    uint64_t slept = read_time() - start;
    bool ticks_ok = slept >= 3 * tick && slept < 4 * tick;
    print_us("thread_sleep: 3 ticks:", slept);
    kprintf(" %s\n", ticks_ok ? "ok" : "FAILED");
    failures += !ticks_ok;
    if (failures == 0)
        kprintf("thread_sleep: ok, every sleep within one tick of what was asked\n");
    else
        kprintf("thread_sleep: %d sleeps FAILED\n", failures);
    machine_exit(failures);
}
