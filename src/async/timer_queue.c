/*
 * timer_queue.c: a deadline-sorted, doubly linked list of timer entries.
 *
 * Insertion walks from the back, because a new timer usually expires after
 * the ones already waiting; expiry takes from the front.
 */
#include "async/timer_queue.h"

void async_timer_entry_init(struct async_timer_entry *entry, uint64_t deadline)
{
    entry->deadline = deadline;
    entry->waker.wake = NULL;
    entry->waker.data = NULL;
    entry->prev = NULL;
    entry->next = NULL;
    entry->linked = false;
}

void async_timer_queue_init(struct async_timer_queue *queue)
{
    queue->head = NULL;
    queue->tail = NULL;
}

/* Link `entry` right after `before` (NULL: at the front). */
static void link_after(struct async_timer_queue *queue, struct async_timer_entry *before,
                       struct async_timer_entry *entry)
{
    entry->prev = before;
    entry->next = before != NULL ? before->next : queue->head;
    if (entry->next != NULL)
        entry->next->prev = entry;
    else
        queue->tail = entry;
    if (before != NULL)
        before->next = entry;
    else
        queue->head = entry;
    entry->linked = true;
}

void async_timer_queue_insert(struct async_timer_queue *queue, struct async_timer_entry *entry,
                              const struct async_waker *waker)
{
    entry->waker = *waker;
    if (entry->linked)
        return;
    /* The last entry that is not later than this one; equal deadlines keep their order. */
    struct async_timer_entry *before = queue->tail;
    while (before != NULL && before->deadline > entry->deadline)
        before = before->prev;
    link_after(queue, before, entry);
}

void async_timer_queue_remove(struct async_timer_queue *queue, struct async_timer_entry *entry)
{
    if (!entry->linked)
        return;
    if (entry->prev != NULL)
        entry->prev->next = entry->next;
    else
        queue->head = entry->next;
    if (entry->next != NULL)
        entry->next->prev = entry->prev;
    else
        queue->tail = entry->prev;
    entry->prev = NULL;
    entry->next = NULL;
    entry->linked = false;
}

size_t async_timer_queue_expire(struct async_timer_queue *queue, uint64_t now)
{
    size_t expired = 0;
    while (queue->head != NULL && queue->head->deadline <= now) {
        struct async_timer_entry *entry = queue->head;
        struct async_waker waker = entry->waker;
        async_timer_queue_remove(queue, entry);
        async_waker_wake(&waker);
        expired++;
    }
    return expired;
}

uint64_t async_timer_queue_next_deadline(const struct async_timer_queue *queue)
{
    if (queue->head == NULL)
        return UINT64_MAX;
    return queue->head->deadline;
}
