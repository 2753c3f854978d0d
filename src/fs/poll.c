/*
 * poll.c: one "something changed" event for every poller. See poll.h.
 */
#include "fs/poll.h"

#include "abi/errno.h"
#include "proc/interruptible.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"
#include "tty/tty.h"

static struct spinlock poll_lock = SPINLOCK_INIT("poll");
static struct wait_queue pollers_queue = WAIT_QUEUE_INIT(pollers_queue, "poll");
static uint64_t changes; /* how many changes were announced (under poll_lock) */
uint32_t poll_pollers;   /* threads between poll_begin and poll_end (atomic) */

/* Console input comes from the UART interrupt: a tty listener announces it. */
static void key_arrived(void *unused)
{
    (void)unused;
    poll_notify();
}

void poll_notify_pollers(void)
{
    spinlock_acquire(&poll_lock);
    changes++;
    wait_queue_wake_all(&pollers_queue);
    spinlock_release(&poll_lock);
}

uint64_t poll_begin(void)
{
    static uint32_t listening;
    if (__atomic_exchange_n(&listening, 1, __ATOMIC_ACQ_REL) == 0)
        tty_add_listener(key_arrived, NULL);
    __atomic_fetch_add(&poll_pollers, 1, __ATOMIC_SEQ_CST);
    return poll_ticket();
}

uint64_t poll_ticket(void)
{
    spinlock_acquire(&poll_lock);
    uint64_t ticket = changes;
    spinlock_release(&poll_lock);
    return ticket;
}

int poll_wait(uint64_t ticket, uint64_t deadline)
{
    int error = 0;
    spinlock_acquire(&poll_lock);
    if (changes == ticket) {
        error = deadline == UINT64_MAX
                    ? wait_queue_sleep_interruptible(&pollers_queue, &poll_lock)
                    : wait_queue_sleep_until_interruptible(&pollers_queue, &poll_lock, deadline);
    }
    spinlock_release(&poll_lock);
    return error;
}

void poll_end(void)
{
    __atomic_fetch_sub(&poll_pollers, 1, __ATOMIC_SEQ_CST);
}
