/*
 * syscall.c: the system-call table and the trap from user mode.
 *
 * trap.S sends an ecall from user mode (a system call) straight to
 * syscall_handle(). Every other exception from user mode reaches
 * trap_user_exception() through trap_dispatch: it is the program's fault,
 * and it ends the process with the signal Linux would send, after one line
 * that says what happened. trap_user_return() runs on every way back to
 * user mode. All three are weak, so a test kernel can take them over.
 */
#include "proc/syscall.h"

#include "console/console.h"
#include "lib/errno.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "proc/user.h"
#include "trap/irq.h"
#include "trap/trap.h"

#include "../user/include/sys/abi.h"
#include "../user/include/sys/syscall_nr.h"

#define ENTRY(name) [SYS_##name] = {sys_##name, #name}

static const struct {
    syscall_handler_t handler;
    const char *name;
} syscall_table[] = {
    ENTRY(read),
    ENTRY(write),
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

/* Weak, like trap_user_exception below: a test kernel may take system calls over. */
__attribute__((weak)) void syscall_handle(struct context *context)
{
    uint64_t number = context->x[REG_A7];
    /* Back to the instruction after the ecall (always 4 bytes: there is no c.ecall). */
    context->sepc += 4;
    long result = -ENOSYS;
    if (number < SYSCALL_COUNT && syscall_table[number].handler != NULL) {
        /* A call may take long (fork copies memory): let the timer preempt it. */
        irq_enable();
        result = syscall_table[number].handler(context->x[REG_A0], context->x[REG_A0 + 1],
                                               context->x[REG_A0 + 2], context->x[REG_A0 + 3],
                                               context->x[REG_A0 + 4], context->x[REG_A0 + 5]);
        irq_disable();
    }
    context->x[REG_A0] = (uint64_t)result;
    trap_user_return(context); /* a kill (of this process, by itself or another) ends it here */
}

/* The signal Linux sends for an exception a user program caused. */
static int signal_for(uint64_t scause)
{
    switch (scause) {
    case EXC_ILLEGAL_INSTRUCTION: return SIGILL;
    case EXC_INSTRUCTION_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED: return SIGBUS;
    default: return SIGSEGV; /* page faults and access faults */
    }
}

static const char *signal_name(int signal)
{
    switch (signal) {
    case SIGILL: return "SIGILL";
    case SIGBUS: return "SIGBUS";
    default: return "SIGSEGV";
    }
}

__attribute__((weak)) void trap_user_exception(struct context *context, uint64_t scause,
                                               uint64_t stval)
{
    struct process *process = process_current();
    int signal = signal_for(scause);
    kprintf("[pid %d %s] killed by %s: %s at stval 0x%lx, sepc 0x%lx\n", process->pid,
            process->name, signal_name(signal), trap_cause_name(scause), stval, context->sepc);
    user_process_end(WAIT_STATUS_SIGNALED(signal));
}

__attribute__((weak)) void trap_user_return(struct context *context)
{
    (void)context;
    /* On every way back to user mode: a kill (sys_kill set exit_status) takes effect here. */
    struct process *process = process_current();
    if (__builtin_expect(process->exit_requested, 0) && process->pid > 0)
        user_process_end(process->exit_status);
}
