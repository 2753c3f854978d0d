/*
 * timer_queue.h: wakers waiting for deadlines, kept in deadline order.
 *
 * Each entry holds a deadline (a value of the `time` CSR) and a waker. The
 * list is sorted by deadline, and entries with the same deadline keep the
 * order they came in, so timers set for the same moment complete in the
 * order they were set. Expiring is then cheap: look at the front only.
 *
 * No lock and no hardware here (async/timer_future.c adds both), so
 * tests/host tests it too.
 */
#ifndef ASYNC_TIMER_QUEUE_H
#define ASYNC_TIMER_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "async/future.h"

struct async_timer_entry {
    uint64_t deadline;
    struct async_waker waker;
    struct async_timer_entry *prev;
    struct async_timer_entry *next;
    bool linked;
};

struct async_timer_queue {
    struct async_timer_entry *head; /* the earliest deadline */
    struct async_timer_entry *tail; /* the latest */
};

void async_timer_entry_init(struct async_timer_entry *entry, uint64_t deadline);
void async_timer_queue_init(struct async_timer_queue *queue);

/* Add an entry behind every entry whose deadline is not later; or, if it is on, update its waker.
 */
void async_timer_queue_insert(struct async_timer_queue *queue, struct async_timer_entry *entry,
                              const struct async_waker *waker);

/* Take an entry off; nothing happens when it is not on. */
void async_timer_queue_remove(struct async_timer_queue *queue, struct async_timer_entry *entry);

/* Take off every entry whose deadline is <= now, earliest first, and wake it. Returns how many. */
size_t async_timer_queue_expire(struct async_timer_queue *queue, uint64_t now);

/* The earliest deadline waiting, or UINT64_MAX when none is. */
uint64_t async_timer_queue_next_deadline(const struct async_timer_queue *queue);

#endif
