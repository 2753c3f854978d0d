/*
 * sched_stride.h: stride scheduling (Waldspurger and Weihl, 1995), the
 * second policy: make SCHED=stride.
 *
 * Each thread has a priority, read as a number of tickets, and a "pass":
 * how much of the hart it has used, in virtual time. Its stride is
 * STRIDE_ONE / priority. The ready thread with the smallest pass runs next,
 * and running costs it one stride. A thread with twice the priority has
 * half the stride, so its pass grows half as fast and it is picked twice as
 * often: shares follow priorities exactly, and nobody starves.
 *
 * The queue is kept sorted by pass (insertion is O(n), picking O(1)); a
 * teaching kernel has few threads. A thread that wakes after a long sleep
 * would have a pass far behind the others and would then hog the hart
 * until it caught up, so on entry its pass is raised to the pass of the
 * thread picked last: the queue's floor, which is this policy's own state.
 *
 * Slices and preemption work as in FIFO: the tick preempts a thread that
 * has run SLICE ticks while others wait.
 */
#ifndef PROC_SCHED_STRIDE_H
#define PROC_SCHED_STRIDE_H

#include <stddef.h>

#include "mm/heap/heap.h"
#include "proc/sched.h"
#include "proc/thread.h"

/* A multiple of every priority up to 64 would be ideal; 2^20 keeps rounding small. */
#define STRIDE_ONE (1u << 20)

/* The run queue, and what only this policy keeps. */
struct stride_queue {
    struct run_queue queue;
    uint64_t pass_floor; /* the pass of the thread picked last */
};

static struct stride_queue *stride_queue_of(struct run_queue *queue)
{
    return (struct stride_queue *)((char *)queue - offsetof(struct stride_queue, queue));
}

static uint64_t stride_of(const struct thread *thread)
{
    uint32_t priority =
        thread->priority < THREAD_PRIORITY_MIN ? THREAD_PRIORITY_MIN : thread->priority;
    return STRIDE_ONE / priority;
}

static struct run_queue *stride_queue_create(void)
{
    struct stride_queue *stride = kzalloc(sizeof(*stride));
    if (stride == NULL)
        return NULL;
    list_init(&stride->queue.threads);
    return &stride->queue;
}

static void stride_add(struct run_queue *queue, struct thread *thread)
{
    /* LAB 5 BEGIN: stride_add */
    struct stride_queue *stride = stride_queue_of(queue);
    if (thread->stride_pass < stride->pass_floor)
        thread->stride_pass = stride->pass_floor;
    /* After every thread with a pass no larger: equal passes keep their arrival order. */
    struct list_node *position = &queue->threads.head;
    list_for_each(node, &queue->threads)
    {
        if (list_entry(node, struct thread, run_node)->stride_pass > thread->stride_pass) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &thread->run_node);
    /* LAB 5 END: stride_add */
}

static struct thread *stride_pick_next(struct run_queue *queue)
{
    /* LAB 5 BEGIN: stride_pick_next */
    if (list_empty(&queue->threads))
        return NULL;
    struct list_node *first = list_pop_front(&queue->threads);
    struct thread *thread = list_entry(first, struct thread, run_node);
    stride_queue_of(queue)->pass_floor = thread->stride_pass;
    /* Charged when picked: a thread that yields at once still pays, so yielding cannot starve
     * others. */
    thread->stride_pass += stride_of(thread);
    return thread;
    /* LAB 5 END: stride_pick_next */
}

static void stride_remove(struct run_queue *queue, struct thread *thread)
{
    list_remove(&thread->run_node);
}

static bool stride_tick(struct run_queue *queue, struct thread *running)
{
    return !list_empty(&queue->threads) && running->slice_used >= sched_slice_ticks();
}

/*
 * The policy, as the scheduler core and the tests see it. A header of
 * static functions, so that sched.c, built for this policy, calls them
 * directly (the compiler sees through the constant struct) and can inline them.
 */
__attribute__((unused)) static const struct sched_policy sched_policy_stride = {
    .name = "stride",
    .queue_create = stride_queue_create,
    .add = stride_add,
    .pick_next = stride_pick_next,
    .remove = stride_remove,
    .tick = stride_tick,
};

#endif
