/*
 * syscall_nr.h: the system-call numbers, shared by the kernel and user space.
 *
 * They are the numbers of Linux on RISC-V (the "generic" table that riscv64
 * uses), so programs built for RISC-V Linux ask for the same calls. A user
 * stub puts the number in a7 and the arguments in a0..a5, runs `ecall`, and
 * finds the result in a0: a value >= 0, or a negative errno.
 *
 * The kernel's system-call table and the user library's stubs both include
 * this file (both build with -Iinclude): one list for both sides means they
 * cannot disagree.
 */
#ifndef ABI_SYSCALL_NR_H
#define ABI_SYSCALL_NR_H

#define SYS_read  63 /* read(fd, buf, count) */
#define SYS_write 64 /* write(fd, buf, count) */
#define SYS_exit                                                                                   \
    93 /* exit(status): ends the calling thread (here: its process, which has one thread) */
#define SYS_exit_group    94  /* exit_group(status): ends the whole process */
#define SYS_nanosleep     101 /* nanosleep(request, remaining) */
#define SYS_clock_gettime 113 /* clock_gettime(clock_id, timespec) */
#define SYS_sched_yield   124 /* sched_yield() */
#define SYS_kill          129 /* kill(pid, signal) */
#define SYS_getpid        172 /* getpid() */
#define SYS_getppid       173 /* getppid() */
#define SYS_sysinfo       179 /* sysinfo(info): memory figures (free frames) */
#define SYS_brk           214 /* brk(address): returns the new break, or the old one on failure */
#define SYS_munmap        215 /* munmap(address, length) */
#define SYS_clone         220 /* clone(flags, stack, parent_tid, tls, child_tid) */
#define SYS_execve        221 /* execve(path, argv, envp) */
#define SYS_mmap          222 /* mmap(address, length, prot, flags, fd, offset) */
#define SYS_wait4         260 /* wait4(pid, status, options, rusage) */

#endif
