/*
 * thread.c: creating threads, their exit, join and reclamation.
 *
 * A thread is a kzalloc'd struct thread plus a guarded kernel stack. A new
 * one gets a switch context that makes its first switch_context "return"
 * into a start stub (switch.S), which calls its function. Yield, sleep and
 * the switch itself are the scheduler's (sched.c).
 *
 * Who frees an exited thread: thread_join (the joiner); for a detached
 * thread, the next thread to run on its hart (sched_unlock), because a
 * thread cannot free the stack it is still running on; for a thread of a
 * user process, process_wait when it reaps the process.
 */
#include "proc/thread.h"

#include "arch/callee_saved.h"
#include "console/console.h"
#include "console/panic.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "trace/timeline.h"

_Static_assert(sizeof(struct switch_context) == CALLEE_SAVED_SIZE,
               "struct switch_context must have the layout of arch/callee_saved.h");

/* switch.S: where new threads start. */
extern char thread_start_kernel[];
extern char thread_start_user[];

static int next_tid = 1; /* 0 is the boot thread */
static size_t threads_existing;

const char *thread_state_name(enum thread_state state)
{
    switch (state) {
    case THREAD_READY: return "ready";
    case THREAD_RUNNING: return "running";
    case THREAD_BLOCKED: return "blocked";
    case THREAD_EXITED: return "exited";
    }
    return "?";
}

size_t thread_count(void)
{
    return __atomic_load_n(&threads_existing, __ATOMIC_RELAXED);
}

/* A struct with its name, id, nodes and join queue set up; no stack yet. */
static struct thread *thread_new_struct(const char *name, int tid)
{
    struct thread *thread = kzalloc(sizeof(*thread));
    if (thread == NULL)
        return NULL;
    strlcpy(thread->name, name, sizeof(thread->name));
    thread->tid = tid;
    thread->priority = THREAD_PRIORITY_DEFAULT;
    /* The switch away from it records a timeline event when the timeline runs (sched.c). */
    thread->timeline_switch = timeline_on;
    list_node_init(&thread->run_node);
    list_node_init(&thread->wait_node);
    list_node_init(&thread->sleep_node);
    list_node_init(&thread->process_node);
    wait_queue_init(&thread->joiners, "thread join");
    return thread;
}

/* A thread of `process` with a fresh kernel stack, not yet runnable. NULL when out of memory. */
static struct thread *thread_alloc(struct process *process, const char *name)
{
    struct thread *thread =
        thread_new_struct(name, __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED));
    if (thread == NULL)
        return NULL;
    /* The stack's name points into the struct, which outlives the stack. */
    if (kstack_alloc(&thread->kstack, thread->name) != 0) {
        kfree(thread);
        return NULL;
    }
    if (process_attach_thread(process, thread) != 0) {
        kstack_free(&thread->kstack);
        kfree(thread);
        return NULL;
    }
    __atomic_fetch_add(&threads_existing, 1, __ATOMIC_RELAXED);
    return thread;
}

/* The first switch to the thread lands in thread_start_kernel, which calls fn(arg). */
static void prepare_kernel_start(struct thread *thread, thread_fn fn, void *arg)
{
    thread->switch_context.ra = (uint64_t)thread_start_kernel;
    thread->switch_context.sp = thread->kstack.top.value;
    thread->switch_context.s[0] = 0; /* fp = 0: a backtrace ends at the thread's function */
    thread->switch_context.s[1] = (uint64_t)fn;
    thread->switch_context.s[2] = (uint64_t)arg;
}

struct thread *thread_create_in(struct process *process, thread_fn fn, void *arg, const char *name)
{
    struct thread *thread = thread_alloc(process, name);
    if (thread == NULL)
        return NULL;
    prepare_kernel_start(thread, fn, arg);
    sched_start_thread(thread);
    return thread;
}

struct thread *thread_create(thread_fn fn, void *arg, const char *name)
{
    return thread_create_in(&kernel_process, fn, arg, name);
}

struct thread *thread_create_unscheduled(thread_fn fn, void *arg, const char *name)
{
    struct thread *thread = thread_alloc(&kernel_process, name);
    if (thread == NULL)
        return NULL;
    prepare_kernel_start(thread, fn, arg);
    thread->state = THREAD_READY;
    thread->detached = true;
    return thread;
}

struct thread *thread_prepare_user(struct process *process, const struct context *context,
                                   const char *name)
{
    if ((context->sstatus & SSTATUS_SIE) != 0)
        panic("thread_create_user: '%s' would start with sstatus.SIE set (0x%lx); trap_return "
              "needs it clear",
              name, context->sstatus);
    struct thread *thread = thread_alloc(process, name);
    if (thread == NULL)
        return NULL;
    /* Where trap.S would have saved it: at the very top of the kernel stack. */
    struct context *frame = (struct context *)(thread->kstack.top.value - sizeof(struct context));
    *frame = *context;
    /*
     * A supervisor-mode context with no stack (the ktests' way through this
     * path) runs on the stack below its frame: set before the thread is
     * READY, since with several harts it may start at once.
     */
    if ((frame->sstatus & SSTATUS_SPP) != 0 && frame->x[REG_SP] == 0)
        frame->x[REG_SP] = (uint64_t)frame;
    thread->trap_context = frame;
    thread->switch_context.ra = (uint64_t)thread_start_user;
    thread->switch_context.sp = (uint64_t)frame;
    thread->switch_context.s[0] = 0;
    /* As on Linux, a new thread (a fork's child) starts with its creator's FP registers and mask.
     */
    struct thread *creator = thread_current();
    fp_copy_to_child(thread, creator);
    thread->signal_blocked = creator != NULL ? creator->signal_blocked : 0;
    if (creator != NULL) { /* fork keeps the alternate signal stack too */
        thread->signal_stack_sp = creator->signal_stack_sp;
        thread->signal_stack_size = creator->signal_stack_size;
        thread->signal_stack_flags = creator->signal_stack_flags;
    }
    return thread;
}

struct thread *thread_create_user(struct process *process, const struct context *context,
                                  const char *name)
{
    struct thread *thread = thread_prepare_user(process, context, name);
    if (thread != NULL)
        sched_start_thread(thread);
    return thread;
}

struct thread *thread_adopt_boot(const struct kstack *stack)
{
    struct thread *boot = thread_new_struct("boot", 0);
    if (boot == NULL)
        panic("thread_adopt_boot: no memory for the boot thread");
    boot->kstack = *stack;
    boot->state = THREAD_RUNNING;
    boot->detached = true; /* nobody joins it: when kernel_run returns, the machine ends */
    if (process_attach_thread(&kernel_process, boot) != 0)
        panic("thread_adopt_boot: process 0 refused the boot thread");
    __atomic_fetch_add(&threads_existing, 1, __ATOMIC_RELAXED);
    return boot;
}

struct thread *thread_adopt_idle(const struct kstack *stack)
{
    struct thread *idle =
        thread_new_struct("idle", __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED));
    if (idle == NULL)
        panic("thread_adopt_idle: no memory for hart %lu's idle thread", hart_id());
    idle->kstack = *stack;
    idle->state = THREAD_RUNNING;
    idle->detached = true; /* it never exits */
    if (process_attach_thread(&kernel_process, idle) != 0)
        panic("thread_adopt_idle: process 0 refused hart %lu's idle thread", hart_id());
    __atomic_fetch_add(&threads_existing, 1, __ATOMIC_RELAXED);
    return idle;
}

void thread_exit(int code)
{
    struct sched_hart *mine = sched_hart();
    struct thread *self = mine->current;
    if (self == NULL || self == mine->idle)
        panic("thread_exit: the idle thread (or boot code before sched_init) cannot exit");
    if (trap_interrupt_depth() != 0)
        panic("thread_exit: called in an interrupt handler (it interrupted thread '%s')",
              self->name);
    if (spinlock_depth() != 0)
        panic("thread_exit: thread '%s' exits holding %d spinlock(s)", self->name,
              spinlock_depth());
    process_thread_exited(self, code);
    timeline_record(TIMELINE_EXIT, self->tid, self->name, NULL, code);
    spinlock_acquire(&sched_lock);
    /* LAB 5 BEGIN: thread_exit */
    self->exit_code = code;
    self->state = THREAD_EXITED;
    wait_queue_wake_all_locked(&self->joiners);
    if (self->detached)
        mine->exited_thread = self; /* freed by whoever runs next here */
    /* LAB 5 END: thread_exit */
    sched_block_locked();
    panic("thread_exit: thread '%s' ran again after it exited", self->name);
}

int thread_join(struct thread *thread, int *exit_code)
{
    sched_assert_may_sleep("thread_join", 0);
    struct thread *self = thread_current();
    spinlock_acquire(&sched_lock);
    if (thread == self || thread->detached || thread->joined || thread->process != self->process) {
        spinlock_release(&sched_lock);
        return -EINVAL;
    }
    thread->joined = true;
    /* LAB 5 BEGIN: thread_join */
    /* EXITED is set under sched_lock, which stays held until the thread is off its stack. */
    while (thread->state != THREAD_EXITED)
        wait_queue_sleep_locked(&thread->joiners);
    int code = thread->exit_code;
    sched_unlock();
    thread_free(thread);
    if (exit_code != NULL)
        *exit_code = code;
    return 0;
    /* LAB 5 END: thread_join */
}

void thread_detach(struct thread *thread)
{
    if (thread->process != &kernel_process)
        panic("thread_detach: thread '%s' belongs to process %d; only kernel threads are "
              "detached (a process's threads are freed when it is reaped)",
              thread->name, thread->process->pid);
    spinlock_acquire(&sched_lock);
    bool already_exited = thread->state == THREAD_EXITED && !thread->detached;
    bool joined = thread->joined;
    if (!joined)
        thread->detached = true;
    spinlock_release(&sched_lock);
    if (joined)
        panic("thread_detach: thread '%s' is being joined", thread->name);
    if (already_exited)
        thread_free(thread);
}

void thread_free(struct thread *thread)
{
    if (thread->state != THREAD_EXITED)
        panic("thread_free: thread '%s' (tid %d) is %s, not exited", thread->name, thread->tid,
              thread_state_name(thread->state));
    /* The stack first: once the thread leaves its process's list, process_free may finish
       and wait4 return, and a program that then counts free frames must find them all. */
    kstack_free(&thread->kstack);
    process_remove_thread(thread);
    kfree(thread);
    __atomic_fetch_sub(&threads_existing, 1, __ATOMIC_RELAXED);
}
