/*
 * channel.h: a bounded channel between tasks.
 *
 * A first-in first-out queue of fixed-size items in a buffer the caller
 * gives. A send into a full channel waits until a receive makes room (that
 * is the backpressure: a fast sender cannot run away from a slow receiver);
 * a receive from an empty channel waits until a send fills it. Items are
 * copied in and out. Any number of senders and receivers may use it.
 *
 * Closing: after async_channel_close, sends fail at once, and receives get
 * what is still in the channel and then fail. Failure is the result
 * ASYNC_CHANNEL_CLOSED.
 *
 *     static uint64_t slots[8];
 *     static struct async_channel numbers;
 *     async_channel_init(&numbers, slots, sizeof(uint64_t), 8);
 */
#ifndef ASYNC_CHANNEL_H
#define ASYNC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "async/future.h"
#include "async/waitlist.h"
#include "sync/spinlock.h"

enum async_channel_result {
    ASYNC_CHANNEL_OK = 0,
    ASYNC_CHANNEL_CLOSED = -1,
};

struct async_channel {
    struct spinlock lock; /* guards everything below */
    uint8_t *buffer;      /* capacity * item_size bytes, the caller's */
    size_t item_size;
    size_t capacity;
    size_t head;  /* slot of the oldest item */
    size_t count; /* items in the channel */
    bool closed;
    struct async_wait_list senders;   /* waiting for room */
    struct async_wait_list receivers; /* waiting for an item */
    uint64_t sent;
    uint64_t received;
};

void async_channel_init(struct async_channel *channel, void *buffer, size_t item_size,
                        size_t capacity);

/*
 * Copy `item` in, or wait for room with `wait` (the caller's node).
 * READY with *result OK when sent, CLOSED when the channel is closed.
 */
enum async_poll async_channel_poll_send(struct async_channel *channel, struct async_wait_node *wait,
                                        struct async_cx *cx, const void *item, int *result);

/* Copy the oldest item out, or wait for one. READY with *result OK or CLOSED (closed and empty). */
enum async_poll async_channel_poll_recv(struct async_channel *channel, struct async_wait_node *wait,
                                        struct async_cx *cx, void *item, int *result);

/* Without waiting, for code that is not a task (an interrupt handler): false if full/empty/closed.
 */
bool async_channel_try_send(struct async_channel *channel, const void *item);
bool async_channel_try_recv(struct async_channel *channel, void *item);

/* Stop waiting to send, or to receive (a future that gives up). */
void async_channel_cancel_send(struct async_channel *channel, struct async_wait_node *wait);
void async_channel_cancel_recv(struct async_channel *channel, struct async_wait_node *wait);

/* Close the channel and wake everyone waiting on it. */
void async_channel_close(struct async_channel *channel);

size_t async_channel_count(struct async_channel *channel);

/* Futures for one send and one receive, for join and select. */
struct async_send {
    struct async_future future;
    struct async_channel *channel;
    struct async_wait_node wait;
    const void *item;
    int result;
};

struct async_recv {
    struct async_future future;
    struct async_channel *channel;
    struct async_wait_node wait;
    void *item; /* where the received item goes */
    int result;
};

void async_send_init(struct async_send *send, struct async_channel *channel, const void *item);
void async_recv_init(struct async_recv *recv, struct async_channel *channel, void *item);

#endif
