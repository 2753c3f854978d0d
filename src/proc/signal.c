/*
 * signal.c: sending, blocking and delivering signals. See signal.h.
 *
 * The state is split the way Linux splits it between a process and its
 * threads (clone with CLONE_THREAD): actions and process-directed pending
 * signals in the process, the mask and thread-directed pending signals
 * (faults, tgkill) in the thread. All of it is guarded by process_lock;
 * waking a sleeper takes sched_lock inside it.
 */
#include "proc/signal.h"

#include "abi/errno.h"
#include "abi/wait.h"
#include "arch/cause.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "proc/fp.h"
#include "proc/interruptible.h"
#include "proc/sched.h"
#include "trap/trap.h"

_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t is Linux's");
_Static_assert(sizeof(struct kernel_sigaction) == 24, "struct sigaction is riscv64 Linux's");
_Static_assert(__builtin_offsetof(struct ucontext, uc_mcontext) == 176, "ucontext is Linux's");
_Static_assert(sizeof(struct rt_sigframe) == 1088, "struct rt_sigframe is riscv64 Linux's");
_Static_assert(sizeof(struct user_regs_struct) == 32 * 8, "user_regs_struct: pc and x1..x31");

#define UNBLOCKABLE (SIGSET_BIT(SIGKILL) | SIGSET_BIT(SIGSTOP))

/* ---- Default actions -------------------------------------------------------------- */

/* The default action ignores these (SIGCONT continues as it is sent, then has nothing to do). */
static bool default_ignores(int signal)
{
    switch (signal) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
    case SIGCONT: return true;
    default: return false;
    }
}

#define STOP_SIGNALS                                                                               \
    (SIGSET_BIT(SIGSTOP) | SIGSET_BIT(SIGTSTP) | SIGSET_BIT(SIGTTIN) | SIGSET_BIT(SIGTTOU))

/* The signals whose default action stops the process. */
static bool is_stop_signal(int signal)
{
    return (STOP_SIGNALS & SIGSET_BIT(signal)) != 0;
}

static bool is_ignored(const struct process *process, int signal)
{
    void *handler = process->signal_actions[signal].handler;
    if (signal == SIGKILL || signal == SIGSTOP)
        return false;
    return handler == (void *)SIG_IGN || (handler == (void *)SIG_DFL && default_ignores(signal));
}

const char *signal_name(int signal)
{
    static const char *const names[32] = {
        [SIGHUP] = "SIGHUP",       [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT",
        [SIGILL] = "SIGILL",       [SIGTRAP] = "SIGTRAP",     [SIGABRT] = "SIGABRT",
        [SIGBUS] = "SIGBUS",       [SIGFPE] = "SIGFPE",       [SIGKILL] = "SIGKILL",
        [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV",     [SIGUSR2] = "SIGUSR2",
        [SIGPIPE] = "SIGPIPE",     [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM",
        [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",     [SIGCONT] = "SIGCONT",
        [SIGSTOP] = "SIGSTOP",     [SIGTSTP] = "SIGTSTP",     [SIGTTIN] = "SIGTTIN",
        [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",       [SIGXCPU] = "SIGXCPU",
        [SIGXFSZ] = "SIGXFSZ",     [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
        [SIGWINCH] = "SIGWINCH",   [SIGIO] = "SIGIO",         [SIGPWR] = "SIGPWR",
        [SIGSYS] = "SIGSYS",
    };
    if (signal > 0 && signal < 32 && names[signal] != NULL)
        return names[signal];
    return "SIG?";
}

/* ---- Sending ---------------------------------------------------------------------- */

/* Give every thread of `process` attention, and end the interruptible sleeps of those that
 * do not block `signal` (all of them for an exit). */
static void notify_threads_locked(struct process *process, int signal, struct thread *only)
{
    spinlock_acquire(&sched_lock);
    list_for_each(node, &process->threads)
    {
        struct thread *thread = list_entry(node, struct thread, process_node);
        if (only != NULL && thread != only)
            continue;
        __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED);
        if (signal == 0 || (thread->signal_blocked & SIGSET_BIT(signal)) == 0)
            sched_interrupt_locked(thread);
    }
    spinlock_release(&sched_lock);
}

/* The process must end: SIGKILL, or a fatal default. Its sleeps end now, a stop too. */
static void request_exit_locked(struct process *process, int status)
{
    if (!process->exit_requested) {
        process->exit_requested = true;
        process->exit_status = status;
    }
    notify_threads_locked(process, 0, NULL);
    wait_queue_wake_all(&process->continued);
}

/* Take the signals in `set` off every pending set of the process (and of its threads). */
static void discard_pending_locked(struct process *process, kernel_sigset_t set)
{
    process->signal_pending &= ~set;
    list_for_each(node, &process->threads)
    {
        list_entry(node, struct thread, process_node)->signal_pending &= ~set;
    }
}

/*
 * `process` stopped or continued: its parent's wait4 (WUNTRACED,
 * WCONTINUED) hears of it, and so does the parent as SIGCHLD, unless its
 * SIGCHLD action says SA_NOCLDSTOP.
 */
static void generate_locked(struct process *process, struct thread *thread, int signal,
                            const struct signal_source *source, bool forced);
static void tell_parent_locked(struct process *process, int code, int signal)
{
    process->stop_report =
        code == CLD_STOPPED ? WAIT_STATUS_STOPPED(signal) : WAIT_STATUS_CONTINUED;
    struct process *parent = process->parent;
    if (parent == NULL || parent == &kernel_process)
        return;
    wait_queue_wake_all(&parent->child_exited);
    if ((parent->signal_actions[SIGCHLD].flags & SA_NOCLDSTOP) != 0)
        return;
    struct signal_source source = {.code = code, .pid = process->pid, .status = signal};
    generate_locked(parent, NULL, SIGCHLD, &source, false);
}

/*
 * SIGCONT, as it is sent, blocked or not, handled or not: the stop
 * signals still pending are forgotten, and a stopped process runs again.
 */
static void continue_locked(struct process *process)
{
    discard_pending_locked(process, STOP_SIGNALS);
    if (!process->stopped)
        return;
    process->stopped = false;
    wait_queue_wake_all(&process->continued);
    tell_parent_locked(process, CLD_CONTINUED, SIGCONT);
}

/*
 * The calling thread takes a stop signal's default action: the process
 * stops (its other threads stop as they next leave the kernel, where
 * signal_deliver finds it stopped), and the caller sleeps, not
 * interruptibly, until SIGCONT or an exit. process_lock is held and held
 * again on return.
 */
static void stop_locked(struct thread *self, struct process *process, int signal)
{
    if (!process->stopped && signal != 0) {
        process->stopped = true;
        tell_parent_locked(process, CLD_STOPPED, signal);
        /* Their sleeps end; each call restarts once the process is continued. */
        process_notify_other_threads_locked(process, self);
    }
    while (process->stopped && !process->exit_requested)
        wait_queue_sleep(&process->continued, &process_lock);
}

/*
 * Make `signal` pending for `process` (or for its thread `thread`), with
 * where it came from. `forced`: the kernel sends it for a fault, and init
 * is not spared. Returns 0 (a discarded signal was still sent).
 */
static void generate_locked(struct process *process, struct thread *thread, int signal,
                            const struct signal_source *source, bool forced)
{
    if (signal == 0 || process->state != PROCESS_ALIVE || process->pid == 0)
        return;
    bool handled = process->signal_actions[signal].handler != (void *)SIG_DFL &&
                   process->signal_actions[signal].handler != (void *)SIG_IGN;
    /* init dies only of what it chose to handle, or of its own faults (Linux: SIGNAL_UNKILLABLE).
     */
    if (process->pid == 1 && !forced && !handled)
        return;
    if (signal == SIGKILL) {
        request_exit_locked(process, WAIT_STATUS_SIGNALED(SIGKILL));
        return;
    }
    /* A stop and a continue cancel each other as they are sent, as on Linux. */
    if (signal == SIGCONT)
        continue_locked(process);
    else if (is_stop_signal(signal))
        discard_pending_locked(process, SIGSET_BIT(SIGCONT));
    /* Blocked: by its thread, or for the process by every thread (one that does not takes it). */
    bool blocked = thread != NULL && (thread->signal_blocked & SIGSET_BIT(signal)) != 0;
    if (thread == NULL) {
        blocked = !list_empty(&process->threads);
        list_for_each(node, &process->threads)
        {
            const struct thread *each = list_entry(node, struct thread, process_node);
            if (each->state != THREAD_EXITED && (each->signal_blocked & SIGSET_BIT(signal)) == 0)
                blocked = false;
        }
    }
    if (is_ignored(process, signal) && !blocked)
        return; /* discarded as it is sent, as on Linux */
    kernel_sigset_t *pending = thread != NULL ? &thread->signal_pending : &process->signal_pending;
    if ((*pending & SIGSET_BIT(signal)) != 0)
        return; /* already pending: standard signals do not queue */
    *pending |= SIGSET_BIT(signal);
    process->signal_sources[signal] = *source;
    notify_threads_locked(process, signal, thread);
}

static struct signal_source source_from_user(int code)
{
    struct signal_source source = {.code = code, .pid = process_current()->pid};
    return source;
}

int signal_send(int64_t pid_argument, uint64_t signal_argument)
{
    int pid = (int)pid_argument; /* a pid_t: Linux drops the upper bits the same way */
    if (signal_argument >= NSIG)
        return -EINVAL;
    int signal = (int)signal_argument;
    struct process *self = process_current();
    struct signal_source source = source_from_user(SI_USER);
    int found = 0;
    spinlock_acquire(&process_lock);
    if (pid > 0) {
        struct process *target = process_find_locked(pid);
        if (target != NULL && target->state == PROCESS_ALIVE) {
            generate_locked(target, NULL, signal, &source, false);
            found = 1;
        } else if (target != NULL) {
            found = 1; /* a zombie may still be signalled: nothing happens */
        }
    } else if (pid != INT32_MIN) { /* (INT32_MIN names no group: -pid would overflow) */
        /* 0: the caller's group; -1: everyone but init and the caller; < -1: group -pid. */
        int group = pid == 0 ? self->pgid : -pid;
        for (int slot = 0; slot < PROCESS_MAX; slot++) {
            struct process *target = process_at_slot_locked(slot);
            if (target == NULL || target->pid == 0 || target->state != PROCESS_ALIVE)
                continue;
            if (pid == -1 ? (target->pid == 1 || target == self) : target->pgid != group)
                continue;
            generate_locked(target, NULL, signal, &source, false);
            found++;
        }
    }
    spinlock_release(&process_lock);
    return found > 0 ? 0 : -ESRCH;
}

int signal_send_thread(int64_t tgid_argument, int64_t tid_argument, uint64_t signal_argument)
{
    int tgid = (int)tgid_argument;
    int tid = (int)tid_argument;
    if (signal_argument >= NSIG || tgid <= 0 || tid <= 0)
        return -EINVAL;
    struct signal_source source = source_from_user(SI_TKILL);
    int result = -ESRCH;
    spinlock_acquire(&process_lock);
    struct process *target = process_find_locked(tgid);
    struct thread *thread = target != NULL && target->state == PROCESS_ALIVE
                                ? process_find_thread_locked(target, tid)
                                : NULL;
    if (thread != NULL) {
        generate_locked(target, thread, (int)signal_argument, &source, false);
        result = 0;
    }
    spinlock_release(&process_lock);
    return result;
}

int signal_send_group(int pgid, int signal)
{
    struct signal_source source = {.code = SI_KERNEL};
    int found = 0;
    spinlock_acquire(&process_lock);
    for (int slot = 0; slot < PROCESS_MAX && pgid > 0; slot++) {
        struct process *target = process_at_slot_locked(slot);
        if (target != NULL && target->pid != 0 && target->state == PROCESS_ALIVE &&
            target->pgid == pgid) {
            generate_locked(target, NULL, signal, &source, false);
            found++;
        }
    }
    spinlock_release(&process_lock);
    return found > 0 ? 0 : -ESRCH;
}

void signal_child_exited_locked(struct process *child)
{
    struct process *parent = child->parent;
    if (parent == NULL || parent == &kernel_process)
        return;
    int status = child->exit_status;
    struct signal_source source = {
        .code = WIFEXITED(status) ? CLD_EXITED : CLD_KILLED,
        .pid = child->pid,
        .status = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
    };
    generate_locked(parent, NULL, SIGCHLD, &source, false);
}

/* ---- Faults ----------------------------------------------------------------------- */

/* The signal Linux sends for an exception a user program caused, and its si_code. */
static int signal_for_cause(uint64_t scause, int *code)
{
    switch (scause) {
    case EXC_ILLEGAL_INSTRUCTION: *code = ILL_ILLOPC; return SIGILL;
    case EXC_BREAKPOINT: *code = TRAP_BRKPT; return SIGTRAP;
    case EXC_INSTRUCTION_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED: *code = BUS_ADRALN; return SIGBUS;
    case EXC_INSTRUCTION_ACCESS:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_ACCESS: *code = SEGV_ACCERR; return SIGSEGV;
    default: *code = SEGV_MAPERR; return SIGSEGV; /* page faults */
    }
}

void signal_user_fault(struct context *context, uint64_t scause, uint64_t stval)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (scause == EXC_ILLEGAL_INSTRUCTION && fp_handle_first_use(thread, context))
        return; /* an FP instruction with FP off: now on; it runs again */
    int code = 0;
    int signal = signal_for_cause(scause, &code);
    /* The faulting instruction's address for SIGILL, SIGTRAP; the data address otherwise. */
    uint64_t address = signal == SIGILL || signal == SIGTRAP ? context->sepc : stval;
    spinlock_acquire(&process_lock);
    void *handler = process->signal_actions[signal].handler;
    bool catchable = handler != (void *)SIG_DFL && handler != (void *)SIG_IGN &&
                     (thread->signal_blocked & SIGSET_BIT(signal)) == 0;
    if (catchable) {
        struct signal_source source = {.code = code, .addr = address};
        thread->signal_pending &= ~SIGSET_BIT(signal); /* this fault's details win */
        generate_locked(process, thread, signal, &source, true);
    }
    spinlock_release(&process_lock);
    if (catchable)
        return; /* the handler runs on the way back to user mode */
    if (signal == SIGTRAP) {
        trap_handle_breakpoint(context); /* stepped over, as in the kernel: no debugger */
        return;
    }
    /* Blocked, ignored or default: the process dies of it, as Linux forces it. */
    kprintf("[pid %d %s] killed by %s: %s at stval 0x%lx, sepc 0x%lx\n", process->pid,
            process->name, signal_name(signal), cause_name(scause), stval, context->sepc);
    /* For a page fault, the same details a kernel fault gets: page flags, segment, a hint. */
    trap_describe_page_fault(scause, stval, process->memory_set, true);
    process_exit(WAIT_STATUS_SIGNALED(signal));
}

/* ---- Delivery --------------------------------------------------------------------- */

void signal_syscall_interrupted(uint64_t first_argument)
{
    struct thread *thread = thread_current();
    thread->signal_restart = true;
    thread->signal_restart_a0 = first_argument;
    __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED);
}

/* The lowest unblocked pending signal, taken off its set; 0 if none. */
static int dequeue_locked(struct thread *thread, struct process *process)
{
    kernel_sigset_t mine = thread->signal_pending & ~thread->signal_blocked;
    kernel_sigset_t shared = process->signal_pending & ~thread->signal_blocked;
    kernel_sigset_t *from = mine != 0 ? &thread->signal_pending : &process->signal_pending;
    kernel_sigset_t ready = mine != 0 ? mine : shared;
    if (ready == 0)
        return 0;
    int signal = __builtin_ctzll(ready) + 1;
    *from &= ~SIGSET_BIT(signal);
    return signal;
}

/* A call interrupted by a signal that ran no handler starts again; a handler decides. */
static void restart_call(struct thread *thread, struct context *context)
{
    context->sepc -= 4; /* back onto the ecall */
    context->x[REG_A0] = thread->signal_restart_a0;
}

static void registers_to_frame(const struct context *context, struct user_regs_struct *regs)
{
    uint64_t *out = (uint64_t *)regs;
    out[0] = context->sepc;
    for (int i = 1; i < 32; i++)
        out[i] = context->x[i];
}

/* ---- The alternate signal stack (sigaltstack) ------------------------------------- */

/* Whether `sp` is on the thread's alternate stack (never, with SS_AUTODISARM: Linux's rule). */
static bool on_signal_stack(const struct thread *thread, uint64_t sp)
{
    if ((thread->signal_stack_flags & SS_AUTODISARM) != 0)
        return false;
    return sp > thread->signal_stack_sp &&
           sp - thread->signal_stack_sp <= thread->signal_stack_size;
}

/* Linux's sas_ss_flags: SS_DISABLE (none), SS_ONSTACK (the thread at `sp` is on it), or 0. */
static int signal_stack_mode(const struct thread *thread, uint64_t sp)
{
    if (thread->signal_stack_size == 0)
        return SS_DISABLE;
    return on_signal_stack(thread, sp) ? SS_ONSTACK : 0;
}

/* What sigaltstack reports as ss_flags: that, and SS_AUTODISARM if it was asked for. */
static int signal_stack_state(const struct thread *thread, uint64_t sp)
{
    return signal_stack_mode(thread, sp) | (int)thread->signal_stack_flags;
}

/* Install `stack` as the thread at `sp` asks it (sigaltstack, rt_sigreturn): Linux's checks. */
static long set_signal_stack(struct thread *thread, const stack_t *stack, uint64_t sp)
{
    if (on_signal_stack(thread, sp))
        return -EPERM; /* the handler runs on it: changing it under its feet is refused */
    uint32_t mode = (uint32_t)stack->ss_flags & ~SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        thread->signal_stack_sp = 0;
        thread->signal_stack_size = 0;
        thread->signal_stack_flags = 0;
        return 0;
    }
    if (stack->ss_size < MINSIGSTKSZ)
        return -ENOMEM;
    thread->signal_stack_sp = (uint64_t)stack->ss_sp;
    thread->signal_stack_size = stack->ss_size;
    thread->signal_stack_flags = (uint32_t)stack->ss_flags & SS_AUTODISARM;
    return 0;
}

long signal_alternate_stack(const struct context *context, uint64_t user_new, uint64_t user_old)
{
    struct thread *thread = thread_current();
    const struct memory_set *memory = thread->process->memory_set;
    uint64_t sp = context->x[REG_SP];
    stack_t new_stack;
    if (user_new != 0 && copy_from_user(memory, &new_stack, user_new, sizeof(new_stack)) != 0)
        return -EFAULT;
    /* Only this thread reads or writes its own alternate stack: no lock. */
    stack_t old_stack = {.ss_sp = (void *)thread->signal_stack_sp,
                         .ss_flags = signal_stack_state(thread, sp),
                         .ss_size = thread->signal_stack_size};
    if (user_new != 0) {
        long error = set_signal_stack(thread, &new_stack, sp);
        if (error != 0)
            return error;
    }
    if (user_old != 0 && copy_to_user(memory, user_old, &old_stack, sizeof(old_stack)) != 0)
        return -EFAULT;
    return 0;
}

/*
 * Where a handler's frame goes: under the user's sp, or, for an SA_ONSTACK
 * action, at the top of the alternate stack unless the thread is on it
 * already. 0 if the frame would run off the alternate stack (Linux: SIGSEGV).
 */
static uint64_t frame_address(const struct thread *thread, uint64_t sp,
                              const struct kernel_sigaction *action, uint64_t size)
{
    if ((action->flags & SA_ONSTACK) != 0 && signal_stack_mode(thread, sp) == 0)
        sp = thread->signal_stack_sp + thread->signal_stack_size;
    uint64_t frame = (sp - size) & ~15ull;
    if (on_signal_stack(thread, sp) && !on_signal_stack(thread, frame))
        return 0; /* a handler on the alternate stack that overflows it */
    return frame;
}

/* Build the frame under the user's sp, and point the registers at the handler. */
static int push_frame(struct thread *thread, struct context *context, int signal,
                      const struct kernel_sigaction *action, const struct signal_source *source,
                      kernel_sigset_t old_mask)
{
    struct process *process = thread->process;
    /* Built on the kernel stack (1088 bytes, near its top), then written with one copy. */
    struct rt_sigframe frame_buffer;
    struct rt_sigframe *frame = &frame_buffer;
    memset(frame, 0, sizeof(*frame));
    frame->info.si_signo = signal;
    frame->info.si_code = source->code;
    if (signal == SIGSEGV || signal == SIGBUS || signal == SIGILL || signal == SIGTRAP ||
        signal == SIGFPE) {
        frame->info.si_addr = source->code > 0 ? (void *)source->addr : NULL;
        if (source->code <= 0)
            frame->info.si_pid = source->pid;
    } else {
        frame->info.si_pid = source->pid;
        frame->info.si_status = source->status;
    }
    frame->uc.uc_sigmask = old_mask;
    registers_to_frame(context, &frame->uc.uc_mcontext.sc_regs);
    fp_flush(thread);
    memcpy(&frame->uc.uc_mcontext.sc_fpregs.d, &thread->fp, sizeof(thread->fp));
    /* uc_stack: the alternate stack as it was set (Linux: SS_DISABLE when there is none). */
    frame->uc.uc_stack.ss_sp = (void *)thread->signal_stack_sp;
    frame->uc.uc_stack.ss_size = thread->signal_stack_size;
    frame->uc.uc_stack.ss_flags =
        thread->signal_stack_size == 0 ? SS_DISABLE : (int)thread->signal_stack_flags;
    uint64_t sp = frame_address(thread, context->x[REG_SP], action, sizeof(*frame));
    if (sp == 0)
        return -EFAULT;
    if ((thread->signal_stack_flags & SS_AUTODISARM) != 0) { /* until rt_sigreturn restores it */
        thread->signal_stack_sp = 0;
        thread->signal_stack_size = 0;
        thread->signal_stack_flags = 0;
    }
    /*
     * The way back to user mode runs with interrupts off; a user copy may
     * fault in a page (the stack grows, a page is zero-filled), as it may
     * in any system call, where they are on.
     */
    irq_enable();
    int error = copy_to_user(process->memory_set, sp, frame, sizeof(*frame));
    irq_disable();
    if (error != 0)
        return -EFAULT;
    context->x[REG_SP] = sp;
    context->x[REG_A0] = (uint64_t)signal;
    context->x[11] = sp + __builtin_offsetof(struct rt_sigframe, info);
    context->x[12] = sp + __builtin_offsetof(struct rt_sigframe, uc);
    context->x[REG_RA] = SIGNAL_TRAMPOLINE_ADDRESS;
    context->sepc = (uint64_t)action->handler;
    return 0;
}

/*
 * Nothing (more) to deliver: a call interrupted for nothing starts again;
 * attention ends, unless the mask put back lets a pending signal through
 * (the next way out delivers it). A sleep relies on it: with no attention,
 * nothing is pending (interruptible.c looks at it first).
 */
static void finish_delivery_locked(struct thread *thread, struct context *context)
{
    if (thread->signal_restart)
        restart_call(thread, context);
    thread->signal_restart = false;
    uint32_t attention = 0;
    if (thread->signal_restore_mask) { /* rt_sigsuspend's mask, had no handler run */
        thread->signal_blocked = thread->signal_saved_mask;
        thread->signal_restore_mask = false;
        kernel_sigset_t pending = thread->signal_pending | thread->process->signal_pending;
        attention = (pending & ~thread->signal_blocked) != 0;
    }
    __atomic_store_n(&thread->signal_attention, attention, __ATOMIC_RELAXED);
}

/*
 * A handler will run: settle the interrupted call (-EINTR, or a restart
 * under SA_RESTART), block what the action asks, and return the mask that
 * rt_sigreturn must put back.
 */
static kernel_sigset_t prepare_handler_locked(struct thread *thread, struct context *context,
                                              int signal, const struct kernel_sigaction *action)
{
    if (thread->signal_restart) {
        if ((action->flags & SA_RESTART) != 0)
            restart_call(thread, context);
        else
            context->x[REG_A0] = (uint64_t)-EINTR;
        thread->signal_restart = false;
    }
    kernel_sigset_t old_mask =
        thread->signal_restore_mask ? thread->signal_saved_mask : thread->signal_blocked;
    thread->signal_restore_mask = false;
    thread->signal_blocked |= action->mask;
    if ((action->flags & SA_NODEFER) == 0)
        thread->signal_blocked |= SIGSET_BIT(signal);
    thread->signal_blocked &= ~UNBLOCKABLE;
    if ((action->flags & SA_RESETHAND) != 0) {
        struct kernel_sigaction *installed = &thread->process->signal_actions[signal];
        installed->handler = (void *)SIG_DFL;
        installed->flags &= ~SA_SIGINFO;
    }
    return old_mask;
}

void signal_deliver(struct context *context)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (process->pid == 0)
        return;
    for (;;) {
        spinlock_acquire(&process_lock);
        int status = process->exit_status;
        if (process->exit_requested || thread->exit_alone) { /* (exit_alone: execve elsewhere) */
            spinlock_release(&process_lock);
            process_exit(status);
        }
        if (process->stopped) { /* another thread took a stop signal: this one stops too */
            stop_locked(thread, process, 0);
            spinlock_release(&process_lock);
            continue;
        }
        int signal = dequeue_locked(thread, process);
        if (signal == 0) {
            finish_delivery_locked(thread, context);
            spinlock_release(&process_lock);
            return;
        }
        struct kernel_sigaction action = process->signal_actions[signal];
        struct signal_source source = process->signal_sources[signal];
        bool ignored = is_ignored(process, signal);
        if (!ignored && action.handler == (void *)SIG_DFL && is_stop_signal(signal) &&
            process->pid != 1) {
            stop_locked(thread, process, signal); /* returns once continued (or killed) */
            spinlock_release(&process_lock);
            continue; /* a call it interrupted restarts, unless a handler runs first */
        }
        kernel_sigset_t old_mask = 0;
        if (!ignored && action.handler != (void *)SIG_DFL)
            old_mask = prepare_handler_locked(thread, context, signal, &action);
        spinlock_release(&process_lock);
        if (ignored || (action.handler == (void *)SIG_DFL && process->pid == 1))
            continue; /* (init: one it had no handler for, blocked when it was sent) */
        if (action.handler == (void *)SIG_DFL)
            process_exit(WAIT_STATUS_SIGNALED(signal)); /* core-dumping ones too: no core file */
        if (push_frame(thread, context, signal, &action, &source, old_mask) != 0) {
            kprintf("[pid %d %s] killed by SIGSEGV: no room for the %s frame below sp 0x%lx\n",
                    process->pid, process->name, signal_name(signal), context->x[REG_SP]);
            process_exit(WAIT_STATUS_SIGNALED(SIGSEGV));
        }
        /* One frame at a time; attention stays, so any other pending signal is looked at next. */
        return;
    }
}

bool signal_sleep_may_resume(void)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    if (process->pid == 0)
        return false;
    bool resume = false;
    spinlock_acquire(&process_lock);
    while (!process->exit_requested) {
        if (process->stopped) {
            stop_locked(thread, process, 0);
            continue;
        }
        kernel_sigset_t ready =
            (thread->signal_pending | process->signal_pending) & ~thread->signal_blocked;
        if (ready == 0) {
            resume = true; /* nothing (left) for the way out: sleep on */
            break;
        }
        int signal = __builtin_ctzll(ready) + 1;
        bool ignored = is_ignored(process, signal);
        bool stops = !ignored && is_stop_signal(signal) && process->pid != 1 &&
                     process->signal_actions[signal].handler == (void *)SIG_DFL;
        if (!ignored && !stops)
            break; /* a handler, or a fatal default: the call must return */
        thread->signal_pending &= ~SIGSET_BIT(signal);
        process->signal_pending &= ~SIGSET_BIT(signal);
        if (stops)
            stop_locked(thread, process, signal);
    }
    spinlock_release(&process_lock);
    return resume;
}

/* ---- The system calls ------------------------------------------------------------- */

long signal_set_action(int signal, uint64_t user_new, uint64_t user_old, uint64_t set_size)
{
    struct process *process = process_current();
    if (set_size != sizeof(kernel_sigset_t) || signal <= 0 || signal >= NSIG)
        return -EINVAL;
    struct kernel_sigaction action;
    if (user_new != 0) {
        if (signal == SIGKILL || signal == SIGSTOP)
            return -EINVAL;
        if (copy_from_user(process->memory_set, &action, user_new, sizeof(action)) != 0)
            return -EFAULT;
        action.mask &= ~UNBLOCKABLE;
    }
    spinlock_acquire(&process_lock);
    struct kernel_sigaction old = process->signal_actions[signal];
    if (user_new != 0) {
        process->signal_actions[signal] = action;
        /* Now ignored: a pending one is dropped, as POSIX asks. */
        if (is_ignored(process, signal)) {
            process->signal_pending &= ~SIGSET_BIT(signal);
            list_for_each(node, &process->threads)
            {
                list_entry(node, struct thread, process_node)->signal_pending &=
                    ~SIGSET_BIT(signal);
            }
        }
    }
    spinlock_release(&process_lock);
    if (user_old != 0 && copy_to_user(process->memory_set, user_old, &old, sizeof(old)) != 0)
        return -EFAULT;
    return 0;
}

long signal_change_mask(int how, uint64_t user_set, uint64_t user_old, uint64_t set_size)
{
    struct thread *thread = thread_current();
    const struct memory_set *memory = thread->process->memory_set;
    if (set_size != sizeof(kernel_sigset_t))
        return -EINVAL;
    kernel_sigset_t set = 0;
    if (user_set != 0) {
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
        if (copy_from_user(memory, &set, user_set, sizeof(set)) != 0)
            return -EFAULT;
    }
    spinlock_acquire(&process_lock);
    kernel_sigset_t old = thread->signal_blocked;
    if (user_set != 0) {
        if (how == SIG_BLOCK)
            thread->signal_blocked |= set;
        else if (how == SIG_UNBLOCK)
            thread->signal_blocked &= ~set;
        else
            thread->signal_blocked = set;
        thread->signal_blocked &= ~UNBLOCKABLE;
        /* Unblocked ones that are pending are delivered on the way out. */
        __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED);
    }
    spinlock_release(&process_lock);
    if (user_old != 0 && copy_to_user(memory, user_old, &old, sizeof(old)) != 0)
        return -EFAULT;
    return 0;
}

long signal_get_pending(uint64_t user_set, uint64_t set_size)
{
    struct thread *thread = thread_current();
    if (set_size != sizeof(kernel_sigset_t))
        return -EINVAL;
    spinlock_acquire(&process_lock);
    kernel_sigset_t pending =
        (thread->signal_pending | thread->process->signal_pending) & thread->signal_blocked;
    spinlock_release(&process_lock);
    return copy_to_user(thread->process->memory_set, user_set, &pending, sizeof(pending));
}

long signal_return_from_handler(struct context *context)
{
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    /* The handler returned through the trampoline: sp is where the frame was pushed. */
    struct rt_sigframe frame_buffer;
    struct rt_sigframe *frame = &frame_buffer;
    if (copy_from_user(process->memory_set, frame, context->x[REG_SP], sizeof(*frame)) != 0) {
        kprintf("[pid %d %s] killed by SIGSEGV: rt_sigreturn finds no frame at sp 0x%lx\n",
                process->pid, process->name, context->x[REG_SP]);
        process_exit(WAIT_STATUS_SIGNALED(SIGSEGV));
    }
    const uint64_t *regs = (const uint64_t *)&frame->uc.uc_mcontext.sc_regs;
    context->sepc = regs[0];
    for (int i = 1; i < 32; i++)
        context->x[i] = regs[i];
    memcpy(&thread->fp, &frame->uc.uc_mcontext.sc_fpregs.d, sizeof(thread->fp));
    fp_discard_live(thread); /* loaded from thread->fp at the next FP instruction */
    /*
     * The alternate stack as the frame says (refused while on it; Linux
     * ignores that too). Mostly it says what is set already: nothing to do.
     */
    const stack_t *saved = &frame->uc.uc_stack;
    bool unchanged = thread->signal_stack_size == 0
                         ? saved->ss_flags == SS_DISABLE
                         : (uint64_t)saved->ss_sp == thread->signal_stack_sp &&
                               saved->ss_size == thread->signal_stack_size &&
                               (uint32_t)saved->ss_flags == thread->signal_stack_flags;
    if (!unchanged)
        (void)set_signal_stack(thread, saved, context->x[REG_SP]);
    spinlock_acquire(&process_lock);
    thread->signal_blocked = frame->uc.uc_sigmask & ~UNBLOCKABLE;
    __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED); /* unblocked ones, now */
    spinlock_release(&process_lock);
    return (long)context->x[REG_A0]; /* the dispatcher stores it in a0: unchanged */
}

int signal_mask_during_call(uint64_t user_mask, uint64_t set_size)
{
    struct thread *thread = thread_current();
    if (set_size != sizeof(kernel_sigset_t))
        return -EINVAL;
    kernel_sigset_t mask;
    if (copy_from_user(thread->process->memory_set, &mask, user_mask, sizeof(mask)) != 0)
        return -EFAULT;
    spinlock_acquire(&process_lock);
    thread->signal_saved_mask = thread->signal_blocked;
    thread->signal_blocked = mask & ~UNBLOCKABLE;
    thread->signal_restore_mask = true;
    __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED); /* to restore the mask */
    spinlock_release(&process_lock);
    return 0;
}

long signal_suspend(uint64_t user_mask, uint64_t set_size)
{
    int error = signal_mask_during_call(user_mask, set_size);
    if (error != 0)
        return error;
    static struct wait_queue nobody_wakes = WAIT_QUEUE_INIT(nobody_wakes, "sigsuspend");
    /* A stop and its SIGCONT, or an ignored signal, do not end it: only a handler does. */
    while (wait_queue_sleep_interruptible(&nobody_wakes, NULL) == 0 || signal_sleep_may_resume())
        ;
    return -EINTR; /* always: a handler ran, or the process ends */
}

void signal_reset_on_exec(struct process *process)
{
    struct thread *self = thread_current();
    if (self != NULL && self->process == process) { /* the old program's alternate stack is gone */
        self->signal_stack_sp = 0;
        self->signal_stack_size = 0;
        self->signal_stack_flags = 0;
    }
    spinlock_acquire(&process_lock);
    for (int signal = 1; signal < NSIG; signal++) {
        struct kernel_sigaction *action = &process->signal_actions[signal];
        if (action->handler != (void *)SIG_IGN)
            action->handler = (void *)SIG_DFL;
        action->flags = 0;
        action->mask = 0;
    }
    spinlock_release(&process_lock);
}
