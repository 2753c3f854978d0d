/*
 * sched.c: the scheduler core: the switch, yield, block and wake, the tick
 * that ends time slices, the timer queue of sleeping threads, and the idle
 * thread.
 *
 * Which ready thread runs next is the policy's business (sched_fifo.h,
 * sched_stride.h, chosen with SCHED= at build time); everything here is the
 * same for every policy. All of it runs under sched_lock, with interrupts
 * off, and a switch happens with that lock held: the thread that switches
 * away takes it, and the thread that resumes releases it (sched_unlock).
 */
#include "proc/sched.h"

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"
#include "mm/tlb.h"
#include "abi/errno.h"
#include "proc/fp.h"
#include "proc/interruptible.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "trap/ipi.h"
#include "trap/timer.h"
#include "trace/timeline.h"

/*
 * The policy, chosen at build time: make SCHED=NAME passes
 * -DSCHED_POLICY=sched_policy_NAME. Both headers define their policy's
 * struct of operations; the compiler sees that `policy` is a constant, so
 * the calls below go straight to the chosen policy's functions.
 */
#include "proc/sched_fifo.h"
#include "proc/sched_stride.h"

#ifndef SCHED_POLICY
#define SCHED_POLICY sched_policy_fifo
#endif
static const struct sched_policy *const policy = &SCHED_POLICY;

#define NS_PER_SECOND 1000000000ULL

HART_SLOT_CHECK(struct sched_hart);

/* Guards the struct below, every thread's state and every wait queue's list (sched.h). */
struct spinlock sched_lock = SPINLOCK_INIT("sched");

/*
 * The scheduler's state, all guarded by sched_lock. One struct, so the
 * switch path reaches every field from one base address.
 */
static struct {
    struct run_queue *ready; /* made by the policy in sched_init */
    /*
     * Harts in their idle loop with nothing to run (bit i: hart index i): each
     * sets its bit before it sleeps in wfi, and whoever makes a thread ready
     * while a bit is set clears it and kicks that hart awake (an IPI).
     */
    uint32_t idle_harts;
    /* The timer queue: sleeping threads through thread->sleep_node, earliest wake_time first. */
    struct list sleepers;
    struct sched_stats stats;
    /*
     * timeline_on, copied here at sched_init: the wake path already has
     * this struct's address at hand, so the test costs it one load, not
     * three. (The switch tests a per-thread flag instead: switch_work.)
     */
    bool timeline;
} sched = {.sleepers = LIST_INIT(sched.sleepers)};

static uint32_t slice_ticks = SCHED_SLICE_TICKS;

/* switch.S */
void switch_context(struct switch_context *from, struct switch_context *to);
void sched_thread_begin_kernel(void);
void sched_thread_begin_user(void);

const struct sched_policy *sched_policy(void)
{
    return policy;
}

uint32_t sched_slice_ticks(void)
{
    return slice_ticks;
}

void sched_set_slice_ticks(uint32_t ticks)
{
    slice_ticks = ticks == 0 ? 1 : ticks;
}

/* ---- The switch ------------------------------------------------------------------ */

/* Why a switch is not allowed here; it would corrupt the lock or interrupt bookkeeping. */
__attribute__((noreturn, noinline, cold)) static void switch_refused(int locks_expected)
{
    struct thread *current = sched_hart()->current;
    const char *name = current != NULL ? current->name : "?";
    if (trap_interrupt_depth() != 0)
        panic("sched: thread '%s' tried to switch threads inside an interrupt handler", name);
    panic("sched: thread '%s' tried to switch threads holding %d spinlock(s)", name,
          spinlock_depth() - locks_expected);
}

/* The timeline's view of a switch (timeline=1): kept out of line, off the hot path. */
static __attribute__((noinline)) void timeline_switch(struct thread *prev, struct thread *next)
{
    if (prev->state == THREAD_BLOCKED)
        timeline_record(TIMELINE_SLEEP, prev->tid, prev->name,
                        prev->waiting_on != NULL              ? prev->waiting_on->name
                        : list_node_linked(&prev->sleep_node) ? "timer"
                                                              : "blocked",
                        0);
    timeline_record(TIMELINE_SWITCH_OUT, prev->tid, prev->name, NULL, 0);
    timeline_record(TIMELINE_SWITCH_IN, next->tid, next->name, NULL, 0);
}

/*
 * Run `next` on this hart instead of `prev`. sched_lock is held, and
 * nothing else (the callers check: switch_refused), and this is not an
 * interrupt handler; prev's state is already READY, BLOCKED or EXITED.
 * Returns when some hart switches back to prev.
 */
static inline __attribute__((always_inline)) void
switch_to(struct sched_hart *mine, struct thread *prev, struct thread *next)
{
    struct hart *hart = hart_this();
    mine->current = next;
    next->state = THREAD_RUNNING;
    next->slice_used = 0;
    sched.stats.switches++;
    /*
     * trap.S compares sp with stack_bottom on every trap from the kernel,
     * and panics print the running name: both must describe `next` before
     * it runs. Interrupts are off, so no trap sees them half changed.
     */
    hart->stack_bottom = next->kstack.bottom.value;
    hart->stack_top = next->kstack.top.value;
    hart->running = next->name; /* (name comes first in struct thread: `next` itself) */
    /* Another process: its address space. The same one: no satp write, no TLB flush. */
    const struct memory_set *space = next->process->memory_set;
    if (space != memory_set_active_entered()) /* (a hart that switches has entered) */
        memory_set_activate_irq_off(space);
    /*
     * Whether interrupts come back on when the last lock goes is the
     * thread's own state, not the hart's: keep it on this stack while other
     * threads run.
     */
    bool irq_enabled_before = spinlock_hart()->irq_enabled_before_locks;
    /*
     * sstatus.SUM belongs to the copy that set it (mm/uaccess.c), not to the
     * hart: a thread preempted mid-copy gets it back from its trap context,
     * and the next thread must not inherit an open user half.
     */
    csr_clear(sstatus, SSTATUS_SUM);
    /*
     * A user thread's live FP registers are saved as it leaves the hart
     * (proc/fp.h), and the timeline notes the switch: both flags live in
     * one halfword, so a thread that needs neither costs one load and one
     * branch here (make bench: thread_switch_insns).
     */
    if (__builtin_expect(prev->switch_work != 0, 0)) {
        if (prev->timeline_switch)
            timeline_switch(prev, next);
        if (prev->fp_live)
            fp_switch_out(prev);
    }
    switch_context(&prev->switch_context, &next->switch_context);
    /* prev runs again; with several harts, perhaps on another one. */
    spinlock_hart()->irq_enabled_before_locks = irq_enabled_before;
}

/*
 * sched_lock on the switch path. Every switch happens with sched_lock held
 * and no other lock (checked before it), so the lock depth goes from 0 to
 * 1 on the way in and from 1 to 0 on the way out. These two do what
 * spinlock_acquire and spinlock_release do, minus the steps that this
 * knowledge makes unnecessary (no nesting, no recursion possible).
 */
static inline __attribute__((always_inline)) void lock_for_switch(uint64_t site)
{
    irq_state_t was_enabled = irq_save();
    struct spinlock_hart *locks = spinlock_hart();
    locks->irq_enabled_before_locks = was_enabled != 0;
    locks->depth = 1;
    lockdep_acquire(&sched_lock, site);
    spinlock_take(&sched_lock, hart_this(), site);
}

__attribute__((noreturn, noinline, cold)) static void unlock_refused(void)
{
    panic("sched: after a switch, hart %lu holds %d spinlock(s) and sched_lock is %s", hart_id(),
          spinlock_depth(), sched_lock.owner == hart_this() ? "its" : "not its");
}

/* The end of every switch, in whichever thread resumes: see sched_unlock. */
static inline __attribute__((always_inline)) void unlock_after_switch(void)
{
    struct spinlock_hart *locks = spinlock_hart();
    struct sched_hart *mine = sched_hart();
    if (locks->depth != 1 || sched_lock.owner != hart_this())
        unlock_refused();
    /* A detached thread that exited just before this switch: now nothing runs on its stack. */
    struct thread *exited = mine->exited_thread;
    if (exited != NULL)
        mine->exited_thread = NULL; /* taken while interrupts are still off */
    lockdep_release(&sched_lock);
    spinlock_give(&sched_lock);
    locks->depth = 0;
    if (locks->irq_enabled_before_locks)
        irq_enable();
    if (exited != NULL)
        thread_free(exited);
}

void sched_unlock(void)
{
    unlock_after_switch();
}

/* What switch.S's start stubs call first: end the switch that brought the new thread here. */
void sched_thread_begin_kernel(void)
{
    spinlock_hart()->irq_enabled_before_locks = true; /* a kernel thread starts with them on */
    sched_unlock();
}

void sched_thread_begin_user(void)
{
    spinlock_hart()->irq_enabled_before_locks = false; /* trap_return's sret turns them on */
    sched_unlock();
}

/*
 * A hart sleeps in its idle loop while a thread has become ready: wake one.
 * If this hart is one of them, it is the idle thread in an interrupt
 * handler, and it will look at the queue as the handler returns: no IPI.
 */
__attribute__((noinline)) static void kick_idle_hart_locked(void)
{
    uint32_t me = 1u << hart_index();
    if ((sched.idle_harts & me) != 0) {
        sched.idle_harts &= ~me;
        return;
    }
    uint32_t target = (uint32_t)__builtin_ctz(sched.idle_harts);
    sched.idle_harts &= ~(1u << target);
    sched.stats.kicks++;
    ipi_send(target, IPI_WAKE);
}

/* `thread` is READY: into the queue, and wake an idle hart to run it if there is one. */
static inline __attribute__((always_inline)) void make_ready_locked(struct thread *thread)
{
    thread->state = THREAD_READY;
    policy->add(sched.ready, thread);
    if (sched.idle_harts != 0)
        kick_idle_hart_locked();
}

static inline struct thread *pick_next_locked(struct sched_hart *mine)
{
    struct thread *next = policy->pick_next(sched.ready);
    return next != NULL ? next : mine->idle;
}

void sched_block_locked(void)
{
    struct sched_hart *mine = sched_hart();
    if (spinlock_depth() != 1 || trap_interrupt_depth() != 0)
        switch_refused(1);
    struct thread *self = mine->current;
    struct thread *next = pick_next_locked(mine);
    if (next == self)
        panic("sched: thread '%s' blocked, but the scheduler picked it again", self->name);
    switch_to(mine, self, next);
}

/*
 * sched_block_locked, then sched_unlock: once woken, the thread is no
 * longer in an interruptible sleep (its `interruptible` is cleared under
 * the lock) and sched_lock is released. If `guard` is not NULL, it is taken
 * in sched_lock's place: the lock depth stays one and interrupts stay off
 * in between, so nothing about them has to be undone and done again.
 */
static inline __attribute__((always_inline)) void
block_then_relock(struct sched_hart *mine, struct thread *self, struct spinlock *guard)
{
    if (spinlock_depth() != 1 || trap_interrupt_depth() != 0)
        switch_refused(1);
    struct thread *next = pick_next_locked(mine);
    if (next == self)
        panic("sched: thread '%s' blocked, but the scheduler picked it again", self->name);
    switch_to(mine, self, next);
    self->interruptible = false;
    /* Perhaps on another hart now: `mine` was the old one's slot; sched_hart() reads tp again. */
    if (guard == NULL || sched_hart()->exited_thread != NULL) {
        unlock_after_switch(); /* (and a thread that exited here is freed, with no lock held) */
        if (guard != NULL)
            spinlock_acquire(guard);
        return;
    }
    /* sched_lock for the guard: unlock_after_switch's checks, without its interrupt steps. */
    if (spinlock_depth() != 1 || sched_lock.owner != hart_this())
        unlock_refused();
    uint64_t site = SPINLOCK_SITE();
    lockdep_release(&sched_lock);
    spinlock_give(&sched_lock);
    lockdep_acquire(guard, site);
    spinlock_take(guard, hart_this(), site);
}

/*
 * proc/interruptible.h's sleep on a wait queue. It lives here, so that the
 * whole of it is one function, the switch and the locks inlined: a pipe
 * round trip sleeps here twice (docs/pipes.md counts it).
 */
int wait_queue_sleep_interruptible(struct wait_queue *queue, struct spinlock *guard)
{
    sched_check_may_sleep("wait_queue_sleep_interruptible", guard != NULL ? 1 : 0);
    struct sched_hart *mine = sched_hart();
    struct thread *self = mine->current;
    spinlock_acquire_inline(&sched_lock, SPINLOCK_SITE());
    /* The last look, under sched_lock: a sender that comes later finds this thread asleep. */
    if (thread_signal_pending(self)) {
        spinlock_release(&sched_lock);
        return -ERESTARTSYS;
    }
    list_push_back(&queue->waiters, &self->wait_node);
    self->waiting_on = queue;
    self->state = THREAD_BLOCKED;
    self->interruptible = true;
    if (guard != NULL)
        spinlock_release_inline(guard);
    block_then_relock(mine, self, guard); /* returns holding the guard again, if there is one */
    return thread_signal_pending(self) ? -ERESTARTSYS : 0;
}

/*
 * The caller goes to the back of the ready queue and the next thread runs.
 * This is the path the thread_switch_insns benchmark measures, so it is
 * written out in one function, with the policy and the switch inlined.
 */
void sched_yield(void)
{
    struct sched_hart *mine = sched_hart();
    if ((spinlock_depth() | trap_interrupt_depth()) != 0)
        switch_refused(0);
    lock_for_switch(SPINLOCK_SITE());
    struct thread *self = mine->current;
    if (self != mine->idle)
        make_ready_locked(self);
    struct thread *next = pick_next_locked(mine);
    if (next != self) {
        switch_to(mine, self, next);
    } else {
        /* Picked again (nothing else ready, or the policy chose it): a fresh slice. */
        self->state = THREAD_RUNNING;
        self->slice_used = 0;
    }
    unlock_after_switch();
}

void sched_preempt_if_due(void)
{
    struct sched_hart *mine = sched_hart();
    if (!mine->preempt_pending || trap_interrupt_depth() != 0)
        return;
    mine->preempt_pending = false;
    struct thread *self = mine->current;
    if (self != mine->idle) {
        /* Counted here, before the yield; the tick asked only because others were waiting. */
        spinlock_acquire(&sched_lock);
        sched.stats.preemptions++;
        self->preemptions++;
        spinlock_release(&sched_lock);
    }
    sched_yield();
}

void sched_start_thread(struct thread *thread)
{
    spinlock_acquire(&sched_lock);
    make_ready_locked(thread);
    spinlock_release(&sched_lock);
}

/* The timeline's view of a wake: by the running thread, or by an interrupt. */
static __attribute__((noinline)) void timeline_wake(struct thread *thread)
{
    struct thread *waker = sched_hart()->current;
    bool in_irq = trap_interrupt_depth() != 0 || waker == NULL;
    const char *source = timeline_irq_source();
    timeline_record(TIMELINE_WAKE, thread->tid, thread->name,
                    in_irq ? (source != NULL ? source : "interrupt") : NULL,
                    in_irq ? -1 : waker->tid);
}

static inline __attribute__((always_inline)) void wake_locked(struct thread *thread)
{
    if (thread->state != THREAD_BLOCKED)
        panic("sched: waking thread '%s', which is %s, not blocked", thread->name,
              thread_state_name(thread->state));
    thread->waiting_on = NULL;
    /* A sleep on a queue with a deadline (ppoll): woken from the queue, it leaves the timer's. */
    if (list_node_linked(&thread->sleep_node))
        list_remove(&thread->sleep_node);
    sched.stats.wakeups++;
    if (__builtin_expect(sched.timeline, 0))
        timeline_wake(thread);
    make_ready_locked(thread);
}

void sched_wake_locked(struct thread *thread)
{
    wake_locked(thread);
}

bool sched_wake_first(struct list *waiters)
{
    spinlock_acquire_inline(&sched_lock, SPINLOCK_SITE());
    struct list_node *first = list_pop_front(waiters);
    if (first != NULL)
        wake_locked(list_entry(first, struct thread, wait_node));
    spinlock_release_inline(&sched_lock);
    return first != NULL;
}

/* ---- Sleeping threads and the tick --------------------------------------------- */

/* The first tick at or after wake_time wakes the thread (with the `time` it read). */
static void wake_sleepers_locked(uint64_t now)
{
    while (!list_empty(&sched.sleepers)) {
        struct thread *sleeper = list_entry(list_first(&sched.sleepers), struct thread, sleep_node);
        if (sleeper->wake_time > now)
            break;
        list_remove(&sleeper->sleep_node);
        /* Its deadline came first: it leaves the wait queue it also slept on (ppoll). */
        if (sleeper->waiting_on != NULL)
            list_remove(&sleeper->wait_node);
        sleeper->woken_time = now;
        sched_wake_locked(sleeper);
    }
}

/*
 * A timer tick hook (trap/timer.h), so it runs in the timer interrupt:
 * wake the sleepers that are due, count the tick against the running
 * thread's slice, and if the policy says so, ask for a switch. The switch
 * itself waits until the interrupt handler is done (sched_preempt_if_due).
 */
/*
 * The soft-lockup check. A thread that stays in the kernel, never passing
 * through the scheduler and never going back to user mode, for
 * lockup_ticks ticks in a row gets a report (docs/debugging.md): a loop
 * that waits for something that will not come, with interrupts on, so the
 * ticks still arrive. Nothing else being ready, the scheduler has no reason
 * to take the hart away, and nothing else would say where it spins.
 *
 * "Rescheduled": the scheduler resets slice_used whenever it (re)starts a
 * thread, so a slice that is not exactly one tick longer than last time
 * means it ran through the scheduler in between. "Back in user mode":
 * trap_return leaves this hart's tp in the x[0] slot of the thread's user
 * trap frame every time it returns to user mode (trap.S reads it back on
 * the next entry). While the thread is in the kernel that slot is not
 * used, so the check zeroes it; finding it set at the next tick proves a
 * return to user mode in between, at no cost to the system-call path.
 * Kernel threads have no user frame: only the first test applies.
 */
#define LOCKUP_SECONDS 5
static uint32_t lockup_ticks = LOCKUP_SECONDS * HZ;

void sched_set_lockup_ms(uint32_t milliseconds)
{
    lockup_ticks = milliseconds == 0 ? 0 : (milliseconds * HZ + 999) / 1000;
}

static void lockup_check(struct sched_hart *mine, struct thread *running)
{
    struct context *interrupted = trap_interrupted_context();
    bool in_kernel = interrupted != NULL && (interrupted->sstatus & SSTATUS_SPP) != 0;
    struct context *user_frame = running->trap_context;
    bool progressed = running == mine->idle || !in_kernel || running != mine->watched ||
                      running->slice_used != mine->watched_slice + 1 ||
                      (user_frame != NULL && user_frame->x[0] != 0);
    mine->stuck_ticks = progressed ? 0 : mine->stuck_ticks + 1;
    mine->watched = running;
    mine->watched_slice = running->slice_used;
    if (in_kernel && user_frame != NULL && running != mine->idle)
        user_frame->x[0] = 0;
    if (lockup_ticks != 0 && mine->stuck_ticks >= lockup_ticks) {
        trap_report_lockup(interrupted, (uint64_t)mine->stuck_ticks * 1000 / HZ);
        mine->stuck_ticks = 0; /* again after as long, if it is still stuck */
    }
}

static void sched_tick(uint64_t now)
{
    struct sched_hart *mine = sched_hart();
    spinlock_acquire(&sched_lock);
    sched.stats.ticks++;
    wake_sleepers_locked(now);
    struct thread *running = mine->current;
    /* (The idle thread needs no preemption: its loop looks at the queue after every interrupt.) */
    if (running != mine->idle) {
        running->slice_used++;
        if (policy->tick(sched.ready, running))
            mine->preempt_pending = true;
    }
    spinlock_release(&sched_lock);
    lockup_check(mine, running);
}

/* Into the timer queue, sorted by wake time; a thread goes after those that wake at the same time.
 */
void sched_enqueue_sleeper_locked(struct thread *self, uint64_t wake_time)
{
    self->wake_time = wake_time;
    /* Sorted by wake time; a thread goes after those that wake at the same time. */
    struct list_node *position = &sched.sleepers.head;
    list_for_each(node, &sched.sleepers)
    {
        if (list_entry(node, struct thread, sleep_node)->wake_time > wake_time) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &self->sleep_node);
    self->state = THREAD_BLOCKED;
}

void sched_sleep_until(uint64_t wake_time)
{
    sched_assert_may_sleep("sched_sleep", 0);
    spinlock_acquire(&sched_lock);
    sched_enqueue_sleeper_locked(sched_hart()->current, wake_time);
    sched_block_locked();
    sched_unlock();
}

int sched_sleep_until_interruptible(uint64_t wake_time)
{
    sched_assert_may_sleep("sched_sleep_until_interruptible", 0);
    spinlock_acquire(&sched_lock);
    struct thread *self = sched_hart()->current;
    /* The last look under sched_lock (proc/interruptible.h says why). */
    if (signal_pending()) {
        spinlock_release(&sched_lock);
        return -EINTR;
    }
    sched_enqueue_sleeper_locked(self, wake_time);
    self->interruptible = true;
    sched_block_locked();
    self->interruptible = false;
    sched_unlock();
    return signal_pending() ? -EINTR : 0;
}

int sched_sleep_until_guarded(uint64_t wake_time, struct spinlock *guard)
{
    sched_assert_may_sleep("sched_sleep_until_guarded", 1);
    spinlock_acquire(&sched_lock);
    struct thread *self = sched_hart()->current;
    if (signal_pending()) {
        spinlock_release(&sched_lock);
        return -EINTR;
    }
    sched_enqueue_sleeper_locked(self, wake_time);
    self->interruptible = true;
    spinlock_release(guard); /* after the enqueue: a waker that takes the guard finds us asleep */
    sched_block_locked();
    self->interruptible = false;
    sched_unlock();
    spinlock_acquire(guard);
    return signal_pending() ? -EINTR : 0;
}

void sched_end_sleep_locked(struct thread *thread)
{
    if (thread->state != THREAD_BLOCKED || !list_node_linked(&thread->sleep_node))
        return; /* already woken: by its time, or by a signal */
    list_remove(&thread->sleep_node);
    sched_wake_locked(thread);
}

/* The hart index `thread` runs on, or -1: each hart's current is in its own block. */
static int hart_running_locked(const struct thread *thread)
{
    uint32_t online = hart_online_mask();
    while (online != 0) {
        uint32_t index = (uint32_t)__builtin_ctz(online);
        online &= online - 1;
        struct hart *hart = hart_by_index(index);
        const struct sched_hart *theirs =
            (const struct sched_hart *)((uint64_t)hart + HART_SLOT_SCHED * HART_SLOT_SIZE);
        if (hart != NULL && theirs->current == thread)
            return (int)index;
    }
    return -1;
}

void sched_interrupt_locked(struct thread *thread)
{
    if (thread->state == THREAD_RUNNING) {
        /* On another hart, perhaps in user mode: an IPI makes it trap, and see the signal. */
        int index = hart_running_locked(thread);
        if (index >= 0 && (uint32_t)index != hart_index())
            ipi_send((uint32_t)index, IPI_WAKE);
        return;
    }
    if (thread->state != THREAD_BLOCKED || !thread->interruptible)
        return;
    if (thread->waiting_on != NULL)
        list_remove(&thread->wait_node); /* off its wait queue (guarded by sched_lock) */
    /* (sched_wake_locked takes it out of the timer queue too, if it is there.) */
    sched_wake_locked(thread);
}

/* Nanoseconds to `time` units, rounded up so that a sleep is never shorter than asked. */
static uint64_t nanoseconds_to_time(uint64_t nanoseconds)
{
    uint64_t frequency = timer_frequency();
    uint64_t seconds = nanoseconds / NS_PER_SECOND;
    uint64_t rest = nanoseconds % NS_PER_SECOND;
    return seconds * frequency + (rest * frequency + NS_PER_SECOND - 1) / NS_PER_SECOND;
}

void sched_sleep_ns(uint64_t nanoseconds)
{
    if (nanoseconds == 0) {
        sched_yield();
        return;
    }
    sched_sleep_until(read_time() + nanoseconds_to_time(nanoseconds));
}

void sched_sleep_ticks(uint64_t ticks)
{
    if (ticks == 0) {
        sched_yield();
        return;
    }
    sched_sleep_until(read_time() + ticks * timer_interval());
}

/* ---- Priorities ------------------------------------------------------------------- */

void sched_set_priority(struct thread *thread, uint32_t priority)
{
    if (priority < THREAD_PRIORITY_MIN)
        priority = THREAD_PRIORITY_MIN;
    if (priority > THREAD_PRIORITY_MAX)
        priority = THREAD_PRIORITY_MAX;
    spinlock_acquire(&sched_lock);
    /* A queued thread leaves and re-enters the queue, which may be ordered by priority. */
    bool queued = thread->state == THREAD_READY && list_node_linked(&thread->run_node);
    if (queued)
        policy->remove(sched.ready, thread);
    thread->priority = priority;
    if (queued)
        policy->add(sched.ready, thread); /* it was ready already: no hart to wake for it */
    spinlock_release(&sched_lock);
}

/* ---- Rules ------------------------------------------------------------------------- */

void sched_assert_may_sleep(const char *what, int spinlocks_allowed)
{
    struct sched_hart *mine = sched_hart();
    struct thread *self = mine->current;
    int lock_depth = spinlock_depth();
    if (self == NULL)
        panic("%s: there are no threads yet (before sched_init), so nothing can sleep", what);
    if (trap_interrupt_depth() != 0)
        panic("%s: sleeping in an interrupt handler (it interrupted thread '%s'); interrupt "
              "handlers must never sleep",
              what, self->name);
    if (self == mine->idle)
        panic("%s: the idle thread must never sleep", what);
    if (lock_depth != spinlocks_allowed) {
#ifdef LOCKDEP
        lockdep_print_held(); /* which ones, and where each was taken */
#endif
        panic("%s: thread '%s' would sleep holding %d spinlock(s)%s; a spinlock must never be "
              "held across a sleep",
              what, self->name, lock_depth - spinlocks_allowed,
              spinlocks_allowed > 0 ? " besides the guard" : "");
    }
}

/* ---- Start-up and the idle thread ------------------------------------------------ */

/*
 * The idle thread leaves its loop for the thread at the front of the
 * queue, if there is one; its hart is no longer idle. (It is never in the
 * queue itself, so this is sched_yield without the add.)
 */
static void idle_pick_next(void)
{
    struct sched_hart *mine = sched_hart();
    lock_for_switch(SPINLOCK_SITE());
    sched.idle_harts &= ~(1u << hart_index());
    struct thread *next = policy->pick_next(sched.ready);
    if (next != NULL)
        switch_to(mine, mine->idle, next);
    unlock_after_switch();
}

/*
 * Every hart's idle thread runs this when no other thread is ready. The
 * check and `wfi` happen with interrupts off, so a wake-up cannot slip in
 * between: a thread made ready after the check finds this hart's bit in
 * idle_harts and sends an IPI, which stays pending and ends the wfi at
 * once (wfi wakes for a pending interrupt that sie enables, whatever
 * sstatus.SIE says). irq_restore lets the interrupt in; then the loop
 * looks at the queue again.
 */
__attribute__((noreturn)) static void idle_loop(void)
{
    for (;;) {
        irq_state_t state = irq_save();
        spinlock_acquire(&sched_lock);
        bool nothing_ready = list_empty(&sched.ready->threads);
        if (nothing_ready)
            sched.idle_harts |= 1u << hart_index();
        spinlock_release(&sched_lock); /* interrupts stay off: irq_save turned them off first */
        if (nothing_ready) {
            tlb_quiet_begin(); /* asleep, it needs no TLB, and no shootdown need wait for it */
            wfi();
            tlb_quiet_end(); /* awake: the interrupt's handler may touch anything */
        }
        irq_restore(state);
        idle_pick_next();
    }
}

static int idle_main(void *unused)
{
    (void)unused;
    idle_loop();
}

/* For the timeline's interrupt events, recorded below the scheduler: who runs here. */
static void timeline_current(int *tid, const char **name)
{
    struct thread *current = sched_hart()->current;
    if (current != NULL) {
        *tid = current->tid;
        *name = current->name;
    }
}

void sched_init(const struct kstack *boot_stack)
{
    struct sched_hart *mine = sched_hart();
    if (irq_enabled())
        panic("sched_init: interrupts must still be off");
    sched.ready = policy->queue_create();
    if (sched.ready == NULL)
        panic("sched_init: no memory for the %s policy's ready queue", policy->name);
    mine->current = thread_adopt_boot(boot_stack);
    mine->idle = thread_create_unscheduled(idle_main, NULL, "idle");
    if (mine->idle == NULL)
        panic("sched_init: no memory for the idle thread");
    timer_add_tick_hook(sched_tick);
    timeline_set_current(timeline_current);
    sched.timeline = timeline_on;
    char lockup[12];
    if (devicetree_bootarg("lockup", lockup, sizeof(lockup))) {
        uint32_t milliseconds = 0; /* lockup=MS: the soft-lockup limit; lockup=0: no check */
        for (const char *p = lockup; *p >= '0' && *p <= '9' && milliseconds < 10000000; p++)
            milliseconds = milliseconds * 10 + (uint32_t)(*p - '0');
        sched_set_lockup_ms(milliseconds);
    }
    timeline_record(TIMELINE_SWITCH_IN, mine->current->tid, mine->current->name, NULL, 0);
    trap_set_interrupt_exit(
        sched_preempt_if_due); /* a slice that ended switches as interrupts end */
    log_info("sched: %s policy, time slice %u ticks (%u ms); thread 'boot' runs, 'idle' waits",
             policy->name, slice_ticks, (unsigned)(slice_ticks * 1000u / HZ));
}

void sched_init_hart(const struct kstack *stack)
{
    struct sched_hart *mine = sched_hart();
    if (irq_enabled())
        panic("sched_init_hart: interrupts must still be off on hart %lu", hart_id());
    mine->idle = thread_adopt_idle(stack);
    mine->current = mine->idle;
    hart_this()->running = mine->idle->name;
    timeline_record(TIMELINE_SWITCH_IN, mine->idle->tid, mine->idle->name, NULL, 0);
}

void sched_run_idle(void)
{
    if (sched_hart()->current != sched_hart()->idle)
        panic("sched_run_idle: hart %lu runs thread '%s', not its idle thread", hart_id(),
              sched_hart()->current->name);
    idle_loop();
}

/* ---- Figures -------------------------------------------------------------------- */

void sched_get_stats(struct sched_stats *out)
{
    spinlock_acquire(&sched_lock);
    *out = sched.stats;
    spinlock_release(&sched_lock);
}

size_t sched_ready_count(void)
{
    spinlock_acquire(&sched_lock);
    size_t count = list_length(&sched.ready->threads);
    spinlock_release(&sched_lock);
    return count;
}

uint32_t sched_idle_hart_mask(void)
{
    return __atomic_load_n(&sched.idle_harts, __ATOMIC_RELAXED);
}

size_t sched_sleeping_count(void)
{
    spinlock_acquire(&sched_lock);
    size_t count = list_length(&sched.sleepers);
    spinlock_release(&sched_lock);
    return count;
}
