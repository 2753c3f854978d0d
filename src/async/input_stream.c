/*
 * input_stream.c: the console input stream's readers and their wakeups.
 *
 * The order of a poll matters: it takes the lock, then looks at the ring,
 * then (if empty) joins the wait list, then lets go. The listener that the
 * UART interrupt calls takes the same lock. So a byte that lands just
 * after the look cannot slip by: its listener call waits for the lock and
 * then finds the reader on the list.
 */
#include "async/input_stream.h"

#include "tty/tty.h"
#include "sync/spinlock.h"

static struct {
    struct spinlock lock; /* guards everything below: the UART interrupt and the readers */
    struct async_wait_list readers;
    bool listening; /* our listener is registered with console input */
    uint64_t wakeups;
} input = {.lock = SPINLOCK_INIT("async input")};

/* Called from the UART receive interrupt after new bytes reached the ring. */
static void input_arrived(void *arg)
{
    (void)arg;
    spinlock_acquire(&input.lock);
    if (!async_wait_list_empty(&input.readers))
        input.wakeups++;
    async_wait_list_wake_all(&input.readers);
    spinlock_release(&input.lock);
}

enum async_poll async_input_poll_byte(struct async_wait_node *wait, struct async_cx *cx,
                                      uint8_t *byte)
{
    enum async_poll result = ASYNC_PENDING;
    spinlock_acquire(&input.lock);
    if (!input.listening) {
        input.listening = true;
        tty_add_listener(input_arrived, NULL);
    }
    int next = tty_getc();
    if (next >= 0) {
        *byte = (uint8_t)next;
        async_wait_list_remove(&input.readers, wait);
        result = ASYNC_READY;
    } else {
        async_wait_list_add(&input.readers, wait, &cx->waker);
    }
    spinlock_release(&input.lock);
    return result;
}

void async_input_cancel(struct async_wait_node *wait)
{
    spinlock_acquire(&input.lock);
    async_wait_list_remove(&input.readers, wait);
    spinlock_release(&input.lock);
}

static enum async_poll read_byte_poll(struct async_future *future, struct async_cx *cx)
{
    struct async_read_byte *read = ASYNC_CONTAINER_OF(future, struct async_read_byte, future);
    return async_input_poll_byte(&read->wait, cx, &read->byte);
}

static void read_byte_cancel(struct async_future *future)
{
    struct async_read_byte *read = ASYNC_CONTAINER_OF(future, struct async_read_byte, future);
    async_input_cancel(&read->wait);
}

void async_read_byte_init(struct async_read_byte *read)
{
    read->future.poll = read_byte_poll;
    read->future.cancel = read_byte_cancel;
    async_wait_node_init(&read->wait);
    read->byte = 0;
}

uint64_t async_input_wakeups(void)
{
    return input.wakeups;
}
