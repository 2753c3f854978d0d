/*
 * trace.h: strace built in. At log level TRACE (loglevel=trace on the
 * kernel command line), every system call prints one line when it returns:
 *
 *     [TRACE] [pid 2 sh] write(1, "$ ", 2) = 2
 *     [TRACE] [pid 3 hello] openat(-100, "/nope", 0x0, 0) = -2 ENOENT
 *
 * strace=sh,hello limits it to programs of those names, at any log level.
 * Calls that do not return (exit, a successful execve's old image) print
 * their line first. A call the kernel does not implement is logged at DEBUG
 * once per program and number, by its Linux name, so the next gap a
 * program hits is easy to find.
 */
#ifndef SYSCALL_TRACE_H
#define SYSCALL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/context.h"
#include "syscall/syscall.h"

/* True when some process may be traced: syscall_dispatch then takes the traced path. */
extern bool syscall_trace_active;

/* Read strace= and the log level (syscall_init calls it). */
void syscall_trace_init(void);

/*
 * Run one call the way syscall_dispatch does, printing its line if the
 * calling program is traced. `args` describes the arguments and the result
 * (see the table in syscall.c); handler is NULL for an unknown call.
 */
long syscall_trace_call(struct context *context, uint64_t number, syscall_handler_t handler,
                        const char *name, const char *args);

/* At DEBUG: say once per program and number that a call is not implemented. */
void syscall_trace_unknown(uint64_t number);

/* "ENOENT" for 2, and so on; NULL for a number without a name here. */
const char *syscall_errno_name(long error);

#endif
