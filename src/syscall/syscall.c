/*
 * syscall.c: the system-call table, and every trap from user mode.
 *
 * syscall_user_trap() is the handler the trap layer calls for a trap from
 * user code. A system call goes through the table; a fault is the
 * program's, and ends the process (proc/process.c says how); an interrupt
 * goes to the trap layer's drivers. Before the return to user mode, a kill
 * of this process takes effect.
 */
#include "syscall/syscall.h"

#include "abi/errno.h"
#include "abi/syscall_nr.h"
#include "arch/cause.h"
#include "arch/irq.h"
#include "proc/signal.h"
#include "trap/trap.h"

#define ENTRY(name) [SYS_##name] = {sys_##name, #name}

static const struct {
    syscall_handler_t handler;
    const char *name;
} syscall_table[] = {
    ENTRY(getcwd),
    ENTRY(dup),
    ENTRY(dup3),
    ENTRY(fcntl),
    ENTRY(ioctl),
    ENTRY(mkdirat),
    ENTRY(unlinkat),
    ENTRY(symlinkat),
    ENTRY(linkat),
    ENTRY(ftruncate),
    ENTRY(faccessat),
    ENTRY(chdir),
    ENTRY(fchdir),
    ENTRY(openat),
    ENTRY(close),
    ENTRY(pipe2),
    ENTRY(getdents64),
    ENTRY(lseek),
    ENTRY(read),
    ENTRY(write),
    ENTRY(readv),
    ENTRY(writev),
    ENTRY(pread64),
    ENTRY(pwrite64),
    ENTRY(readlinkat),
    ENTRY(newfstatat),
    ENTRY(fstat),
    ENTRY(sync),
    ENTRY(fsync),
    ENTRY(umask),
    ENTRY(renameat2),
    ENTRY(nanosleep),
    ENTRY(clock_gettime),
    ENTRY(sched_yield),
    ENTRY(kill),
    ENTRY(getpid),
    ENTRY(getppid),
    ENTRY(sysinfo),
    ENTRY(brk),
    ENTRY(munmap),
    ENTRY(clone),
    ENTRY(execve),
    ENTRY(mmap),
    ENTRY(wait4),
    [SYS_exit] = {sys_exit, "exit"},
    [SYS_exit_group] = {sys_exit, "exit_group"},
};

#define SYSCALL_COUNT (sizeof(syscall_table) / sizeof(syscall_table[0]))

const char *syscall_name(uint64_t number)
{
    return number < SYSCALL_COUNT ? syscall_table[number].name : NULL;
}

/* Run the call in context->x[17] (a7) with a0..a5, and store the result in a0. */
static inline void syscall_dispatch(struct context *context)
{
    uint64_t number = context->x[REG_A7];
    /* Back to the instruction after the ecall (always 4 bytes: there is no c.ecall). */
    context->sepc += 4;
    long result = -ENOSYS;
    if (number < SYSCALL_COUNT && syscall_table[number].handler != NULL) {
        /* A call may take long (fork copies memory): let the timer preempt it. */
        irq_enable();
        result = syscall_table[number].handler(context);
        irq_disable();
    }
    context->x[REG_A0] = (uint64_t)result;
}

void syscall_user_trap(struct context *context, uint64_t scause, uint64_t stval)
{
    if (scause == EXC_ECALL_FROM_U)
        syscall_dispatch(context);
    else if (cause_is_interrupt(scause))
        trap_handle_interrupt(context, scause, stval);
    else if (scause == EXC_BREAKPOINT)
        trap_handle_breakpoint(context); /* resumed, as in the kernel: no debugger to stop for */
    else
        signal_user_fault(context, scause, stval); /* ends the process; does not return */
    /* On every way back to user mode: a kill of this process takes effect here. */
    signal_return_to_user(context);
}

void syscall_init(void)
{
    trap_set_user_handler(syscall_user_trap);
}
