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

#include <stddef.h>

#include "mm/heap/heap.h"
#include "proc/sched.h"
#include "proc/thread.h"

static struct run_queue *fifo_queue_create(void)
{
    struct run_queue *queue = kzalloc(sizeof(*queue));
    if (queue != NULL)
        list_init(&queue->threads);
    return queue;
}

static void fifo_add(struct run_queue *queue, struct thread *thread)
{
    list_push_back(&queue->threads, &thread->run_node);
}

static struct thread *fifo_pick_next(struct run_queue *queue)
{
    if (list_empty(&queue->threads))
        return NULL;
    struct list_node *first = list_pop_front(&queue->threads);
    return list_entry(first, struct thread, run_node);
}

static void fifo_remove(struct run_queue *queue, struct thread *thread)
{
    list_remove(&thread->run_node);
}

/* Preempt at the end of the slice, but only if another thread is waiting for the hart. */
static bool fifo_tick(struct run_queue *queue, struct thread *running)
{
    return !list_empty(&queue->threads) && running->slice_used >= sched_slice_ticks();
}

/*
 * The policy, as the scheduler core and the tests see it. A header of
 * static functions, so that sched.c, built for this policy, calls them
 * directly (the compiler sees through the constant struct) and can inline them.
 */
__attribute__((unused)) static const struct sched_policy sched_policy_fifo = {
    .name = "fifo",
    .queue_create = fifo_queue_create,
    .add = fifo_add,
    .pick_next = fifo_pick_next,
    .remove = fifo_remove,
    .tick = fifo_tick,
};

#endif
