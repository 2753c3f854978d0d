/*
 * thread.h: kernel threads: create, run, yield, sleep, exit, join.
 *
 * A thread is a flow of control with its own kernel stack. It belongs to a
 * process (proc/process.h): kernel threads to process 0, "kernel"; a user
 * program's threads to its own process, whose address space the hart
 * switches to when one of them runs.
 *
 *                 thread_create              scheduler picks it
 *      (new) ----------------------> READY -----------------------> RUNNING
 *                                     ^  ^ <------------------------  | | |
 *                                     |  |  yield, or preempted at    | | |
 *                                     |  |  the end of its slice      | | |
 *                                     |  |                            | | |
 *                                     |  +--- woken ---- BLOCKED <----+ | |
 *                                     |     (wait queue,  (sleep, lock,   | |
 *                                     |      timer)       join, input)    | |
 *                                                                         | |
 *                               EXITED <---------- thread_exit(code) -----+ |
 *                                 |                 (or fn returned) <------+
 *                                 v
 *           thread_join() takes the code and frees the stack and the struct
 *           (a detached thread is freed as soon as it has switched away)
 *
 * Each thread has a guarded kernel stack (mm/kstack.h). Switching threads
 * saves only the callee-saved registers (proc/switch.S), so a thread can
 * block anywhere in the kernel. docs/threads.md tells the whole story.
 */
#ifndef PROC_THREAD_H
#define PROC_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/signal.h"
#include "arch/context.h"
#include "lib/list.h"
#include "mm/kstack.h"
#include "proc/fp.h"
#include "proc/sched.h"
#include "proc/wait_queue.h"

struct process;
struct mutex;

#define THREAD_NAME_MAX 24

/* Priorities matter only to the stride policy (SCHED=stride), where they are tickets. */
#define THREAD_PRIORITY_MIN     1
#define THREAD_PRIORITY_DEFAULT 8
#define THREAD_PRIORITY_MAX     64

enum thread_state {
    THREAD_READY,   /* waiting for a hart, in the ready queue (the idle thread waits outside it) */
    THREAD_RUNNING, /* running on a hart: that hart's sched_hart()->current */
    THREAD_BLOCKED, /* waiting on a wait queue, or in the timer queue until its wake time */
    THREAD_EXITED,  /* finished; its exit code waits for thread_join */
};

/*
 * What switch_context() saves and restores (proc/switch.S): the return
 * address, the stack pointer and s0..s11. Every other register is
 * caller-saved, so the C code that called switch_context has already saved
 * whatever of them it still needs.
 */
struct switch_context {
    uint64_t ra;
    uint64_t sp;
    uint64_t s[12];
};

struct thread {
    /* First, so that its address is the thread's: the switch names the running one for free. */
    char name[THREAD_NAME_MAX];
    struct switch_context switch_context; /* where the thread resumes; valid while not RUNNING */
    int tid;                              /* unique, never reused */
    enum thread_state state;
    struct process *process;
    struct kstack kstack; /* owned: freed with the thread */
    /*
     * A user thread's user registers: the struct context at the top of its
     * kernel stack, which trap.S fills on every trap from user mode and
     * trap_return restores on the way back. NULL for a kernel thread.
     */
    struct context *trap_context;
    /*
     * A user thread's FP registers (proc/fp.h): fp_live while they are in
     * the hart's registers (it is running, FS on); fp_used once it has
     * executed an FP instruction (then `fp` holds them while not live).
     *
     * fp_live shares a halfword with timeline_switch (set at creation when
     * the timeline records, trace/timeline.h): the switch away from a
     * thread tests `switch_work` once, one load and one branch, and only
     * when it is not zero looks at which of the two it has to do.
     */
    union {
        struct {
            bool fp_live;
            bool timeline_switch;
        };
        uint16_t switch_work;
    };
    bool fp_used;
    struct fp_state fp;
    /*
     * Signals (proc/signal.h). signal_attention is set whenever the way back
     * to user mode has work: a signal pending, an exit requested, a call to
     * restart. The masks and pending sets are guarded by process_lock.
     */
    uint32_t signal_attention;
    bool interruptible;         /* BLOCKED in a sleep a signal ends; guarded by sched_lock */
    bool signal_restart;        /* the last call returned -ERESTARTSYS */
    bool signal_restore_mask;   /* rt_sigsuspend: put signal_saved_mask back after delivery */
    uint64_t signal_restart_a0; /* that call's first argument, for a restart */
    kernel_sigset_t signal_blocked;
    kernel_sigset_t signal_pending; /* sent to this thread: faults, tgkill */
    kernel_sigset_t signal_saved_mask;
    /* sigaltstack: [sp, sp + size) and SS_AUTODISARM; size 0 when there is none. */
    uint64_t signal_stack_sp;
    uint64_t signal_stack_size;
    uint32_t signal_stack_flags;
    int exit_code;
    bool detached; /* freed at exit; nobody joins it */
    bool joined;   /* a thread_join has claimed it */

    /* Scheduling (proc/sched.c and the policy). Guarded by sched_lock. */
    struct list_node run_node; /* in the ready queue while READY */
    uint32_t slice_used;       /* ticks run since it was last switched in */
    uint32_t priority;         /* THREAD_PRIORITY_MIN..MAX */
    uint64_t stride_pass;      /* stride policy: its virtual time */

    /* Blocking. Guarded by sched_lock. */
    struct list_node wait_node;     /* in a wait queue while BLOCKED on it */
    struct wait_queue *waiting_on;  /* that wait queue, for reports; NULL otherwise */
    struct list_node sleep_node;    /* in the timer queue while sleeping */
    uint64_t wake_time;             /* `time` value at which its sleep ends */
    uint64_t woken_time;            /* `time` value when the tick woke it (tests check it) */
    struct mutex *blocked_on_mutex; /* for deadlock reports (proc/mutex.c) */
    struct wait_queue joiners;      /* thread_join waits here for the exit */

    struct list_node process_node; /* in process->threads; guarded by the process lock */

    uint64_t preemptions; /* times the timer took the hart from it */
};

/* A kernel thread's function; what it returns becomes its exit code. */
typedef int (*thread_fn)(void *arg);

/*
 * A new kernel thread of process 0 that runs fn(arg), READY at once.
 * `name` is copied (THREAD_NAME_MAX - 1 characters at most). The thread
 * starts with interrupts on. Returns NULL when there is no memory or no
 * kernel stack slot left. Join it, or detach it, or it stays a zombie.
 */
struct thread *thread_create(thread_fn fn, void *arg, const char *name);

/* The same, in another process: it runs in the kernel, on that process's address space. */
struct thread *thread_create_in(struct process *process, thread_fn fn, void *arg, const char *name);

/*
 * A thread that starts by returning to user mode with `context` (copied to
 * the top of its new kernel stack, where trap_return restores it). The
 * context's sstatus must have SPP = 0 (user), SPIE set for interrupts on in
 * user mode, and SIE clear. For the user-program work: exec and fork build
 * the context, then call this. READY at once; freed when its process is
 * reaped (or when joined).
 */
struct thread *thread_create_user(struct process *process, const struct context *context,
                                  const char *name);

/* Stop the calling thread with an exit code. Never returns. */
__attribute__((noreturn)) void thread_exit(int code);

/*
 * Wait until `thread` has exited, store its exit code, and free it. Returns
 * 0, or -EINVAL if it is the caller, detached, already being joined, or a
 * thread of another process.
 */
int thread_join(struct thread *thread, int *exit_code);

/* Nobody will join it: it is freed as soon as it exits (at once if it already has). */
void thread_detach(struct thread *thread);

/* The running thread (NULL before sched_init): one load through tp. */
static inline struct thread *thread_current(void)
{
    return sched_hart()->current;
}

/* How many threads exist (not yet freed), the idle threads included. For leak checks. */
size_t thread_count(void);

/* "ready", "running", "blocked", "exited". */
const char *thread_state_name(enum thread_state state);

/* ---- For the scheduler and process code ---------------------------------------- */

/*
 * Free an EXITED thread: its kernel stack, its place in its process, its
 * struct. Called by thread_join, by the scheduler for detached threads, and
 * by process_reap. Takes the process lock: never call it holding sched_lock.
 */
void thread_free(struct thread *thread);

/* Wrap the running boot code as thread "boot" of process 0, on `stack` (sched_init does). */
struct thread *thread_adopt_boot(const struct kstack *stack);

/* Wrap the running code of a newly started hart as its idle thread, on `stack` (sched_init_hart).
 */
struct thread *thread_adopt_idle(const struct kstack *stack);

/* A kernel thread that is not made READY: the boot hart's idle thread (sched_init). */
struct thread *thread_create_unscheduled(thread_fn fn, void *arg, const char *name);

#endif
