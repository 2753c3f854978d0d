/*
 * wait.h: the status that wait4 stores, and its options, in Linux's encoding.
 *
 *   exited with code c:     (c & 0xff) << 8       low 7 bits are 0
 *   killed by signal s:     s                      low 7 bits are s (1..127)
 *   stopped by signal s:    (s << 8) | 0x7f        (WUNTRACED)
 *   continued:              0xffff                 (WCONTINUED)
 *
 * The kernel builds a status with WAIT_STATUS_*; user code reads it with W*.
 */
#ifndef ABI_WAIT_H
#define ABI_WAIT_H

#define WAIT_STATUS_EXITED(code)     (((code)&0xff) << 8)
#define WAIT_STATUS_SIGNALED(signal) ((signal)&0x7f)

#define WIFEXITED(status)           (((status)&0x7f) == 0)
#define WEXITSTATUS(status)         (((status) >> 8) & 0xff)
#define WAIT_STATUS_STOPPED(signal) ((((signal)&0xff) << 8) | 0x7f)
#define WAIT_STATUS_CONTINUED       0xffff

/* Killed: the low 7 bits hold a signal (0x7f means stopped, or continued). */
#define WIFSIGNALED(status)  (((status)&0x7f) != 0 && ((status)&0x7f) != 0x7f)
#define WTERMSIG(status)     ((status)&0x7f)
#define WIFSTOPPED(status)   (((status)&0xff) == 0x7f)
#define WSTOPSIG(status)     WEXITSTATUS(status)
#define WIFCONTINUED(status) ((status) == 0xffff)

/* wait4 options. */
#define WNOHANG    1 /* return 0 at once if no child has ended */
#define WUNTRACED  2 /* report a child that a signal stopped */
#define WCONTINUED 8 /* report a stopped child that SIGCONT continued */

#endif
