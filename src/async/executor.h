/*
 * executor.h: tasks and the executor that polls them.
 *
 * A task is a future that runs on its own: spawn it on an executor and the
 * executor polls it until it is ready. The executor keeps a ready queue of
 * tasks to poll. A task's waker puts the task on that queue, at most once
 * however often it is woken, and may be called from anywhere: another task,
 * an interrupt handler, another hart. When the queue is empty the executor
 * waits (by default with wfi, see async/idle.h) until a wakeup comes.
 *
 * Memory: the caller owns every task and future (static, on a stack that
 * outlives them, or kmalloc'd). A task must stay where it is until it is
 * done, and its memory may be reused only when no waker of it is left
 * anywhere: a future that finishes takes its own waker back, and one given
 * up must be cancelled (async_future_cancel) first.
 *
 *     static struct my_future work;        (embeds struct async_future)
 *     static struct async_task task;
 *     static struct async_executor executor;
 *
 *     async_executor_init(&executor, "demo");
 *     async_task_init(&task, "work", &work.future);
 *     async_spawn(&executor, &task);
 *     async_executor_run(&executor);       (returns when every task is done)
 */
#ifndef ASYNC_EXECUTOR_H
#define ASYNC_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "async/future.h"
#include "async/idle.h"
#include "sync/spinlock.h"

struct async_executor;

struct async_task {
    const char *name;
    struct async_future *future;
    struct async_executor *executor;
    struct async_waker waker; /* puts this task on its executor's ready queue */
    /* The ready queue's links, and the state; the executor's lock guards them. */
    struct async_task *prev;
    struct async_task *next;
    bool queued; /* on the ready queue */
    bool done;   /* its future returned ASYNC_READY */
    uint64_t polls;
};

/*
 * How an idle executor waits for work, and how a wakeup reaches it.
 * The default waits with async_idle_wait (wfi). A wake from an interrupt on
 * the executor's own hart ends the wfi by itself; a wake from another hart
 * sends that hart an IPI (the default notify). An executor run by a thread
 * may instead block on a semaphore in wait and post it in notify.
 */
struct async_executor_idle {
    void (*wait)(struct async_executor *executor);
    /* Called after a wake has queued a task; NULL for nothing. May run in an interrupt. */
    void (*notify)(struct async_executor *executor);
};

struct async_executor {
    const char *name;
    struct spinlock lock; /* guards the queue, the tasks' links and state, the counts */
    struct async_task *head;
    struct async_task *tail;
    size_t tasks_alive; /* spawned and not done */
    bool running;       /* inside async_executor_run */
    const struct async_executor_idle *idle;
    void *idle_arg; /* for a custom idle's own use */
    /* The default idle: the hart (index + 1) asleep in wfi for this executor, 0 if none. */
    uint32_t sleeping_hart;
    /* Counts, for tests, the demo and the benchmarks. */
    uint64_t polls;        /* futures polled */
    uint64_t wakes_queued; /* wakes that put a task on the queue */
    uint64_t wakes_merged; /* wakes of a task already queued (or done): nothing to do */
    struct async_idle_stats idle_stats;
};

void async_executor_init(struct async_executor *executor, const char *name);

/* Replace the idle behaviour (see struct async_executor_idle); NULL puts the default back. */
void async_executor_set_idle(struct async_executor *executor,
                             const struct async_executor_idle *idle, void *idle_arg);

/* The default idle: async_idle_wait until the ready queue is not empty. */
void async_executor_idle_wfi(struct async_executor *executor);
/* Its notify: if another hart sleeps in wfi for this executor, send it an IPI. */
void async_executor_wake_sleeping_hart(struct async_executor *executor);

void async_task_init(struct async_task *task, const char *name, struct async_future *future);

/* Hand a task to the executor; it is queued to be polled. Any context may spawn. */
void async_spawn(struct async_executor *executor, struct async_task *task);

/* What the task's waker does. Waking a done task does nothing. */
void async_task_wake(struct async_task *task);

/* Whether the task's future has returned ASYNC_READY. */
bool async_task_done(struct async_task *task);

/* Poll the task at the front of the ready queue. False when the queue was empty. */
bool async_executor_poll_one(struct async_executor *executor);

/* Poll until the ready queue is empty, never sleeping. Returns the polls made. */
size_t async_executor_run_ready(struct async_executor *executor);

/*
 * Poll, and wait when nothing is ready, until every spawned task is done.
 * Interrupts must be on. One caller at a time per executor (it panics
 * otherwise); wakes and spawns may come from anywhere meanwhile.
 */
void async_executor_run(struct async_executor *executor);

bool async_executor_has_ready(struct async_executor *executor);
size_t async_executor_tasks_alive(struct async_executor *executor);

#endif
