/*
 * timer_future.c: sleeping futures on top of the periodic tick.
 *
 * One queue of pending timers for the whole kernel, under a spinlock. The
 * first poll of any timer adds a tick hook (trap/timer.h); from then on the
 * timer interrupt calls async_timers_tick, which wakes every timer whose
 * deadline has passed. A poll that finds its deadline passed completes at
 * once, without waiting for a tick.
 */
#include "async/timer_future.h"

#include "arch/riscv.h"
#include "sync/spinlock.h"
#include "trap/timer.h"

static struct {
    struct spinlock lock; /* guards everything below; the tick hook takes it on every hart */
    struct async_timer_queue queue;
    bool hooked; /* the tick hook is in */
    uint64_t pending;
    uint64_t expired;
} timers = {.lock = SPINLOCK_INIT("async timers")};

/* The timer interrupt, every tick: wake what has expired. */
static void async_timers_tick(uint64_t now)
{
    spinlock_acquire(&timers.lock);
    size_t expired = async_timer_queue_expire(&timers.queue, now);
    timers.pending -= expired;
    timers.expired += expired;
    spinlock_release(&timers.lock);
}

/* The first timer puts the hook in; the lock is held, so only one does. */
static void hook_into_tick(void)
{
    if (timers.hooked)
        return;
    timers.hooked = true;
    timer_add_tick_hook(async_timers_tick);
}

static enum async_poll sleep_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_sleep *sleep = ASYNC_CONTAINER_OF(future, struct async_sleep, future);
    enum async_poll result = ASYNC_PENDING;
    spinlock_acquire(&timers.lock);
    hook_into_tick();
    /* Checked under the lock: the tick cannot expire the entry between this and the insert. */
    if (read_time() >= sleep->entry.deadline) {
        if (sleep->entry.linked)
            timers.pending--;
        async_timer_queue_remove(&timers.queue, &sleep->entry);
        result = ASYNC_READY;
    } else {
        if (!sleep->entry.linked)
            timers.pending++;
        async_timer_queue_insert(&timers.queue, &sleep->entry, &cx->waker);
    }
    spinlock_release(&timers.lock);
    return result;
}

static void sleep_cancel(struct async_future *future)
{
    struct async_sleep *sleep = ASYNC_CONTAINER_OF(future, struct async_sleep, future);
    spinlock_acquire(&timers.lock);
    if (sleep->entry.linked)
        timers.pending--;
    async_timer_queue_remove(&timers.queue, &sleep->entry);
    spinlock_release(&timers.lock);
}

void async_sleep_init_until(struct async_sleep *sleep, uint64_t deadline)
{
    sleep->future.poll = sleep_poll;
    sleep->future.cancel = sleep_cancel;
    async_timer_entry_init(&sleep->entry, deadline);
}

uint64_t async_time_from_us(uint64_t us)
{
    /* Split so that neither product overflows: whole seconds, then the rest. */
    uint64_t frequency = timer_frequency();
    return us / 1000000 * frequency + us % 1000000 * frequency / 1000000;
}

void async_sleep_init_us(struct async_sleep *sleep, uint64_t us)
{
    async_sleep_init_until(sleep, read_time() + async_time_from_us(us));
}

void async_sleep_init_ms(struct async_sleep *sleep, uint64_t ms)
{
    async_sleep_init_us(sleep, ms * 1000);
}

uint64_t async_sleep_deadline(const struct async_sleep *sleep)
{
    return sleep->entry.deadline;
}

uint64_t async_timers_pending(void)
{
    return timers.pending;
}

uint64_t async_timers_expired(void)
{
    return timers.expired;
}
