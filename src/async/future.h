/*
 * future.h: the async interface: futures, wakers and the poll context.
 *
 * A future is a piece of work kept as a state machine in a struct of its
 * own, with no stack. Someone (the executor, or a future that contains it)
 * calls its poll function. Poll does as much as it can without waiting and
 * returns ASYNC_READY when the work is finished, or ASYNC_PENDING when it
 * must wait for something. Before returning ASYNC_PENDING it hands the waker
 * from the poll context to whatever it waits on (a timer, the input, a
 * channel). When that thing can make progress it calls the waker, and the
 * executor polls the task again. See docs/async.md.
 *
 *     struct my_future {
 *         struct async_future future;   (the interface, embedded)
 *         int state;                    (where to go on at the next poll)
 *         ...
 *     };
 */
#ifndef ASYNC_FUTURE_H
#define ASYNC_FUTURE_H

#include <stdbool.h>
#include <stddef.h>

enum async_poll {
    ASYNC_PENDING = 0, /* not finished: the waker has been stored where it will be called */
    ASYNC_READY = 1,   /* finished: do not poll again (unless the type says it may be) */
};

/*
 * A waker is a function and its argument: calling it says "poll me again".
 * Copying the struct clones it. It may be called from any context, an
 * interrupt handler included, so a wake function must never block: it only
 * queues something and returns.
 */
struct async_waker {
    void (*wake)(void *data);
    void *data;
};

/* What poll receives besides its future: for now, the waker of the task that polls. */
struct async_cx {
    struct async_waker waker;
};

struct async_future {
    enum async_poll (*poll)(struct async_future *future, struct async_cx *cx);
    /*
     * Give up a future that has not finished: take its waker back from
     * wherever it was stored (select does this to the futures that lost).
     * NULL when a pending future has nothing to undo.
     */
    void (*cancel)(struct async_future *future);
};

/* The struct that holds `member` at `pointer`: from the embedded interface to the whole future. */
#define ASYNC_CONTAINER_OF(pointer, type, member)                                                  \
    ((type *)((char *)(pointer)-offsetof(type, member)))

static inline enum async_poll async_future_poll(struct async_future *future, struct async_cx *cx)
{
    return future->poll(future, cx);
}

static inline void async_future_cancel(struct async_future *future)
{
    if (future->cancel != NULL)
        future->cancel(future);
}

static inline void async_waker_wake(const struct async_waker *waker)
{
    if (waker->wake != NULL)
        waker->wake(waker->data);
}

static inline bool async_waker_equal(const struct async_waker *a, const struct async_waker *b)
{
    return a->wake == b->wake && a->data == b->data;
}

#endif
