/*
 * sched.h: the scheduler: which thread runs next, and the switch to it.
 *
 * One interface, a struct of operations, several policies:
 *
 *     queue_create  a new, empty ready queue (the policy decides its shape)
 *     add           a thread became READY (created, woken, or it yielded)
 *     pick_next     take the thread to run next off the ready queue
 *     remove        take a READY thread out of the queue (its priority changes)
 *     tick          a timer tick while `running` runs: should it give the hart up?
 *
 * The policy is chosen at build time: `make SCHED=fifo` (the default: one
 * O(1) first-in, first-out queue, each thread running for at most SLICE
 * ticks before the timer preempts it; sched_fifo.h) or `make SCHED=stride`
 * (stride scheduling: each thread gets a share of the hart in proportion
 * to its priority; sched_stride.h). `make SLICE=n` sets the time slice in
 * ticks (default 2). Each policy is one header that defines its struct
 * (sched_policy_fifo, sched_policy_stride); the scheduler core uses the
 * one SCHED= chose, and the tests drive each on a private queue.
 *
 * The rest of this file is the scheduler core (proc/sched.c), shared by
 * every policy: the switch, blocking and waking, the tick, the timer queue.
 */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/hart.h"
#include "lib/list.h"
#include "sync/spinlock.h"
#include "trap/trap.h"

struct kstack;
struct thread;

#ifndef SCHED_SLICE_TICKS
#define SCHED_SLICE_TICKS 2
#endif

/* This hart's part (its slot, arch/hart.h). */
struct sched_hart {
    struct thread *current; /* the thread running on this hart */
    struct thread *idle;    /* the one that runs when no other is ready */
    /* A detached thread that has just exited here; the next thread to run frees it. */
    struct thread *exited_thread;
    /* Set by the tick when the running thread's slice is used up; acted on as interrupts end. */
    bool preempt_pending;
    /* The soft-lockup check (sched.c, lockup_check): what the last tick saw. */
    struct thread *watched; /* the thread it interrupted */
    uint32_t watched_slice; /* that thread's slice_used then */
    uint32_t stuck_ticks;   /* ticks in a row that found it in the kernel, never rescheduled */
};

static inline struct sched_hart *sched_hart(void)
{
    return (struct sched_hart *)hart_slot(HART_SLOT_SCHED);
}

/*
 * The ready threads, in whatever order the policy keeps them, linked
 * through thread->run_node. A policy that keeps more state per queue wraps
 * this in a struct of its own (sched_stride.h).
 */
struct run_queue {
    struct list threads;
};

struct sched_policy {
    const char *name;
    /* A new, empty queue (kzalloc'd: kfree it when done), or NULL without memory. */
    struct run_queue *(*queue_create)(void);
    void (*add)(struct run_queue *queue, struct thread *thread);
    struct thread *(*pick_next)(struct run_queue *queue); /* NULL when the queue is empty */
    void (*remove)(struct run_queue *queue, struct thread *thread);
    /* running->slice_used has just counted this tick; true means preempt it now. */
    bool (*tick)(struct run_queue *queue, struct thread *running);
};

/* The policy this kernel was built with (SCHED=). */
const struct sched_policy *sched_policy(void);

/*
 * The scheduler lock guards the ready queue, every thread's state and
 * scheduling fields, the timer queue, and every wait queue's list. It is
 * the innermost lock: take any other lock first. A thread switch happens
 * with it held and no other lock (sched.c checks).
 */
extern struct spinlock sched_lock;

/*
 * Start scheduling on this hart: the code running now, on the boot kernel
 * stack, becomes thread "boot" of process 0; an idle thread is created; the
 * timer tick starts counting time slices and waking sleepers. Called once,
 * with interrupts off, after timer_init and process_init.
 */
void sched_init(const struct kstack *boot_stack);

/*
 * Start scheduling on another hart (proc/smp.c, once sched_init has run on
 * the boot hart): the code running now, on `stack`, becomes this hart's
 * idle thread. sched_run_idle then enters its loop, which runs whatever
 * thread is ready and sleeps in wfi when none is. Interrupts must be off.
 */
void sched_init_hart(const struct kstack *stack);
__attribute__((noreturn)) void sched_run_idle(void);

/* The time slice in ticks (SLICE= at build time); tests may change it for a while. */
uint32_t sched_slice_ticks(void);
void sched_set_slice_ticks(uint32_t ticks);

/* Give the hart to the next ready thread, if any; the caller goes to the back of the queue. */
void sched_yield(void);

/*
 * Sleep: the thread is BLOCKED in the timer queue and wakes at the first
 * tick at or after now + the duration, so a sleep lasts at least what was
 * asked and less than one tick more (plus the wait for a hart).
 */
void sched_sleep_ns(uint64_t nanoseconds);
void sched_sleep_ticks(uint64_t ticks);
/* Until the `time` CSR reaches wake_time (timer.h: timer_frequency() units a second). */
void sched_sleep_until(uint64_t wake_time);

/* Set a thread's priority (clamped to MIN..MAX); FIFO ignores it, stride gives it more time. */
void sched_set_priority(struct thread *thread, uint32_t priority);

/* Make a new thread READY (thread_create does). */
void sched_start_thread(struct thread *thread);

/*
 * Called by the trap dispatcher when an interrupt handler has finished: if
 * the tick found the running thread's slice used up, switch to the next
 * thread now. The interrupted thread's trap context stays on its own stack,
 * so this is an ordinary switch; it resumes here later and returns from the
 * trap as if nothing had happened.
 */
void sched_preempt_if_due(void);

/*
 * Panic, naming the culprit, unless the calling thread may sleep here: not
 * in an interrupt handler, not the idle thread, holding exactly
 * `spinlocks_allowed` spinlocks (the guard a wait queue releases, or none).
 */
void sched_assert_may_sleep(const char *what, int spinlocks_allowed);

/* The same checks inline, calling out only to report: every sleep runs them. */
static inline void sched_check_may_sleep(const char *what, int spinlocks_allowed)
{
    const struct sched_hart *mine = sched_hart();
    if (trap_interrupt_depth() != 0 || spinlock_depth() != spinlocks_allowed ||
        mine->current == NULL || mine->current == mine->idle)
        sched_assert_may_sleep(what, spinlocks_allowed);
}

/*
 * The cheap form that mutex_lock and semaphore_down run on every call, even
 * when they will not have to sleep: taking a sleeping lock where sleeping is
 * forbidden is a bug whether or not this particular call would have slept.
 */
static inline void sched_might_sleep(const char *what)
{
    sched_check_may_sleep(what, 0);
}

/* ---- With sched_lock held: the building blocks of wait queues and sleeps -------- */

/*
 * The running thread has put itself on some queue and set its state to
 * BLOCKED: switch away. Returns once it has been woken and picked again,
 * still holding sched_lock.
 */
void sched_block_locked(void);

/*
 * Put the running thread in the timer queue, to be woken at wake_time, and
 * mark it BLOCKED (the caller then calls sched_block_locked). It may be on a
 * wait queue as well: whichever comes first, the wake-up or the deadline,
 * takes it off both (a sleep with a timeout, proc/interruptible.h).
 */
void sched_enqueue_sleeper_locked(struct thread *self, uint64_t wake_time);

/* Make a BLOCKED thread READY (it must already be off its wait queue). */
void sched_wake_locked(struct thread *thread);
/*
 * A signal came for `thread`: if it is BLOCKED in an interruptible sleep
 * (proc/interruptible.h), take it off its wait queue or the timer queue
 * and make it READY; if it runs on another hart, send that hart an IPI, so
 * that it traps and sees the signal now rather than at its next tick.
 */
void sched_interrupt_locked(struct thread *thread);

/*
 * A sleep in the timer queue until wake_time (UINT64_MAX: no limit), that
 * a signal ends early, and sched_end_sleep_locked too: the futex's wait.
 * `guard` is held on entry and on return, and let go once the thread is
 * in the queue, so a waker that holds it cannot miss the sleeper. 0, or
 * -EINTR when a signal is pending.
 */
int sched_sleep_until_guarded(uint64_t wake_time, struct spinlock *guard);
/* End the timer-queue sleep of `thread` now, if it still sleeps there. */
void sched_end_sleep_locked(struct thread *thread);

/* Release sched_lock after a switch, and free a detached thread that just exited here. */
void sched_unlock(void);

/* ---- Figures for tests, the demo and the benchmarks ------------------------------- */

struct sched_stats {
    uint64_t switches;    /* switch_context calls */
    uint64_t preemptions; /* switches forced by the end of a time slice */
    uint64_t wakeups;     /* BLOCKED -> READY */
    uint64_t ticks;       /* ticks the scheduler has seen, on all harts together */
    uint64_t kicks;       /* IPIs sent to wake an idle hart for a thread made ready */
};

void sched_get_stats(struct sched_stats *stats);

/* How many threads wait in the ready queue, and how many sleep in the timer queue. */
size_t sched_ready_count(void);
size_t sched_sleeping_count(void);

/* The harts asleep in their idle loop now (bit i: hart index i). */
uint32_t sched_idle_hart_mask(void);

/*
 * The soft-lockup limit (lockup=MS on the command line; 5000 by default, 0
 * turns the check off): a thread that stays this long in the kernel without
 * passing through the scheduler gets a LOCKUP report with its backtrace.
 */
void sched_set_lockup_ms(uint32_t milliseconds);

#endif
