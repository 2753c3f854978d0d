/*
 * sched_fifo.h: the first-in, first-out policy, the kernel's default.
 *
 * The ready queue is one list: a thread that becomes ready joins the back,
 * and the next thread to run comes off the front. Every operation is O(1).
 * A thread keeps the hart until it blocks, yields, or has run for a whole
 * time slice (SLICE ticks) while someone else was waiting; then the timer
 * preempts it and it joins the back like everyone else. That is round
 * robin: with n threads ready, each waits at most (n - 1) slices.
 */
#ifndef PROC_SCHED_FIFO_H
#define PROC_SCHED_FIFO_H

#include "proc/sched.h"
#include "proc/thread.h"

static inline void fifo_init(struct run_queue *queue)
{
    list_init(&queue->threads);
    queue->pass_floor = 0;
}

static inline void fifo_add(struct run_queue *queue, struct thread *thread)
{
    list_push_back(&queue->threads, &thread->run_node);
}

static inline struct thread *fifo_pick_next(struct run_queue *queue)
{
    if (list_empty(&queue->threads))
        return NULL;
    struct list_node *first = list_pop_front(&queue->threads);
    return list_entry(first, struct thread, run_node);
}

static inline void fifo_remove(struct run_queue *queue, struct thread *thread)
{
    (void)queue;
    list_remove(&thread->run_node);
}

/* Preempt at the end of the slice, but only if another thread is waiting for the hart. */
static inline bool fifo_tick(struct run_queue *queue, struct thread *running)
{
    return !list_empty(&queue->threads) && running->slice_used >= sched_slice_ticks();
}

#endif
