/*
 * poll.h: waiting for any of several files to become ready (ppoll).
 *
 * Each kind of file says what is true of it now through its poll operation
 * (fs/file.h): readable, writable, hung up. A poller looks at all its files
 * and, if none is ready, sleeps until *something* changes, then looks again.
 *
 * "Something changed" is one event for the whole kernel: a pipe that got
 * data or room or lost an end, a key on the console. Linux keeps a wait
 * queue per file and hooks the poller into each; one queue for all is the
 * simple version of the same idea, and with the few pollers of a teaching
 * kernel (a shell waiting for a key) the extra wake-ups cost nothing. A
 * change made while nobody polls costs one atomic load.
 *
 * No wake-up is lost: the poller takes a ticket (poll_begin) before it
 * looks at its files, and poll_wait sleeps only if no change has been
 * announced since that ticket.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <stdint.h>

/*
 * Announce a change a poller may wait for. Interrupt handlers may call it.
 * Inline, the one load and branch of the common case (nobody polls): every
 * pipe read and write calls it. poll_notify_pollers is the rest.
 */
extern uint32_t poll_pollers; /* threads between poll_begin and poll_end (atomic) */
void poll_notify_pollers(void);
static inline void poll_notify(void)
{
    /*
     * Sequentially consistent on both sides: either the poller's count is
     * seen here, or the poller, which counts itself before it looks, sees
     * the change that comes before this call.
     */
    if (__atomic_load_n(&poll_pollers, __ATOMIC_SEQ_CST) != 0)
        poll_notify_pollers();
}

/* A poller starts: it counts itself, then takes the ticket of its first look. */
uint64_t poll_begin(void);

/* The ticket for the next look: take it before looking at the files again. */
uint64_t poll_ticket(void);

/*
 * Sleep until a change announced after `ticket`, the deadline (a `time`
 * value; UINT64_MAX: none) or a signal: 0, -ETIMEDOUT or -ERESTARTSYS.
 */
int poll_wait(uint64_t ticket, uint64_t deadline);

/* The poller is done (every poll_begin is paired with one poll_end). */
void poll_end(void);

#endif
