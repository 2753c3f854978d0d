/*
 * sys_signal.c: the signal calls and process groups from user mode. Each
 * reads its arguments and hands them to proc/signal.c or proc/process.c,
 * where the work and its locking are.
 */
#include "proc/process.h"
#include "proc/signal.h"
#include "syscall/syscall.h"

long sys_kill(struct context *context)
{
    return signal_send((int64_t)syscall_arg(context, 0), syscall_arg(context, 1));
}

long sys_tgkill(struct context *context)
{
    return signal_send_thread((int64_t)syscall_arg(context, 0), (int64_t)syscall_arg(context, 1),
                              syscall_arg(context, 2));
}

/* rt_sigaction(signal, new, old, sizeof(sigset)) */
long sys_rt_sigaction(struct context *context)
{
    return signal_set_action((int)syscall_arg(context, 0), syscall_arg(context, 1),
                             syscall_arg(context, 2), syscall_arg(context, 3));
}

/* rt_sigprocmask(how, set, old, sizeof(sigset)) */
long sys_rt_sigprocmask(struct context *context)
{
    return signal_change_mask((int)syscall_arg(context, 0), syscall_arg(context, 1),
                              syscall_arg(context, 2), syscall_arg(context, 3));
}

long sys_rt_sigpending(struct context *context)
{
    return signal_get_pending(syscall_arg(context, 0), syscall_arg(context, 1));
}

long sys_rt_sigreturn(struct context *context)
{
    return signal_return_from_handler(context);
}

long sys_rt_sigsuspend(struct context *context)
{
    return signal_suspend(syscall_arg(context, 0), syscall_arg(context, 1));
}

/* sigaltstack(new, old): the calling thread's alternate signal stack */
long sys_sigaltstack(struct context *context)
{
    return signal_alternate_stack(context, syscall_arg(context, 0), syscall_arg(context, 1));
}

long sys_setpgid(struct context *context)
{
    return process_setpgid((int)syscall_arg(context, 0), (int)syscall_arg(context, 1));
}

long sys_getpgid(struct context *context)
{
    return process_getpgid((int)syscall_arg(context, 0));
}

long sys_getsid(struct context *context)
{
    return process_getsid((int)syscall_arg(context, 0));
}

long sys_setsid(struct context *context)
{
    return process_setsid();
}
