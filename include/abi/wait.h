/*
 * wait.h: the status that wait4 stores, and its options, in Linux's encoding.
 *
 *   exited with code c:     (c & 0xff) << 8       low 7 bits are 0
 *   killed by signal s:     s                      low 7 bits are s (1..127)
 *
 * The kernel builds a status with WAIT_STATUS_*; user code reads it with W*.
 */
#ifndef ABI_WAIT_H
#define ABI_WAIT_H

#define WAIT_STATUS_EXITED(code)     (((code)&0xff) << 8)
#define WAIT_STATUS_SIGNALED(signal) ((signal)&0x7f)

#define WIFEXITED(status)   (((status)&0x7f) == 0)
#define WEXITSTATUS(status) (((status) >> 8) & 0xff)
/* Killed: the low 7 bits hold a signal (0x7f would mean stopped, which never happens here). */
#define WIFSIGNALED(status) (((status)&0x7f) != 0 && ((status)&0x7f) != 0x7f)
#define WTERMSIG(status)    ((status)&0x7f)

/* wait4 options. */
#define WNOHANG 1 /* return 0 at once if no child has ended */
/* Also report a child that stopped / continued (job-control shells always pass them). */
#define WUNTRACED  2
#define WCONTINUED 8

#endif
