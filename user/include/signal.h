/*
 * signal.h: signals, with Linux's numbers and calls: sigaction (handlers,
 * SA_SIGINFO, SA_RESTART...), masks, kill, raise, sigsuspend.
 *
 * struct sigaction here has the layout rt_sigaction reads on riscv64, so
 * sigaction() passes it straight through. A handler returns through the
 * kernel's trampoline page (docs/signals.md): no sa_restorer is needed.
 */
#ifndef SIGNAL_H
#define SIGNAL_H

#include "abi/signal.h"
#include <sys/types.h>

typedef kernel_sigset_t sigset_t;
typedef void (*sighandler_t)(int);
typedef int sig_atomic_t;
typedef struct ucontext ucontext_t;

struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t *, void *);
    };
    unsigned long sa_flags;
    sigset_t sa_mask;
};

int sigaction(int signal, const struct sigaction *action, struct sigaction *old);
/* The BSD form: the handler stays installed, and calls it interrupts restart. */
sighandler_t signal(int signal, sighandler_t handler);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigpending(sigset_t *set);
/* Wait with `mask` in place until a handler has run; always -1 with EINTR. */
int sigsuspend(const sigset_t *mask);
int pause(void);
/* The calling thread's alternate signal stack, for SA_ONSTACK handlers (sigaltstack(2)). */
int sigaltstack(const stack_t *stack, stack_t *old);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int signal);
int sigdelset(sigset_t *set, int signal);
int sigismember(const sigset_t *set, int signal);

int kill(pid_t pid, int signal);
int killpg(pid_t group, int signal);
int raise(int signal);
/* "Segmentation fault" for SIGSEGV, and so on. */
char *strsignal(int signal);

#endif
