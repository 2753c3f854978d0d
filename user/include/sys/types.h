/*
 * sys/types.h: the integer types of the system-call interface (LP64: long
 * and pointers are 64 bits, int is 32).
 */
#ifndef SYS_TYPES_H
#define SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int pid_t;     /* a process id */
typedef long ssize_t;  /* a byte count, or -1 */
typedef long off_t;    /* a file offset */
typedef long time_t;   /* seconds */
typedef int clockid_t; /* CLOCK_REALTIME, CLOCK_MONOTONIC */
typedef unsigned int useconds_t;
typedef unsigned int mode_t; /* a file's type and permission bits */

#endif
