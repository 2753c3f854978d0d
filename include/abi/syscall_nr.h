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

#define SYS_getcwd     17 /* getcwd(buf, size) */
#define SYS_dup        23 /* dup(fd) */
#define SYS_dup3       24 /* dup3(old, new, flags) */
#define SYS_fcntl      25 /* fcntl(fd, command, arg) */
#define SYS_ioctl      29 /* ioctl(fd, request, arg): the console's TCGETS, TCSETS, TIOCGWINSZ */
#define SYS_mkdirat    34 /* mkdirat(dirfd, path, mode) */
#define SYS_unlinkat   35 /* unlinkat(dirfd, path, flags): AT_REMOVEDIR for rmdir */
#define SYS_symlinkat  36 /* symlinkat(target, dirfd, path) */
#define SYS_linkat     37 /* linkat(olddirfd, old, newdirfd, new, flags) */
#define SYS_ftruncate  46 /* ftruncate(fd, length) */
#define SYS_faccessat  48 /* faccessat(dirfd, path, mode, flags): does it exist? */
#define SYS_chdir      49 /* chdir(path) */
#define SYS_fchdir     50 /* fchdir(fd) */
#define SYS_fchmod     52 /* fchmod(fd, mode) */
#define SYS_fchmodat   53 /* fchmodat(dirfd, path, mode) */
#define SYS_openat     56 /* openat(dirfd, path, flags, mode) */
#define SYS_close      57 /* close(fd) */
#define SYS_pipe2      59 /* pipe2(fds[2], flags) */
#define SYS_getdents64 61 /* getdents64(fd, buf, size) */
#define SYS_lseek      62 /* lseek(fd, offset, whence) */
#define SYS_read       63 /* read(fd, buf, count) */
#define SYS_write      64 /* write(fd, buf, count) */
#define SYS_readv      65 /* readv(fd, iov, iovcnt) */
#define SYS_writev     66 /* writev(fd, iov, iovcnt) */
#define SYS_pread64    67 /* pread64(fd, buf, count, offset) */
#define SYS_pwrite64   68 /* pwrite64(fd, buf, count, offset) */
#define SYS_ppoll      73 /* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
#define SYS_readlinkat 78 /* readlinkat(dirfd, path, buf, size) */
#define SYS_newfstatat 79 /* newfstatat(dirfd, path, stat, flags) */
#define SYS_fstat      80 /* fstat(fd, stat) */
#define SYS_sync       81 /* sync(): every dirty block to the disk */
#define SYS_fsync      82 /* fsync(fd) */
#define SYS_utimensat  88 /* utimensat(dirfd, path, times[2], flags): touch */
#define SYS_exit                                                                                   \
    93 /* exit(status): ends the calling thread; the last thread's exit ends the process too */
#define SYS_exit_group      94  /* exit_group(status): ends the whole process */
#define SYS_nanosleep       101 /* nanosleep(request, remaining) */
#define SYS_clock_gettime   113 /* clock_gettime(clock_id, timespec) */
#define SYS_clock_nanosleep 115 /* clock_nanosleep(clock_id, flags, request, remaining) */
#define SYS_sched_yield     124 /* sched_yield() */
#define SYS_futex           98  /* futex(uaddr, op, val, timeout, uaddr2, val3) */
#define SYS_tkill           130 /* tkill(tid, signal) */
#define SYS_kill            129 /* kill(pid, signal) */
#define SYS_tgkill          131 /* tgkill(tgid, tid, signal) */
#define SYS_sigaltstack     132 /* sigaltstack(new, old): the alternate signal stack */
#define SYS_rt_sigsuspend   133 /* rt_sigsuspend(mask, sizeof(mask)) */
#define SYS_rt_sigaction    134 /* rt_sigaction(signal, new, old, sizeof(sigset)) */
#define SYS_rt_sigprocmask  135 /* rt_sigprocmask(how, set, old, sizeof(sigset)) */
#define SYS_rt_sigpending   136 /* rt_sigpending(set, sizeof(set)) */
#define SYS_rt_sigreturn    139 /* rt_sigreturn(): the signal trampoline's call */
#define SYS_setpgid         154 /* setpgid(pid, pgid) */
#define SYS_getpgid         155 /* getpgid(pid) */
#define SYS_getsid          156 /* getsid(pid) */
#define SYS_setsid          157 /* setsid() */
#define SYS_getpid          172 /* getpid() */
#define SYS_getppid         173 /* getppid() */
#define SYS_umask           166 /* umask(mask): returns the old one */
#define SYS_sysinfo         179 /* sysinfo(info): memory figures (free frames) */
#define SYS_brk             214 /* brk(address): returns the new break, or the old one on failure */
#define SYS_munmap          215 /* munmap(address, length) */
#define SYS_clone           220 /* clone(flags, stack, parent_tid, tls, child_tid) */
#define SYS_execve          221 /* execve(path, argv, envp) */
#define SYS_mmap            222 /* mmap(address, length, prot, flags, fd, offset) */
#define SYS_mprotect        226 /* mprotect(address, length, prot) */
#define SYS_wait4           260 /* wait4(pid, status, options, rusage) */
#define SYS_renameat2       276 /* renameat2(olddirfd, old, newdirfd, new, flags) */

/* What static glibc programs call at start-up and in daily use (syscall/sys_linux.c). */
#define SYS_set_tid_address 96  /* set_tid_address(tidptr): returns the caller's tid */
#define SYS_set_robust_list 99  /* set_robust_list(head, length) */
#define SYS_clock_getres    114 /* clock_getres(clock_id, timespec) */
#define SYS_times           153 /* times(tms): clock ticks since boot */
#define SYS_uname           160 /* uname(utsname) */
#define SYS_getrlimit       163 /* getrlimit(resource, rlimit) */
#define SYS_setrlimit       164 /* setrlimit(resource, rlimit) */
#define SYS_prctl           167 /* prctl(option, arg2, ...): PR_SET_NAME, PR_GET_NAME */
#define SYS_gettimeofday    169 /* gettimeofday(timeval, timezone) */
#define SYS_getuid          174 /* getuid(): 0, everyone is root */
#define SYS_geteuid         175
#define SYS_getgid          176
#define SYS_getegid         177
#define SYS_gettid          178 /* gettid() */
#define SYS_madvise         233 /* madvise(address, length, advice): accepted, no effect */
#define SYS_prlimit64       261 /* prlimit64(pid, resource, new, old) */
#define SYS_getrandom       278 /* getrandom(buffer, length, flags) */
#define SYS_membarrier      283 /* membarrier: -ENOSYS on purpose */
#define SYS_rseq            293 /* rseq: -ENOSYS on purpose (glibc copes) */

#endif
