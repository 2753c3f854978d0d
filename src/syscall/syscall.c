/*
 * syscall.c: the system-call table, and every trap from user mode.
 *
 * syscall_user_trap() is the handler the trap layer calls for a trap from
 * user code. A system call goes through the table; a fault is the
 * program's, and becomes a signal (proc/signal.c: its handler, or the end
 * of the process); an interrupt goes to the trap layer's drivers. Before
 * the return to user mode, pending signals take effect.
 */
#include "syscall/syscall.h"

#include "abi/errno.h"
#include "abi/signal.h"
#include "abi/syscall_nr.h"
#include "abi/wait.h"
#include "arch/cause.h"
#include "arch/irq.h"
#include "console/console.h"
#include "mm/memory_set.h"
#include "proc/interruptible.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "syscall/trace.h"
#include "trap/trap.h"

/*
 * The table: each call's handler, its name, and how strace shows it (the
 * first letter is the result, the others the arguments: syscall/trace.c).
 */
#define ENTRY(name, args) [SYS_##name] = {sys_##name, #name, args}

static const struct {
    syscall_handler_t handler;
    const char *name;
    const char *args;
} syscall_table[] = {
    ENTRY(getcwd, "dpu"),
    ENTRY(dup, "dd"),
    ENTRY(dup3, "dddx"),
    ENTRY(fcntl, "dddx"),
    ENTRY(ioctl, "ddxx"),
    ENTRY(mkdirat, "ddso"),
    ENTRY(unlinkat, "ddsx"),
    ENTRY(symlinkat, "dsds"),
    ENTRY(linkat, "ddsdsx"),
    ENTRY(ftruncate, "ddd"),
    ENTRY(faccessat, "ddsdx"),
    ENTRY(chdir, "ds"),
    ENTRY(fchdir, "dd"),
    ENTRY(openat, "ddsxo"),
    ENTRY(close, "dd"),
    ENTRY(pipe2, "dpx"),
    ENTRY(getdents64, "ddpu"),
    ENTRY(lseek, "dddd"),
    ENTRY(read, "ddpu"),
    ENTRY(write, "ddbu"),
    ENTRY(readv, "ddpd"),
    ENTRY(writev, "ddpd"),
    ENTRY(pread64, "ddpuu"),
    ENTRY(pwrite64, "ddbuu"),
    ENTRY(readlinkat, "ddspu"),
    ENTRY(newfstatat, "ddspx"),
    ENTRY(fstat, "ddp"),
    ENTRY(sync, "d"),
    ENTRY(fsync, "dd"),
    ENTRY(umask, "oo"),
    ENTRY(renameat2, "ddsdsx"),
    ENTRY(nanosleep, "dpp"),
    ENTRY(clock_nanosleep, "dddpp"),
    ENTRY(clock_gettime, "ddp"),
    ENTRY(sched_yield, "d"),
    ENTRY(kill, "ddd"),
    ENTRY(tgkill, "dddd"),
    ENTRY(sigaltstack, "dpp"),
    ENTRY(rt_sigsuspend, "dpu"),
    ENTRY(rt_sigaction, "ddppu"),
    ENTRY(rt_sigprocmask, "ddppu"),
    ENTRY(rt_sigpending, "dpu"),
    ENTRY(rt_sigreturn, "d"),
    ENTRY(setpgid, "ddd"),
    ENTRY(getpgid, "dd"),
    ENTRY(getsid, "dd"),
    ENTRY(setsid, "d"),
    ENTRY(getpid, "d"),
    ENTRY(getppid, "d"),
    ENTRY(sysinfo, "dp"),
    ENTRY(brk, "xp"),
    ENTRY(munmap, "dpu"),
    ENTRY(clone, "dxp"),
    ENTRY(execve, "dspp"),
    ENTRY(mmap, "xpuxxdx"),
    ENTRY(mprotect, "dpux"),
    ENTRY(wait4, "ddpxp"),
    [SYS_exit] = {sys_exit, "exit", "vd"},
    [SYS_exit_group] = {sys_exit_group, "exit_group", "vd"},
    /* sys_linux.c: static glibc's start-up and daily calls. */
    ENTRY(set_tid_address, "dp"),
    ENTRY(set_robust_list, "dpu"),
    ENTRY(gettid, "d"),
    [SYS_getuid] = {sys_getuid, "getuid", "d"},
    [SYS_geteuid] = {sys_getuid, "geteuid", "d"},
    [SYS_getgid] = {sys_getuid, "getgid", "d"},
    [SYS_getegid] = {sys_getuid, "getegid", "d"},
    ENTRY(uname, "dp"),
    ENTRY(prctl, "ddx"),
    ENTRY(prlimit64, "dddpp"),
    ENTRY(getrlimit, "ddp"),
    ENTRY(setrlimit, "ddp"),
    ENTRY(gettimeofday, "dpp"),
    ENTRY(times, "dp"),
    ENTRY(clock_getres, "ddp"),
    ENTRY(getrandom, "dpux"),
    ENTRY(madvise, "dpud"),
    [SYS_rseq] = {sys_not_implemented, "rseq", "dpuxx"},
    [SYS_membarrier] = {sys_not_implemented, "membarrier", "ddx"},
    /* sys_thread.c: threads of a process (clone's thread form is reached from sys_clone). */
    ENTRY(futex, "dpdxppx"),
    ENTRY(tkill, "ddd"),
    /* What BusyBox's ash and applets need besides (tests/linux/busybox_script.sh). */
    ENTRY(ppoll, "dpdppu"),
    ENTRY(fchmod, "ddo"),
    ENTRY(fchmodat, "ddso"),
    ENTRY(utimensat, "ddspx"),
};

#define SYSCALL_COUNT (sizeof(syscall_table) / sizeof(syscall_table[0]))

const char *syscall_name(uint64_t number)
{
    return number < SYSCALL_COUNT ? syscall_table[number].name : NULL;
}

/* strace, or the log of unknown calls, is on (loglevel=, strace=): the slow path. */
static __attribute__((noinline)) long traced_call(struct context *context, uint64_t number,
                                                  bool known)
{
    irq_enable();
    long result = known ? syscall_trace_call(context, number, syscall_table[number].handler,
                                             syscall_table[number].name, syscall_table[number].args)
                        : syscall_trace_call(context, number, NULL, NULL, NULL);
    irq_disable();
    return result;
}

/*
 * Run the call in context->x[17] (a7) with a0..a5, and store the result in
 * a0. True for the two calls that replace the registers in the context
 * (execve: the new program's; rt_sigreturn: those the signal interrupted),
 * which trap.S must then load back whole (trap.h).
 */
static inline bool syscall_dispatch(struct context *context)
{
    uint64_t number = context->x[REG_A7];
    /* Back to the instruction after the ecall (always 4 bytes: there is no c.ecall). */
    context->sepc += 4;
    long result = -ENOSYS;
    bool known = number < SYSCALL_COUNT && syscall_table[number].handler != NULL;
    if (__builtin_expect(syscall_trace_active, 0)) {
        result = traced_call(context, number, known);
    } else if (known) {
        /* A call may take long (fork copies memory): let the timer preempt it. */
        irq_enable();
        result = syscall_table[number].handler(context);
        irq_disable();
    }
    /*
     * A signal interrupted the call: the way out decides between -EINTR and
     * a restart, which needs the first argument, in a0 until the result goes
     * there (no handler writes a0, but rt_sigreturn, which returns the
     * user's own a0: that may hold any value).
     */
    if (__builtin_expect(result == -ERESTARTSYS, 0) && number != SYS_rt_sigreturn)
        signal_syscall_interrupted(context->x[REG_A0]);
    context->x[REG_A0] = (uint64_t)result;
    return number == SYS_execve || number == SYS_rt_sigreturn;
}

/*
 * A page fault the memory layer can resolve (copy-on-write, zero-fill on
 * first touch, stack growth: mm/memory_set.h) is no error: the program
 * retries the instruction. True when it did. A fault that needs a frame
 * when none is left (the machine's, or the process's limit) ends the
 * process with SIGKILL and a line that says so; the kernel carries on.
 */
static bool user_fault_resolved(struct context *context, uint64_t scause, uint64_t stval)
{
    uint64_t access;
    switch (scause) {
    case EXC_LOAD_PAGE_FAULT: access = PTE_R; break;
    case EXC_STORE_PAGE_FAULT: access = PTE_W; break;
    case EXC_INSTRUCTION_PAGE_FAULT: access = PTE_X; break;
    default: return false;
    }
    struct process *process = process_current();
    int error = memory_set_handle_fault(process->memory_set, stval, access);
    if (error == 0)
        return true;
    if (error == -ENOMEM) {
        kprintf("[pid %d %s] killed by SIGKILL: out of memory: no frame for the %s at 0x%lx, "
                "sepc 0x%lx (%lu frames held, limit %lu)\n",
                process->pid, process->name, cause_name(scause), stval, context->sepc,
                memory_set_user_frames(process->memory_set), process->memory_set->frame_limit);
        process_exit(WAIT_STATUS_SIGNALED(SIGKILL));
    }
    return false;
}

/* Not a system call: an interrupt, or the program's fault (kept off the system-call path). */
static __attribute__((noinline)) void interrupt_or_fault(struct context *context, uint64_t scause,
                                                         uint64_t stval)
{
    if (cause_is_interrupt(scause))
        trap_handle_interrupt(context, scause, stval);
    else if (!user_fault_resolved(context, scause, stval))
        signal_user_fault(context, scause, stval); /* a signal: a handler, or the end */
}

/*
 * Whether trap.S must load every register back (trap.h): a system call
 * leaves s0..s11 alone, except execve and rt_sigreturn; a signal handler's
 * frame changes only sp, ra, a0..a2 and sepc (proc/signal.c). The other
 * traps are rare enough to take the full way back.
 */
bool syscall_user_trap(struct context *context, uint64_t scause, uint64_t stval)
{
    bool every_register = true;
    if (__builtin_expect(scause == EXC_ECALL_FROM_U, 1))
        every_register = syscall_dispatch(context);
    else
        interrupt_or_fault(context, scause, stval);
    /* On every way back to user mode: signals take effect here (a handler, or the end). */
    signal_return_to_user(context);
    return every_register;
}

void syscall_init(void)
{
    syscall_trace_init();
    trap_set_user_handler(syscall_user_trap);
}
