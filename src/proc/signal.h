/*
 * signal.h: signals, as Linux has them: sending (kill, tgkill, a process
 * group, the tty's Ctrl-C), actions (rt_sigaction), masks, and delivery,
 * to a handler on the user stack or by the default action.
 *
 * A signal is first made pending, on the process (kill) or on one thread
 * (a fault, tgkill), and the target's threads get signal_attention. An
 * interruptible sleep of the target ends at once (proc/interruptible.h):
 * its call returns -ERESTARTSYS, which becomes -EINTR or a restart. On the
 * way back to user mode (signal_return_to_user), a thread with attention
 * takes its lowest unblocked pending signal and:
 *
 *   ignores it       SIG_IGN, or SIG_DFL for SIGCHLD, SIGURG, SIGWINCH and
 *                    SIGCONT (which continued the process as it was sent);
 *   stops            SIG_DFL for SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the
 *                    process sleeps until SIGCONT or SIGKILL, and its parent
 *                    hears of it (wait4 WUNTRACED, SIGCHLD CLD_STOPPED);
 *   dies of it       SIG_DFL for the others ("core" ones too: no core file);
 *   runs a handler   signal_deliver pushes a struct rt_sigframe (abi/signal.h)
 *                    under the user's sp and enters the handler with
 *                    a0 = signal, a1 = &info, a2 = &ucontext and ra = the
 *                    kernel's trampoline page, whose rt_sigreturn undoes it.
 *
 * SIGKILL ends its target as soon as it is sent; init (pid 1) ignores any
 * signal it has no handler for, SIGKILL included, as on Linux, unless the
 * kernel sends it for a fault. docs/signals.md tells the whole story.
 */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include <stdint.h>

#include "abi/signal.h"
#include "arch/context.h"
#include "proc/process.h"
#include "proc/thread.h"

/*
 * kill(pid, signal) from the calling process: pid > 0 that process, 0 the
 * caller's process group, -1 every process but init and the caller, < -1
 * the group -pid. `pid` is a pid_t (int): the upper 32 bits of the
 * register are dropped, as Linux does. 0, -EINVAL or -ESRCH.
 */
int signal_send(int64_t pid, uint64_t signal);

/* tgkill(tgid, tid, signal): one thread. 0, -EINVAL or -ESRCH. */
int signal_send_thread(int64_t tgid, int64_t tid, uint64_t signal);

/* The kernel signals a process group (the tty: SIGINT for Ctrl-C). Callable from interrupts. */
int signal_send_group(int pgid, int signal);

/* With process_lock held: `child` became a zombie; SIGCHLD to its parent. */
void signal_child_exited_locked(struct process *child);

/*
 * The running user program caused an exception (a page fault, an illegal
 * instruction, a breakpoint...) that nothing below resolved. An FP
 * instruction with FP still off is not a fault (proc/fp.h): the registers
 * are loaded and it runs again. Otherwise the signal Linux sends: to its
 * handler, if one is installed and the signal is not blocked (it runs on
 * the way back to user mode); if not, one line says what happened and the
 * process ends by that signal (a breakpoint without a SIGTRAP handler is
 * stepped over, as before).
 */
void signal_user_fault(struct context *context, uint64_t scause, uint64_t stval);

/* A system call returned -ERESTARTSYS: remember its a0, to restart it or make it -EINTR. */
void signal_syscall_interrupted(uint64_t first_argument);

/* "SIGSEGV" for SIGSEGV, and so on; "SIG?" for a number without a name here. */
const char *signal_name(int signal);

/*
 * For a sleep that a signal ended but that Linux resumes when no handler
 * runs (nanosleep, rt_sigsuspend): takes the pending signals that need no
 * return to user mode, the ignored ones and the stops (the process stops
 * here, until SIGCONT). True if nothing else is pending and the sleep may
 * go on; false if a handler or a fatal signal waits (the call returns).
 */
bool signal_sleep_may_resume(void);

/* Run what the attention flag asks for: a handler's frame, an exit, a restart. */
void signal_deliver(struct context *context);

/*
 * The body of signal_pending (proc/interruptible.h), inline for the
 * interruptible sleep (proc/sched.c): a pipe round trip sleeps twice and
 * looks twice each time (docs/pipes.md counts it).
 */
static inline __attribute__((always_inline)) bool thread_signal_pending(struct thread *thread)
{
    /*
     * Whatever makes a signal pending and unblocked, or asks for an exit,
     * gives the thread attention first (proc/signal.c), under sched_lock when
     * it must end a sleep: no attention, nothing to look at (one load).
     */
    if (__atomic_load_n(&thread->signal_attention, __ATOMIC_RELAXED) == 0)
        return false;
    struct process *process = thread->process;
    /* A kernel thread (process 0) is never signalled. */
    if (process->pid == 0)
        return false;
    if (__atomic_load_n(&process->exit_requested, __ATOMIC_RELAXED) ||
        __atomic_load_n(&thread->exit_alone, __ATOMIC_RELAXED))
        return true;
    kernel_sigset_t pending = __atomic_load_n(&thread->signal_pending, __ATOMIC_RELAXED) |
                              __atomic_load_n(&process->signal_pending, __ATOMIC_RELAXED);
    return (pending & ~__atomic_load_n(&thread->signal_blocked, __ATOMIC_RELAXED)) != 0;
}

/*
 * On every way back to user mode. Inline, because every system call
 * passes through it: one load and a branch when there is nothing to do.
 */
static inline void signal_return_to_user(struct context *context)
{
    struct thread *thread = thread_current(); /* a user trap always has a thread */
    if (__builtin_expect(__atomic_load_n(&thread->signal_attention, __ATOMIC_RELAXED) != 0, 0))
        signal_deliver(context);
}

/* The system calls: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigreturn, rt_sigsuspend. */
long signal_set_action(int signal, uint64_t user_new, uint64_t user_old, uint64_t set_size);
long signal_change_mask(int how, uint64_t user_set, uint64_t user_old, uint64_t set_size);
long signal_get_pending(uint64_t user_set, uint64_t set_size);
long signal_return_from_handler(struct context *context);
long signal_suspend(uint64_t user_mask, uint64_t set_size);
/*
 * The blocked set becomes the user's mask until the call returns to user
 * mode (rt_sigsuspend, ppoll): then the old one comes back, or, if a signal
 * the mask let through runs a handler, after the handler. 0, -EINVAL for
 * a set size that is not 8, -EFAULT.
 */
int signal_mask_during_call(uint64_t user_mask, uint64_t set_size);

/*
 * sigaltstack(new, old) for the calling thread (context: its registers,
 * for its sp): 0, -EFAULT, -EINVAL, -ENOMEM (smaller than MINSIGSTKSZ) or
 * -EPERM (changing it while running on it).
 */
long signal_alternate_stack(const struct context *context, uint64_t user_new, uint64_t user_old);

/* exec: handlers go back to SIG_DFL (ignored signals stay ignored, the mask stays). */
void signal_reset_on_exec(struct process *process);

#endif
