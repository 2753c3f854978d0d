/*
 * sys_thread.c: threads of a user process, as glibc's pthreads use them:
 *
 *   clone    with CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
 *            CLONE_THREAD (and SETTLS, PARENT_SETTID, CHILD_SETTID,
 *            CHILD_CLEARTID, SYSVSEM): a new thread in the caller's process,
 *            on the stack and with the tls the caller gives;
 *   exit     ends the calling thread; exit_group the whole process;
 *   futex    FUTEX_WAIT / FUTEX_WAKE and their _BITSET forms (proc/futex.h);
 *   tkill    tgkill without the process id.
 *
 * The structures are in proc/ (process.h, thread.h); docs/threads.md draws them.
 */
#include "abi/errno.h"
#include "abi/sched.h"
#include "abi/time.h"
#include "abi/wait.h"
#include "arch/riscv.h"
#include "mm/uaccess.h"
#include "proc/futex.h"
#include "proc/interruptible.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "syscall/syscall.h"
#include "trap/timer.h"

#define NS_PER_SECOND 1000000000ull

/* What a thread clone may ask for besides what it must (CLONE_THREAD_NEEDS | CLONE_THREAD). */
#define CLONE_THREAD_MAY                                                                           \
    (CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |                     \
     CLONE_CHILD_CLEARTID | CLONE_EXIT_SIGNAL_MASK)

long sys_clone_thread(struct context *context)
{
    uint64_t flags = syscall_arg(context, 0);
    uint64_t stack = syscall_arg(context, 1);
    uint64_t parent_tid = syscall_arg(context, 2);
    uint64_t tls = syscall_arg(context, 3);
    uint64_t child_tid = syscall_arg(context, 4);
    /* Linux's own rules first: a thread shares the handlers, and shared handlers need shared
     * memory. */
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    /* Then ours: a thread, sharing all a process shares, or nothing (fork). No vfork, no CLONE_VM
     * alone. */
    const uint64_t needs = CLONE_THREAD_NEEDS | CLONE_THREAD;
    if ((flags & needs) != needs || (flags & ~(needs | CLONE_THREAD_MAY)) != 0)
        return -EINVAL;
    struct thread *self = thread_current();
    struct process *process = self->process;
    /* The new thread returns from the same clone, with 0, on its own stack and tls. */
    struct context child = *context;
    child.x[REG_A0] = 0;
    if (stack != 0)
        child.x[REG_SP] = stack;
    if (flags & CLONE_SETTLS)
        child.x[REG_TP] = tls;
    struct thread *thread = thread_prepare_user(process, &child, self->name);
    if (thread == NULL)
        return -EAGAIN; /* no memory, no kernel stack slot, or the process is ending */
    int tid = thread->user_tid;
    /* A new thread starts with no alternate signal stack: it would share the creator's (Linux). */
    thread->signal_stack_sp = 0;
    thread->signal_stack_size = 0;
    thread->signal_stack_flags = 0;
    if (flags & CLONE_CHILD_CLEARTID)
        thread->clear_child_tid = child_tid;
    /* Written before the thread runs: glibc's new thread may read its own tid at once. A bad
       address is not an error here, as on Linux. */
    if (flags & CLONE_PARENT_SETTID)
        (void)copy_to_user(process->memory_set, parent_tid, &tid, sizeof(tid));
    if (flags & CLONE_CHILD_SETTID)
        (void)copy_to_user(process->memory_set, child_tid, &tid, sizeof(tid));
    /* Its first way back to user mode looks at the process: an exit_group meanwhile ends it. */
    thread->signal_attention = 1;
    sched_start_thread(thread);
    return tid;
}

long sys_exit(struct context *context)
{
    process_exit_thread((int)syscall_arg(context, 0));
}

long sys_exit_group(struct context *context)
{
    process_exit(WAIT_STATUS_EXITED((int)syscall_arg(context, 0)));
}

long sys_tkill(struct context *context)
{
    int tid = (int)syscall_arg(context, 0);
    if (tid <= 0)
        return -EINVAL;
    spinlock_acquire(&process_lock);
    int tgid = -1;
    for (int slot = 0; slot < PROCESS_MAX && tgid < 0; slot++) {
        struct process *process = process_at_slot_locked(slot);
        if (process != NULL && process->pid != 0 && process_find_thread_locked(process, tid))
            tgid = process->pid;
    }
    spinlock_release(&process_lock);
    if (tgid < 0)
        return -ESRCH;
    return signal_send_thread(tgid, tid, syscall_arg(context, 1));
}

/*
 * The deadline of a wait, as a `time` value (UINT64_MAX: none). FUTEX_WAIT's
 * timeout is relative; FUTEX_WAIT_BITSET's absolute, on CLOCK_MONOTONIC, or
 * CLOCK_REALTIME with FUTEX_CLOCK_REALTIME.
 */
static long futex_deadline(uint64_t address, bool absolute, bool realtime, uint64_t *deadline)
{
    *deadline = UINT64_MAX;
    if (address == 0)
        return 0;
    struct timespec value;
    int error = syscall_timespec_from_user(address, &value); /* -EFAULT or -EINVAL */
    if (error != 0)
        return error;
    uint64_t units = syscall_timespec_to_time(&value);
    if (units == UINT64_MAX)
        return 0;
    uint64_t now = read_time();
    if (absolute) {
        /* time counts from boot, as CLOCK_MONOTONIC does; the real-time clock is ahead of it. */
        uint64_t boot_offset = realtime ? syscall_realtime_ns() - timer_uptime_ns() : 0;
        struct timespec offset = {(long)(boot_offset / NS_PER_SECOND),
                                  (long)(boot_offset % NS_PER_SECOND)};
        uint64_t ahead = syscall_timespec_to_time(&offset);
        *deadline = units > ahead ? units - ahead : 0;
        return 0;
    }
    *deadline = units > UINT64_MAX - now ? UINT64_MAX : now + units;
    return 0;
}

/* futex(uaddr, op, val, timeout, uaddr2, val3) */
long sys_futex(struct context *context)
{
    uint64_t address = syscall_arg(context, 0);
    int op = (int)syscall_arg(context, 1);
    uint32_t value = (uint32_t)syscall_arg(context, 2);
    uint64_t timeout = syscall_arg(context, 3);
    uint32_t bitset = (uint32_t)syscall_arg(context, 5);
    struct memory_set *set = process_current()->memory_set;
    int command = op & FUTEX_CMD_MASK;
    bool realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
    if (realtime && command != FUTEX_WAIT_BITSET)
        return -ENOSYS; /* Linux's answer: only the absolute wait has a clock to choose */
    uint64_t deadline;
    long error;
    switch (command) {
    case FUTEX_WAIT:
        error = futex_deadline(timeout, false, false, &deadline);
        return error != 0 ? error
                          : futex_wait(set, address, value, deadline, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        error = futex_deadline(timeout, true, realtime, &deadline);
        return error != 0 ? error : futex_wait(set, address, value, deadline, bitset);
    case FUTEX_WAKE: return futex_wake(set, address, (int)value, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET: return futex_wake(set, address, (int)value, bitset);
    default: return -ENOSYS; /* requeue, PI, wake-op: glibc copes with their absence */
    }
}
