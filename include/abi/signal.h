/*
 * signal.h: signal numbers, with Linux's values.
 */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

/* The kernel sends SIGSEGV, SIGILL, ... for faults. */
#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4 /* illegal instruction */
#define SIGTRAP 5 /* breakpoint */
#define SIGABRT 6
#define SIGBUS  7 /* misaligned access */
#define SIGFPE  8
#define SIGKILL 9 /* cannot be caught: kill(pid, SIGKILL) always ends pid */
#define SIGUSR1 10
#define SIGSEGV 11 /* bad memory access: page fault */
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17 /* sent to the parent when a child ends */
#define NSIG    65 /* signals are 1..64 */

#endif
