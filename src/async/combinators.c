/*
 * combinators.c: join and select (see combinators.h).
 */
#include "async/combinators.h"

#include "console/panic.h"

static enum async_poll join_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_join *join = ASYNC_CONTAINER_OF(future, struct async_join, future);
    for (size_t i = 0; i < join->count; i++) {
        uint64_t bit = 1ULL << i;
        if ((join->finished & bit) != 0)
            continue;
        if (async_future_poll(join->futures[i], cx) == ASYNC_READY)
            join->finished |= bit;
    }
    uint64_t all = join->count == 64 ? ~0ULL : (1ULL << join->count) - 1;
    return join->finished == all ? ASYNC_READY : ASYNC_PENDING;
}

/* Give up the join: cancel what has not finished. */
static void join_cancel(struct async_future *future)
{
    struct async_join *join = ASYNC_CONTAINER_OF(future, struct async_join, future);
    for (size_t i = 0; i < join->count; i++) {
        if ((join->finished & (1ULL << i)) == 0)
            async_future_cancel(join->futures[i]);
    }
}

void async_join_init(struct async_join *join, struct async_future **futures, size_t count)
{
    if (count == 0 || count > ASYNC_JOIN_MAX)
        panic("async_join_init: %lu futures; a join takes 1 to %d", count, ASYNC_JOIN_MAX);
    join->future.poll = join_poll;
    join->future.cancel = join_cancel;
    join->futures = futures;
    join->count = count;
    join->finished = 0;
}

/* Cancel every future but the winner (-1: all of them). */
static void cancel_all_but(struct async_select *select, int winner)
{
    for (size_t i = 0; i < select->count; i++) {
        if ((int)i != winner)
            async_future_cancel(select->futures[i]);
    }
}

static enum async_poll select_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_select *select = ASYNC_CONTAINER_OF(future, struct async_select, future);
    for (size_t i = 0; i < select->count; i++) {
        if (async_future_poll(select->futures[i], cx) == ASYNC_READY) {
            select->winner = (int)i;
            cancel_all_but(select, select->winner);
            return ASYNC_READY;
        }
    }
    return ASYNC_PENDING;
}

static void select_cancel(struct async_future *future)
{
    struct async_select *select = ASYNC_CONTAINER_OF(future, struct async_select, future);
    cancel_all_but(select, -1);
}

void async_select_init(struct async_select *select, struct async_future **futures, size_t count)
{
    if (count == 0)
        panic("async_select_init: a select needs at least one future");
    select->future.poll = select_poll;
    select->future.cancel = select_cancel;
    select->futures = futures;
    select->count = count;
    select->winner = -1;
}
