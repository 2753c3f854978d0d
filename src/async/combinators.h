/*
 * combinators.h: join and select, futures made of other futures.
 *
 * join: ready when every one of its futures is ready. Each poll polls the
 *       ones not yet finished; they all share the task's waker, so any of
 *       them can get the task polled again.
 * select: ready as soon as one of its futures is. It polls them in order
 *       (the first is preferred when several are ready at once), records
 *       the winner, and cancels every other one so that none is left
 *       holding the task's waker.
 *
 * Both take an array of futures that the caller owns; the array and the
 * futures must stay put while the join or select is in use.
 *
 *     struct async_future *either[] = {&key.future, &timeout.future};
 *     struct async_select choice;
 *     async_select_init(&choice, either, 2);
 *     ... poll choice.future; then choice.winner is 0 (a key) or 1 (timeout) ...
 */
#ifndef ASYNC_COMBINATORS_H
#define ASYNC_COMBINATORS_H

#include <stddef.h>
#include <stdint.h>

#include "async/future.h"

/* Up to this many futures in one join (a bit each in `finished`). */
#define ASYNC_JOIN_MAX 64

struct async_join {
    struct async_future future;
    struct async_future **futures;
    size_t count;
    uint64_t finished; /* bit i: futures[i] is ready */
};

struct async_select {
    struct async_future future;
    struct async_future **futures;
    size_t count;
    int winner; /* index of the future that finished first; -1 before */
};

void async_join_init(struct async_join *join, struct async_future **futures, size_t count);
void async_select_init(struct async_select *select, struct async_future **futures, size_t count);

#endif
