/*
 * executor.c: the ready queue, wakers, and the run loop.
 *
 * The ready queue is a doubly linked list of tasks, first in first out,
 * under a spinlock. A spinlock turns interrupts off while held, so a waker
 * called from an interrupt handler on this hart can never spin on a lock
 * this hart already holds.
 *
 * A task is in one of these states (its queued and done flags change only
 * under the lock):
 *
 *     queued --(executor takes it)--> being polled --(PENDING)--> waiting
 *       ^                                |   |                       |
 *       '--------- wake -----------------'   '-(READY)--> done       |
 *       '--------------------------------- wake ---------------------'
 *
 * A wake while the task is being polled queues it again, so news that
 * came during the poll is not missed: the task is simply polled once more.
 */
#include "async/executor.h"

#include "arch/hart.h"
#include "arch/irq.h"
#include "console/panic.h"
#include "trap/ipi.h"

static const struct async_executor_idle default_idle = {
    .wait = async_executor_idle_wfi,
    .notify = async_executor_wake_sleeping_hart,
};

void async_executor_init(struct async_executor *executor, const char *name)
{
    executor->name = name;
    spinlock_init(&executor->lock, name);
    executor->head = NULL;
    executor->tail = NULL;
    executor->tasks_alive = 0;
    executor->running = false;
    executor->idle = &default_idle;
    executor->idle_arg = NULL;
    executor->sleeping_hart = 0;
    executor->polls = 0;
    executor->wakes_queued = 0;
    executor->wakes_merged = 0;
    executor->idle_stats = (struct async_idle_stats){0};
}

void async_executor_set_idle(struct async_executor *executor,
                             const struct async_executor_idle *idle, void *idle_arg)
{
    executor->idle = idle != NULL ? idle : &default_idle;
    executor->idle_arg = idle_arg;
}

static void task_wake_function(void *data)
{
    async_task_wake((struct async_task *)data);
}

void async_task_init(struct async_task *task, const char *name, struct async_future *future)
{
    task->name = name;
    task->future = future;
    task->executor = NULL;
    task->waker.wake = task_wake_function;
    task->waker.data = task;
    task->prev = NULL;
    task->next = NULL;
    task->queued = false;
    task->done = false;
    task->polls = 0;
}

/* Append to the ready queue. The lock is held. */
static void queue_push(struct async_executor *executor, struct async_task *task)
{
    task->prev = executor->tail;
    task->next = NULL;
    if (executor->tail != NULL)
        executor->tail->next = task;
    else
        executor->head = task;
    executor->tail = task;
    task->queued = true;
}

/* Take a task off the ready queue, wherever it is. The lock is held. */
static void queue_unlink(struct async_executor *executor, struct async_task *task)
{
    if (task->prev != NULL)
        task->prev->next = task->next;
    else
        executor->head = task->next;
    if (task->next != NULL)
        task->next->prev = task->prev;
    else
        executor->tail = task->prev;
    task->prev = NULL;
    task->next = NULL;
    task->queued = false;
}

void async_spawn(struct async_executor *executor, struct async_task *task)
{
    if (task->executor != NULL)
        panic("async_spawn: task '%s' was already spawned (on executor '%s')", task->name,
              task->executor->name);
    task->executor = executor;
    spinlock_acquire(&executor->lock);
    executor->tasks_alive++;
    queue_push(executor, task);
    spinlock_release(&executor->lock);
    if (executor->idle->notify != NULL)
        executor->idle->notify(executor);
}

void async_task_wake(struct async_task *task)
{
    struct async_executor *executor = task->executor;
    bool queued_now = false;
    spinlock_acquire(&executor->lock);
    if (task->queued || task->done) {
        executor->wakes_merged++;
    } else {
        queue_push(executor, task);
        executor->wakes_queued++;
        queued_now = true;
    }
    spinlock_release(&executor->lock);
    if (queued_now && executor->idle->notify != NULL)
        executor->idle->notify(executor);
}

bool async_task_done(struct async_task *task)
{
    return __atomic_load_n(&task->done, __ATOMIC_ACQUIRE);
}

/* The front of the ready queue, taken off it; NULL when empty. */
static struct async_task *take_ready_task(struct async_executor *executor)
{
    spinlock_acquire(&executor->lock);
    struct async_task *task = executor->head;
    if (task != NULL)
        queue_unlink(executor, task);
    spinlock_release(&executor->lock);
    return task;
}

/*
 * After a poll. Only the executor's runner touches the poll counts, so they
 * need no lock. A finished task leaves the queue for good, even if it was
 * woken meanwhile; a pending one needs nothing: a wake that came during the
 * poll has queued it already.
 */
static void finish_poll(struct async_executor *executor, struct async_task *task,
                        enum async_poll result)
{
    executor->polls++;
    task->polls++;
    if (result == ASYNC_PENDING)
        return;
    spinlock_acquire(&executor->lock);
    if (task->queued)
        queue_unlink(executor, task);
    __atomic_store_n(&task->done, true, __ATOMIC_RELEASE);
    executor->tasks_alive--;
    spinlock_release(&executor->lock);
}

bool async_executor_poll_one(struct async_executor *executor)
{
    struct async_task *task = take_ready_task(executor);
    if (task == NULL)
        return false;
    struct async_cx cx = {.waker = task->waker};
    enum async_poll result = async_future_poll(task->future, &cx);
    finish_poll(executor, task, result);
    return true;
}

size_t async_executor_run_ready(struct async_executor *executor)
{
    size_t polls = 0;
    while (async_executor_poll_one(executor))
        polls++;
    return polls;
}

bool async_executor_has_ready(struct async_executor *executor)
{
    spinlock_acquire(&executor->lock);
    bool ready = executor->head != NULL;
    spinlock_release(&executor->lock);
    return ready;
}

size_t async_executor_tasks_alive(struct async_executor *executor)
{
    spinlock_acquire(&executor->lock);
    size_t alive = executor->tasks_alive;
    spinlock_release(&executor->lock);
    return alive;
}

static bool has_ready_task(void *arg)
{
    return async_executor_has_ready((struct async_executor *)arg);
}

/*
 * Say where it sleeps before it looks at the queue: a waker on another
 * hart pushes a task under the queue's lock and then reads sleeping_hart.
 * If the push came after the look, the lock orders this store before the
 * read, so the waker sees it and sends the IPI that ends the wfi.
 */
void async_executor_idle_wfi(struct async_executor *executor)
{
    __atomic_store_n(&executor->sleeping_hart, hart_index() + 1, __ATOMIC_SEQ_CST);
    async_idle_wait(has_ready_task, executor, &executor->idle_stats);
    __atomic_store_n(&executor->sleeping_hart, 0, __ATOMIC_RELAXED);
}

void async_executor_wake_sleeping_hart(struct async_executor *executor)
{
    uint32_t sleeping = __atomic_load_n(&executor->sleeping_hart, __ATOMIC_SEQ_CST);
    if (sleeping != 0 && sleeping - 1 != hart_index())
        ipi_send(sleeping - 1, IPI_WAKE);
}

void async_executor_run(struct async_executor *executor)
{
    if (!irq_enabled())
        panic("async_executor_run: executor '%s' started with interrupts off; no wakeup could "
              "ever reach it",
              executor->name);
    spinlock_acquire(&executor->lock);
    bool already_running = executor->running;
    executor->running = true;
    spinlock_release(&executor->lock);
    if (already_running)
        panic("async_executor_run: executor '%s' is already being run", executor->name);

    while (async_executor_tasks_alive(executor) > 0) {
        if (!async_executor_poll_one(executor))
            executor->idle->wait(executor);
    }

    spinlock_acquire(&executor->lock);
    executor->running = false;
    spinlock_release(&executor->lock);
}
