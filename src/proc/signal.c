/*
 * signal.c: kill, and the signals that faults send. See signal.h.
 */
#include "proc/signal.h"

#include "abi/errno.h"
#include "abi/signal.h"
#include "abi/wait.h"
#include "arch/cause.h"
#include "console/console.h"
#include "trap/trap.h"

int signal_send(int64_t pid, uint64_t signal)
{
    if (signal >= NSIG)
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL; /* process groups do not exist here */
    spinlock_acquire(&process_lock);
    struct process *target = process_find_locked((int)pid);
    if (target == NULL || target->state == PROCESS_ZOMBIE) {
        spinlock_release(&process_lock);
        return -ESRCH;
    }
    if (signal != 0 && !target->exit_requested) {
        /* No signal handlers: every signal ends the process, as its default does. */
        target->exit_requested = true;
        target->exit_status = WAIT_STATUS_SIGNALED((int)signal);
    }
    spinlock_release(&process_lock);
    return 0; /* a process that killed itself ends on its way back to user mode */
}

/* The signal Linux sends for an exception a user program caused. */
static int signal_for_cause(uint64_t scause)
{
    switch (scause) {
    case EXC_ILLEGAL_INSTRUCTION: return SIGILL;
    case EXC_INSTRUCTION_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED: return SIGBUS;
    default: return SIGSEGV; /* page faults and access faults */
    }
}

const char *signal_name(int signal)
{
    switch (signal) {
    case SIGILL: return "SIGILL";
    case SIGBUS: return "SIGBUS";
    case SIGSEGV: return "SIGSEGV";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    default: return "SIG?";
    }
}

void signal_user_fault(struct context *context, uint64_t scause, uint64_t stval)
{
    struct process *process = process_current();
    int signal = signal_for_cause(scause);
    kprintf("[pid %d %s] killed by %s: %s at stval 0x%lx, sepc 0x%lx\n", process->pid,
            process->name, signal_name(signal), cause_name(scause), stval, context->sepc);
    /* For a page fault, the same details a kernel fault gets: page flags, segment, a hint. */
    trap_describe_page_fault(scause, stval, process->memory_set, true);
    process_exit(WAIT_STATUS_SIGNALED(signal));
}
