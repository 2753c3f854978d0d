/*
 * syscall.h: system calls, the way into the kernel for user programs.
 *
 * A user program executes `ecall` with the call's number in a7 and up to
 * six arguments in a0..a5 (user/lib/syscalls.c). The hart traps to trap.S,
 * which saves the user registers in the thread's struct context at the top
 * of its kernel stack and, seeing "environment call from U-mode", calls
 * syscall_handle(), which looks the number up in a table and puts the
 * handler's result in the context's a0. trap_return then restores the user
 * registers, that a0 included, and `sret` goes back to the instruction after
 * the ecall. (trap.S calls syscall_handle directly for scause 8, without
 * trap_dispatch: it is the hot path.) A negative result is -errno, as on Linux.
 *
 * The numbers are Linux's for RISC-V (user/include/sys/syscall_nr.h, one
 * header shared with the user side). docs/syscalls.md tells how to add one.
 */
#ifndef PROC_SYSCALL_H
#define PROC_SYSCALL_H

#include <stdint.h>

#include "trap/context.h"

/* Run the call in context->x[17] (a7) with a0..a5, and store the result in a0. */
void syscall_handle(struct context *context);

/* The name of a system call number, for logs ("write"), or NULL. */
const char *syscall_name(uint64_t number);

/* One handler per call: its arguments are a0..a5, as the user passed them. */
typedef long (*syscall_handler_t)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                  uint64_t a5);

/* The handlers, by file: sys_io.c, sys_time.c, sys_memory.c, sys_process.c. */
long sys_read(uint64_t fd, uint64_t buffer, uint64_t count, uint64_t, uint64_t, uint64_t);
long sys_write(uint64_t fd, uint64_t buffer, uint64_t count, uint64_t, uint64_t, uint64_t);
long sys_nanosleep(uint64_t request, uint64_t remaining, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_clock_gettime(uint64_t clock, uint64_t timespec, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sysinfo(uint64_t info, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_brk(uint64_t address, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_mmap(uint64_t address, uint64_t length, uint64_t prot, uint64_t flags, uint64_t fd,
              uint64_t offset);
long sys_munmap(uint64_t address, uint64_t length, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_exit(uint64_t code, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_sched_yield(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getpid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_getppid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_kill(uint64_t pid, uint64_t signal, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_clone(uint64_t flags, uint64_t stack, uint64_t, uint64_t, uint64_t, uint64_t);
long sys_execve(uint64_t path, uint64_t argv, uint64_t envp, uint64_t, uint64_t, uint64_t);
long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage, uint64_t,
               uint64_t);

#endif
