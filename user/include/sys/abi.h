/*
 * abi.h: the other numbers both sides of a system call must agree on.
 *
 * Signal numbers, the wait-status encoding, clone's fork flags, mmap's
 * protection and flag bits, clock ids and wait options, all with Linux's
 * values. Like syscall_nr.h, this is plain #defines, so the kernel can include
 * it too: `#include "../user/include/sys/abi.h"`. The user headers
 * (<signal.h>, <sys/wait.h>, <sys/mman.h>, <time.h>) take their values from here.
 */
#ifndef SYS_ABI_H
#define SYS_ABI_H

/* Signals (Linux numbering). The kernel sends SIGSEGV, SIGILL, ... for faults. */
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

/*
 * The status that wait4 stores, in Linux's encoding:
 *   exited with code c:     (c & 0xff) << 8       low 7 bits are 0
 *   killed by signal s:     s                      low 7 bits are s (1..127)
 * The kernel builds it with these two; user code reads it with W* in <sys/wait.h>.
 */
#define WAIT_STATUS_EXITED(code)     (((code)&0xff) << 8)
#define WAIT_STATUS_SIGNALED(signal) ((signal)&0x7f)

/* wait4 options. */
#define WNOHANG 1 /* return 0 at once if no child has ended */

/*
 * clone flags. The low byte is the signal sent to the parent when the child
 * ends; fork() is clone(SIGCHLD, 0, 0, 0, 0): a new process with a copy of
 * the address space and no sharing at all.
 */
#define CLONE_EXIT_SIGNAL_MASK 0xff
#define CLONE_VM               0x00000100
#define CLONE_FS               0x00000200
#define CLONE_FILES            0x00000400
#define CLONE_SIGHAND          0x00000800
#define CLONE_THREAD           0x00010000

/* mmap protection bits. */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* mmap flags. The kernel supports MAP_PRIVATE | MAP_ANONYMOUS (with MAP_FIXED). */
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

/* Clock ids for clock_gettime. */
#define CLOCK_REALTIME  0 /* wall-clock time */
#define CLOCK_MONOTONIC 1 /* time since boot, never goes back */

#endif
