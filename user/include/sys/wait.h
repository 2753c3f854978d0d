/*
 * sys/wait.h: waiting for children, and reading the status they leave.
 *
 * The status is Linux's encoding (include/abi/wait.h): an exit code sits in
 * bits 8..15, a fatal signal in bits 0..6.
 */
#ifndef SYS_WAIT_H
#define SYS_WAIT_H

#include "abi/sched.h" /* clone flags, for fork */
#include "abi/signal.h"
#include "abi/wait.h"
#include <sys/types.h>

struct rusage; /* never filled in: pass NULL */

/* pid > 0: that child; pid == -1: any child. options: WNOHANG, WUNTRACED, WCONTINUED. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
