/*
 * signal.c: the signal calls of the C library, over rt_sigaction and its
 * siblings (include/abi/signal.h has the structures they share).
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static int posix_result(long raw)
{
    if (syscall_failed(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return (int)raw;
}

int sigaction(int signal, const struct sigaction *action, struct sigaction *old)
{
    return posix_result(
        syscall4(SYS_rt_sigaction, signal, (long)action, (long)old, sizeof(sigset_t)));
}

sighandler_t signal(int number, sighandler_t handler)
{
    struct sigaction action = {.sa_handler = handler, .sa_flags = SA_RESTART};
    struct sigaction old;
    if (sigaction(number, &action, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    return posix_result(syscall4(SYS_rt_sigprocmask, how, (long)set, (long)old, sizeof(sigset_t)));
}

int sigpending(sigset_t *set)
{
    return posix_result(syscall2(SYS_rt_sigpending, (long)set, sizeof(sigset_t)));
}

int sigsuspend(const sigset_t *mask)
{
    return posix_result(syscall2(SYS_rt_sigsuspend, (long)mask, sizeof(sigset_t)));
}

int sigaltstack(const stack_t *stack, stack_t *old)
{
    return posix_result(syscall2(SYS_sigaltstack, (long)stack, (long)old));
}

int pause(void)
{
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    return sigsuspend(&mask);
}

static int bad_signal(int signal)
{
    if (signal <= 0 || signal >= NSIG) {
        errno = EINVAL;
        return 1;
    }
    return 0;
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ~(sigset_t)0;
    return 0;
}

int sigaddset(sigset_t *set, int signal)
{
    if (bad_signal(signal))
        return -1;
    *set |= SIGSET_BIT(signal);
    return 0;
}

int sigdelset(sigset_t *set, int signal)
{
    if (bad_signal(signal))
        return -1;
    *set &= ~SIGSET_BIT(signal);
    return 0;
}

int sigismember(const sigset_t *set, int signal)
{
    if (bad_signal(signal))
        return -1;
    return (*set & SIGSET_BIT(signal)) != 0;
}

int kill(pid_t pid, int signal)
{
    return posix_result(syscall2(SYS_kill, pid, signal));
}

int killpg(pid_t group, int signal)
{
    if (group <= 1) {
        errno = EINVAL;
        return -1;
    }
    return kill(-group, signal);
}

/* To this thread, as POSIX asks (tgkill), so a fault-like raise lands where it was raised. */
int raise(int signal)
{
    pid_t pid = getpid();
    return posix_result(syscall3(SYS_tgkill, pid, pid, signal));
}

pid_t setsid(void)
{
    return posix_result(syscall0(SYS_setsid));
}

pid_t getsid(pid_t pid)
{
    return posix_result(syscall1(SYS_getsid, pid));
}

int setpgid(pid_t pid, pid_t group)
{
    return posix_result(syscall2(SYS_setpgid, pid, group));
}

pid_t getpgid(pid_t pid)
{
    return posix_result(syscall1(SYS_getpgid, pid));
}

pid_t getpgrp(void)
{
    return getpgid(0);
}
