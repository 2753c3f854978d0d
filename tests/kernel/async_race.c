/*
 * async_race: the executor's sleep race, hit on purpose, under qemu -icount.
 *
 * With -icount the guest's clock counts instructions, so a device timer
 * fires at an exact instruction. A task sends one byte through the UART in
 * loopback mode (its receive interrupt comes one "character timeout"
 * later), spins until a chosen instruction count, then waits for the byte
 * on the input stream. Round after round the spin grows by a few
 * instructions, so the interrupt lands at every point of the executor's
 * way to sleep: in the poll, before the check, between the check and wfi,
 * in wfi.
 *
 * Run twice: with the executor's own idle (async_idle_wait: check and wfi
 * with interrupts off), and with a naive idle that checks with interrupts
 * on. The first must catch the interrupt between check and wfi and lose
 * nothing; the second must lose wakeups, which shows the race is real.
 * tests/system/test_async.py runs it with -icount shift=0,sleep=off.
 */
#include "async/executor.h"
#include "async/idle.h"
#include "async/input_stream.h"
#include "console/console.h"
#include "dev/machine.h"
#include "dev/uart.h"
#include "arch/riscv.h"
#include "main.h"
#include "arch/irq.h"
#include "proc/hold_harts.h"

#define ROUNDS      450
#define SWEEP_STEP  4    /* instructions added to the spin each round */
#define SWEEP_AHEAD 1500 /* the first round's spin ends this long before the interrupt */

static void drain_input(void)
{
    while (uart_read_byte() >= 0) {
    }
}

static void send_one_byte(void)
{
    uart_set_loopback(true);
    uart_write_byte('r');
    uart_set_loopback(false);
}

struct racer {
    struct async_future future;
    struct async_read_byte byte;
    bool waiting;
    int round;
    uint64_t first_spin; /* instructions spun in round 0 */
};

static enum async_poll racer_poll(struct async_future *future, struct async_cx *cx)
{
    struct racer *r = ASYNC_CONTAINER_OF(future, struct racer, future);
    for (;;) {
        if (r->waiting) {
            if (async_future_poll(&r->byte.future, cx) == ASYNC_PENDING)
                return ASYNC_PENDING;
            r->waiting = false;
            r->round++;
        }
        if (r->round == ROUNDS)
            return ASYNC_READY;
        send_one_byte();
        uint64_t until = read_instret() + r->first_spin + (uint64_t)r->round * SWEEP_STEP;
        while (read_instret() < until) {
        }
        async_read_byte_init(&r->byte);
        r->waiting = true;
    }
}

/* Instructions from a byte sent to its interrupt, roughly (the check itself costs some). */
static uint64_t measure_delay(void)
{
    drain_input();
    send_one_byte();
    uint64_t start = read_instret();
    while (uart_bytes_waiting() == 0) {
    }
    uint64_t delay = read_instret() - start;
    drain_input();
    return delay;
}

/* The naive idle: look with interrupts on, then sleep. */
static struct async_idle_stats naive_stats;

static void naive_wait(struct async_executor *executor)
{
    if (async_executor_has_ready(executor))
        return;
    irq_state_t state = irq_save();
    wfi();
    naive_stats.sleeps++;
    naive_stats.woke_with_work += async_executor_has_ready(executor) ? 1 : 0;
    irq_restore(state);
}

static const struct async_executor_idle naive_idle = {.wait = naive_wait, .notify = NULL};

/* One run of all rounds; returns the racer's rounds completed. */
static int race(const struct async_executor_idle *idle, struct async_idle_stats *stats,
                uint64_t delay)
{
    static struct async_executor executor;
    static struct racer racer;
    static struct async_task task;
    racer = (struct racer){.future = {.poll = racer_poll}};
    /* From well before the interrupt (the task's way to wfi is some hundreds of
       instructions) to some way after it. */
    racer.first_spin = delay - SWEEP_AHEAD;
    async_executor_init(&executor, "race");
    async_executor_set_idle(&executor, idle, NULL);
    async_task_init(&task, "racer", &racer.future);
    async_spawn(&executor, &task);
    async_executor_run(&executor);
    drain_input();
    if (idle == NULL)
        *stats = executor.idle_stats;
    return racer.round;
}

void kernel_run(void)
{
    if (!uart_present() || !irq_enabled()) {
        kprintf("async_race: needs the UART and interrupts\n");
        machine_exit(2);
    }
    /* The race is this hart's: with several, the interrupt must not go to another one. */
    hold_other_harts();
    uint64_t delay = measure_delay();
    kprintf("async_race: a looped-back byte interrupts %lu instructions after it is sent\n", delay);
    struct async_idle_stats good = {0};
    int good_rounds = race(NULL, &good, delay);
    kprintf("async_race: executor idle: %d of %d rounds, %lu sleeps, %lu interrupts caught "
            "between check and wfi, %lu wakeups lost\n",
            good_rounds, ROUNDS, good.sleeps, good.interrupt_in_window, good.woke_with_work);
    int naive_rounds = race(&naive_idle, &naive_stats, delay);
    kprintf("async_race: naive idle: %d of %d rounds, %lu sleeps, %lu wakeups lost\n", naive_rounds,
            ROUNDS, naive_stats.sleeps, naive_stats.woke_with_work);

    bool ok = good_rounds == ROUNDS && good.woke_with_work == 0 && good.interrupt_in_window > 0 &&
              naive_rounds == ROUNDS && naive_stats.woke_with_work > 0;
    kprintf("async_race: %s\n", ok ? "ok" : "FAILED");
    machine_exit(ok ? 0 : 1);
}
