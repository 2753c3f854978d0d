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
 * thread picked last (pass_floor).
 *
 * Slices and preemption work as in FIFO: the tick preempts a thread that
 * has run SLICE ticks while others wait.
 */
#ifndef PROC_SCHED_STRIDE_H
#define PROC_SCHED_STRIDE_H

#include "proc/sched.h"
#include "proc/thread.h"

/* A multiple of every priority up to 64 would be ideal; 2^20 keeps rounding small. */
#define STRIDE_ONE (1u << 20)

static inline uint64_t stride_of(const struct thread *thread)
{
    uint32_t priority =
        thread->priority < THREAD_PRIORITY_MIN ? THREAD_PRIORITY_MIN : thread->priority;
    return STRIDE_ONE / priority;
}

static inline void stride_init(struct run_queue *queue)
{
    list_init(&queue->threads);
    queue->pass_floor = 0;
}

static inline void stride_add(struct run_queue *queue, struct thread *thread)
{
    if (thread->stride_pass < queue->pass_floor)
        thread->stride_pass = queue->pass_floor;
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
}

static inline struct thread *stride_pick_next(struct run_queue *queue)
{
    if (list_empty(&queue->threads))
        return NULL;
    struct list_node *first = list_pop_front(&queue->threads);
    struct thread *thread = list_entry(first, struct thread, run_node);
    queue->pass_floor = thread->stride_pass;
    /* Charged when picked: a thread that yields at once still pays, so yielding cannot starve
     * others. */
    thread->stride_pass += stride_of(thread);
    return thread;
}

static inline void stride_remove(struct run_queue *queue, struct thread *thread)
{
    (void)queue;
    list_remove(&thread->run_node);
}

static inline bool stride_tick(struct run_queue *queue, struct thread *running)
{
    return !list_empty(&queue->threads) && running->slice_used >= sched_slice_ticks();
}

#endif
