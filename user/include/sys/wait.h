/*
 * sys/wait.h: waiting for children, and reading the status they leave.
 *
 * The status is Linux's encoding (see <sys/abi.h>): an exit code sits in
 * bits 8..15, a fatal signal in bits 0..6.
 */
#ifndef SYS_WAIT_H
#define SYS_WAIT_H

#include <sys/abi.h>
#include <sys/types.h>

#define WIFEXITED(status)   (((status)&0x7f) == 0)
#define WEXITSTATUS(status) (((status) >> 8) & 0xff)
/* Killed: the low 7 bits hold a signal (0x7f would mean stopped, which never happens here). */
#define WIFSIGNALED(status) (((status)&0x7f) != 0 && ((status)&0x7f) != 0x7f)
#define WTERMSIG(status)    ((status)&0x7f)

struct rusage; /* never filled in: pass NULL */

/* pid > 0: that child; pid == -1: any child. options: 0 or WNOHANG. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
