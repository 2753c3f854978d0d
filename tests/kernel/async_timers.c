/*
 * async_timers: timer futures measured in virtual time, under qemu -icount.
 *
 * With -icount the `time` CSR follows the instruction count, not the host's
 * clock, so lateness can be bounded without slack for a busy host. Tasks
 * sleep for durations given in scrambled order (two pairs share a deadline);
 * each must complete in deadline order, never before its deadline, and no
 * later than the first tick after it plus a small interrupt latency.
 * tests/system/test_async.py runs it with -icount shift=0,sleep=off.
 */
#include "async/executor.h"
#include "async/timer_future.h"
#include "console/console.h"
#include "dev/machine.h"
#include "arch/riscv.h"
#include "main.h"
#include "trap/timer.h"

#define SLEEPERS 8
/* From the tick to the task's poll: the trap, the expiry, the wake and the executor's loop. */
#define LATENCY_LIMIT_TIME_UNITS 100 /* 10 us at 10 MHz: 10,000 instructions under shift=0 */

static const uint64_t delay_us[SLEEPERS] = {47000, 3000, 12500, 100, 25000, 12500, 9999, 100};
/* Deadline order; equal deadlines keep the order the timers were set in. */
static const int expected_order[SLEEPERS] = {3, 7, 1, 6, 2, 5, 4, 0};

struct sleeper {
    struct async_future future;
    struct async_sleep sleep;
    int id;
    uint64_t woke_at;
};

static int order[SLEEPERS];
static int finished;

static enum async_poll sleeper_poll(struct async_future *future, struct async_cx *cx)
{
    struct sleeper *s = ASYNC_CONTAINER_OF(future, struct sleeper, future);
    if (async_future_poll(&s->sleep.future, cx) == ASYNC_PENDING)
        return ASYNC_PENDING;
    s->woke_at = read_time();
    order[finished++] = s->id;
    return ASYNC_READY;
}

/* Check one finished sleeper; returns 1 for a failure. */
static int check_sleeper(const struct sleeper *s, uint64_t base, int place)
{
    uint64_t deadline = async_sleep_deadline(&s->sleep);
    bool early = s->woke_at < deadline;
    uint64_t late = early ? 0 : s->woke_at - deadline;
    bool too_late = late > timer_interval() + LATENCY_LIMIT_TIME_UNITS;
    bool misplaced = expected_order[place] != s->id;
    kprintf("async_timers: #%d timer %d: deadline +%lu, done +%lu, late %lu%s%s%s\n", place, s->id,
            deadline - base, s->woke_at - base, late, early ? " EARLY" : "",
            too_late ? " TOO LATE" : "", misplaced ? " OUT OF ORDER" : "");
    return early || too_late || misplaced;
}

void kernel_run(void)
{
    static struct async_executor executor;
    static struct sleeper sleepers[SLEEPERS];
    static struct async_task tasks[SLEEPERS];
    async_executor_init(&executor, "timers");
    uint64_t base = read_time();
    for (int i = 0; i < SLEEPERS; i++) {
        sleepers[i].future.poll = sleeper_poll;
        sleepers[i].id = i;
        async_sleep_init_until(&sleepers[i].sleep, base + async_time_from_us(delay_us[i]));
        async_task_init(&tasks[i], "sleeper", &sleepers[i].future);
        async_spawn(&executor, &tasks[i]);
    }
    async_executor_run(&executor);

    kprintf("async_timers: times in `time` units (%lu Hz) from the start; one tick is %lu\n",
            timer_frequency(), timer_interval());
    int failures = finished == SLEEPERS ? 0 : 1;
    for (int place = 0; place < finished; place++)
        failures += check_sleeper(&sleepers[order[place]], base, place);
    kprintf("async_timers: %s (%d failures)\n", failures == 0 ? "ok" : "FAILED", failures);
    machine_exit(failures == 0 ? 0 : 1);
}
