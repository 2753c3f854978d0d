/*
 * channel.c: a ring buffer of items with two wait lists.
 *
 * Every change that could let a waiter go on wakes the whole list on the
 * other side: a send wakes all waiting receivers, a receive all waiting
 * senders. Waking only one would be cheaper, but the one woken might have
 * given up meanwhile (a select that took another branch), and then nobody
 * would take the item while the others sleep on: a lost wakeup. A woken
 * waiter that finds nothing simply waits again.
 */
#include "async/channel.h"

#include "console/panic.h"
#include "lib/string.h"

void async_channel_init(struct async_channel *channel, void *buffer, size_t item_size,
                        size_t capacity)
{
    if (capacity == 0 || item_size == 0)
        panic("async_channel_init: capacity %lu, item size %lu; both must be at least 1", capacity,
              item_size);
    spinlock_init(&channel->lock, "async channel");
    channel->buffer = buffer;
    channel->item_size = item_size;
    channel->capacity = capacity;
    channel->head = 0;
    channel->count = 0;
    channel->closed = false;
    async_wait_list_init(&channel->senders);
    async_wait_list_init(&channel->receivers);
    channel->sent = 0;
    channel->received = 0;
}

/* The lock is held, and there is room. */
static void put_item(struct async_channel *channel, const void *item)
{
    size_t slot = (channel->head + channel->count) % channel->capacity;
    memcpy(channel->buffer + slot * channel->item_size, item, channel->item_size);
    channel->count++;
    channel->sent++;
    async_wait_list_wake_all(&channel->receivers);
}

/* The lock is held, and there is an item. */
static void take_item(struct async_channel *channel, void *item)
{
    memcpy(item, channel->buffer + channel->head * channel->item_size, channel->item_size);
    channel->head = (channel->head + 1) % channel->capacity;
    channel->count--;
    channel->received++;
    async_wait_list_wake_all(&channel->senders);
}

enum async_poll async_channel_poll_send(struct async_channel *channel, struct async_wait_node *wait,
                                        struct async_cx *cx, const void *item, int *result)
{
    enum async_poll poll = ASYNC_READY;
    spinlock_acquire(&channel->lock);
    if (channel->closed) {
        async_wait_list_remove(&channel->senders, wait);
        *result = ASYNC_CHANNEL_CLOSED;
    } else if (channel->count < channel->capacity) {
        async_wait_list_remove(&channel->senders, wait);
        put_item(channel, item);
        *result = ASYNC_CHANNEL_OK;
    } else {
        async_wait_list_add(&channel->senders, wait, &cx->waker);
        poll = ASYNC_PENDING;
    }
    spinlock_release(&channel->lock);
    return poll;
}

enum async_poll async_channel_poll_recv(struct async_channel *channel, struct async_wait_node *wait,
                                        struct async_cx *cx, void *item, int *result)
{
    enum async_poll poll = ASYNC_READY;
    spinlock_acquire(&channel->lock);
    if (channel->count > 0) {
        async_wait_list_remove(&channel->receivers, wait);
        take_item(channel, item);
        *result = ASYNC_CHANNEL_OK;
    } else if (channel->closed) {
        async_wait_list_remove(&channel->receivers, wait);
        *result = ASYNC_CHANNEL_CLOSED;
    } else {
        async_wait_list_add(&channel->receivers, wait, &cx->waker);
        poll = ASYNC_PENDING;
    }
    spinlock_release(&channel->lock);
    return poll;
}

bool async_channel_try_send(struct async_channel *channel, const void *item)
{
    spinlock_acquire(&channel->lock);
    bool room = !channel->closed && channel->count < channel->capacity;
    if (room)
        put_item(channel, item);
    spinlock_release(&channel->lock);
    return room;
}

bool async_channel_try_recv(struct async_channel *channel, void *item)
{
    spinlock_acquire(&channel->lock);
    bool any = channel->count > 0;
    if (any)
        take_item(channel, item);
    spinlock_release(&channel->lock);
    return any;
}

void async_channel_cancel_send(struct async_channel *channel, struct async_wait_node *wait)
{
    spinlock_acquire(&channel->lock);
    async_wait_list_remove(&channel->senders, wait);
    spinlock_release(&channel->lock);
}

void async_channel_cancel_recv(struct async_channel *channel, struct async_wait_node *wait)
{
    spinlock_acquire(&channel->lock);
    async_wait_list_remove(&channel->receivers, wait);
    spinlock_release(&channel->lock);
}

void async_channel_close(struct async_channel *channel)
{
    spinlock_acquire(&channel->lock);
    channel->closed = true;
    async_wait_list_wake_all(&channel->senders);
    async_wait_list_wake_all(&channel->receivers);
    spinlock_release(&channel->lock);
}

size_t async_channel_count(struct async_channel *channel)
{
    spinlock_acquire(&channel->lock);
    size_t count = channel->count;
    spinlock_release(&channel->lock);
    return count;
}

static enum async_poll send_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_send *send = ASYNC_CONTAINER_OF(future, struct async_send, future);
    return async_channel_poll_send(send->channel, &send->wait, cx, send->item, &send->result);
}

static void send_cancel(struct async_future *future)
{
    struct async_send *send = ASYNC_CONTAINER_OF(future, struct async_send, future);
    async_channel_cancel_send(send->channel, &send->wait);
}

static enum async_poll recv_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_recv *recv = ASYNC_CONTAINER_OF(future, struct async_recv, future);
    return async_channel_poll_recv(recv->channel, &recv->wait, cx, recv->item, &recv->result);
}

static void recv_cancel(struct async_future *future)
{
    struct async_recv *recv = ASYNC_CONTAINER_OF(future, struct async_recv, future);
    async_channel_cancel_recv(recv->channel, &recv->wait);
}

void async_send_init(struct async_send *send, struct async_channel *channel, const void *item)
{
    send->future.poll = send_poll;
    send->future.cancel = send_cancel;
    send->channel = channel;
    async_wait_node_init(&send->wait);
    send->item = item;
    send->result = ASYNC_CHANNEL_OK;
}

void async_recv_init(struct async_recv *recv, struct async_channel *channel, void *item)
{
    recv->future.poll = recv_poll;
    recv->future.cancel = recv_cancel;
    recv->channel = channel;
    async_wait_node_init(&recv->wait);
    recv->item = item;
    recv->result = ASYNC_CHANNEL_OK;
}
