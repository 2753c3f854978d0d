/*
 * signal.h: signal numbers and kill(). There are no handlers yet: a signal
 * ends the process it is sent to, and its parent's wait sees which one.
 */
#ifndef SIGNAL_H
#define SIGNAL_H

#include "abi/signal.h"
#include <sys/types.h>

int kill(pid_t pid, int signal);
/* "Segmentation fault" for SIGSEGV, and so on. */
char *strsignal(int signal);

#endif
