/*
 * interruptible.c: sleeps that a signal may end early. See interruptible.h.
 */
#include "proc/interruptible.h"

#include "abi/errno.h"
#include "proc/process.h"
#include "proc/wait_queue.h"

bool signal_pending(void)
{
    struct process *process = process_current();
    /* A kernel thread (process 0) is never signalled. */
    return process->pid > 0 && __atomic_load_n(&process->exit_requested, __ATOMIC_RELAXED);
}

int wait_queue_sleep_interruptible(struct wait_queue *queue, struct spinlock *guard)
{
    if (signal_pending())
        return -EINTR;
    wait_queue_sleep(queue, guard);
    return signal_pending() ? -EINTR : 0;
}
