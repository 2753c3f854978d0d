/*
 * syscall.h: system calls, the way into the kernel for user programs.
 *
 * A user program executes `ecall` with the call's number in a7 and up to
 * six arguments in a0..a5 (user/lib/syscalls.c). The hart traps to trap.S,
 * which saves the user registers in the thread's struct context at the top
 * of its kernel stack and calls the user-trap handler this layer registered
 * (syscall_user_trap). Seeing "environment call from U-mode", it looks the
 * number up in a table and calls the handler, which reads its arguments
 * from the saved registers with syscall_arg() and returns the result;
 * syscall_dispatch stores it in the context's a0. trap_return then restores
 * the user registers, that a0 included, and `sret` goes back to the
 * instruction after the ecall. A negative result is -errno, as on Linux.
 *
 * The numbers are Linux's for RISC-V (include/abi/syscall_nr.h, one header
 * shared with the user side). docs/syscalls.md tells how to add one.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/context.h"

/*
 * Every trap from user mode: a system call, a fault in the program, or an
 * interrupt that arrived while it ran. Then, on the way back, a pending kill
 * takes effect. syscall_init registers it with the trap layer. True when
 * trap.S must load every register back (trap.h says when it need not).
 */
bool syscall_user_trap(struct context *context, uint64_t scause, uint64_t stval);

/* Send traps from user mode to syscall_user_trap (kmain calls it once). */
void syscall_init(void);

/* The name of a system call number, for logs ("write"), or NULL. */
const char *syscall_name(uint64_t number);

/* Argument n (0..5) of the call, as the user passed it in register a<n>. */
static inline uint64_t syscall_arg(const struct context *context, int n)
{
    return context->x[REG_A0 + n];
}

/* One handler per call: it reads the arguments it needs with syscall_arg(). */
typedef long (*syscall_handler_t)(struct context *context);

/* The handlers, by file: sys_io.c, sys_file.c, sys_path.c, sys_time.c, sys_memory.c,
   sys_process.c. */
long sys_read(struct context *context);
long sys_write(struct context *context);
long sys_readv(struct context *context);
long sys_writev(struct context *context);
long sys_pread64(struct context *context);
long sys_pwrite64(struct context *context);
long sys_lseek(struct context *context);
long sys_close(struct context *context);
long sys_dup(struct context *context);
long sys_dup3(struct context *context);
long sys_fcntl(struct context *context);
long sys_ioctl(struct context *context);
long sys_fstat(struct context *context);
long sys_getdents64(struct context *context);
long sys_ftruncate(struct context *context);
long sys_fsync(struct context *context);
long sys_sync(struct context *context);
long sys_pipe2(struct context *context);
long sys_openat(struct context *context);
long sys_mkdirat(struct context *context);
long sys_unlinkat(struct context *context);
long sys_linkat(struct context *context);
long sys_symlinkat(struct context *context);
long sys_readlinkat(struct context *context);
long sys_renameat2(struct context *context);
long sys_newfstatat(struct context *context);
long sys_faccessat(struct context *context);
long sys_chdir(struct context *context);
long sys_fchdir(struct context *context);
long sys_getcwd(struct context *context);
long sys_umask(struct context *context);
long sys_nanosleep(struct context *context);
long sys_clock_gettime(struct context *context);
long sys_sysinfo(struct context *context);
long sys_brk(struct context *context);
long sys_mmap(struct context *context);
long sys_munmap(struct context *context);
long sys_mprotect(struct context *context);
long sys_exit(struct context *context);
long sys_sched_yield(struct context *context);
long sys_getpid(struct context *context);
long sys_getppid(struct context *context);
long sys_kill(struct context *context);
long sys_clone(struct context *context);
long sys_execve(struct context *context);
long sys_wait4(struct context *context);
long sys_clock_nanosleep(struct context *context);
long sys_tgkill(struct context *context);
long sys_rt_sigaction(struct context *context);
long sys_rt_sigprocmask(struct context *context);
long sys_rt_sigpending(struct context *context);
long sys_rt_sigreturn(struct context *context);
long sys_rt_sigsuspend(struct context *context);
long sys_sigaltstack(struct context *context);
long sys_setpgid(struct context *context);
long sys_getpgid(struct context *context);
long sys_getsid(struct context *context);
long sys_setsid(struct context *context);

/* sys_linux.c: what static glibc programs need beyond the above (docs/linux-abi.md). */
long sys_set_tid_address(struct context *context);
long sys_set_robust_list(struct context *context);
long sys_gettid(struct context *context);
long sys_getuid(struct context *context); /* also geteuid, getgid, getegid: all 0 */
long sys_uname(struct context *context);
long sys_prctl(struct context *context);
long sys_prlimit64(struct context *context);
long sys_getrlimit(struct context *context);
long sys_setrlimit(struct context *context);
long sys_gettimeofday(struct context *context);
long sys_times(struct context *context);
long sys_clock_getres(struct context *context);
long sys_getrandom(struct context *context);
long sys_madvise(struct context *context);
long sys_not_implemented(struct context *context); /* -ENOSYS, on purpose and without a log */

/* sys_thread.c: threads of a user process (docs/threads.md). */
long sys_clone_thread(struct context *context); /* clone with CLONE_VM: called by sys_clone */
long sys_exit_group(struct context *context);
long sys_futex(struct context *context);
long sys_tkill(struct context *context);
/* sys_path.c: file attributes (chmod and touch). */
long sys_fchmodat(struct context *context);
long sys_fchmod(struct context *context);
long sys_utimensat(struct context *context);
/* sys_poll.c: ppoll. */
long sys_ppoll(struct context *context);
/* sys_time.c's timespec helpers, for ppoll's timeout: -EFAULT/-EINVAL or 0; a `time` deadline
   from now (UINT64_MAX: too far to count); what is left until a deadline. */
struct timespec;
int syscall_timespec_from_user(uint64_t address, struct timespec *value);
uint64_t syscall_timespec_deadline(const struct timespec *value);
/* A timespec as `time` units, rounded up and saturated at UINT64_MAX (futex's timeouts). */
uint64_t syscall_timespec_to_time(const struct timespec *value);
struct timespec syscall_time_left(uint64_t deadline);
/* CLOCK_REALTIME in nanoseconds since 1970: the RTC's date at boot plus the uptime. */
uint64_t syscall_realtime_ns(void);

#endif
