/*
 * signal.h: signals, as far as this kernel has them: kill, the signal a
 * faulting program gets, and where a pending kill takes effect.
 *
 * There are no handlers yet: every signal ends its target, as its default
 * action does on Linux, and the parent's wait4 sees which one
 * (WAIT_STATUS_SIGNALED). A kill marks the target; the target ends itself
 * the next time it would return to user mode (signal_return_to_user).
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include <stdint.h>

#include "arch/context.h"
#include "proc/process.h"
#include "proc/thread.h"

/* Send `signal` (0..NSIG-1; 0 only checks) to process `pid`: 0, -EINVAL or -ESRCH. */
int signal_send(int64_t pid, uint64_t signal);

/*
 * The running user program caused an exception (a page fault, an illegal
 * instruction...): print one line that says what happened and end its
 * process with the signal Linux would send. Never returns.
 */
__attribute__((noreturn)) void signal_user_fault(struct context *context, uint64_t scause,
                                                 uint64_t stval);

/* "SIGSEGV" for SIGSEGV, and so on; "SIG?" for a number without a name here. */
const char *signal_name(int signal);

/*
 * On every way back to user mode: if the process was killed, end it here.
 * Inline, because every system call passes through it.
 */
static inline void signal_return_to_user(struct context *context)
{
    struct process *process = thread_current()->process; /* a user trap always has a thread */
    if (__builtin_expect(process->exit_requested, 0) && process->pid > 0)
        process_exit(process->exit_status);
}

#endif
