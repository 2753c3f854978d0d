/*
 * process.h: processes: an address space, the threads that run in it, and
 * the family ties (parent, children, exit status) that wait4 needs.
 *
 * Process 0, "kernel", is built at boot. It owns every kernel thread and
 * uses the kernel's MemorySet. User programs get processes of their own
 * (pids from 1), each with its own MemorySet: when the scheduler switches
 * to a thread of another process, it activates that process's set (one
 * satp write and a TLB flush, skipped when the process does not change).
 *
 * A process lives until it is reaped:
 *
 *     process_create --> ALIVE --(its last thread exits)--> ZOMBIE --(process_wait)--> freed
 *
 * A zombie keeps its pid and exit status for its parent. When a process
 * dies, its children are handed to init (pid 1), or to process 0 when init
 * is gone. The user-program work builds
 * fork, exec, exit and wait4 on these functions.
 */
#ifndef PROC_PROCESS_H
#define PROC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/signal.h"
#include "lib/list.h"
#include "sync/spinlock.h"
#include "proc/thread.h"
#include "proc/wait_queue.h"

struct memory_set;
struct thread;
struct process_files;

#define PROCESS_MAX      64    /* processes at once, process 0 and zombies included */
#define PID_MAX          32767 /* pids count up to this, then wrap to 1, skipping those in use */
#define PROCESS_NAME_MAX 24

enum process_state {
    PROCESS_ALIVE,  /* has threads that have not exited (or none yet, right after creation) */
    PROCESS_ZOMBIE, /* every thread has exited; waits for its parent to reap it */
};

struct process {
    int pid;
    char name[PROCESS_NAME_MAX];
    enum process_state state;
    /* The address space. Owned (destroyed at reap) unless it is the kernel's. */
    struct memory_set *memory_set;
    bool owns_memory_set;
    /* Its threads, exited ones too until they are freed; live_threads counts the others. */
    struct list threads;
    int live_threads;
    /* Of those, how many are on their way out (process_exit_thread): the last one ends the process.
     */
    int exiting_threads;
    /* execve in a threaded process sleeps here until its other threads are gone. */
    struct wait_queue threads_gone;
    struct process *parent;
    struct list children;
    struct list_node sibling_node; /* in parent->children */
    /* Set by process_exit (the status the parent sees), or by the last thread's exit code. */
    int exit_status;
    bool exit_requested;
    /* process_wait sleeps here until one of this process's children becomes a zombie. */
    struct wait_queue child_exited;
    /* A user program's heap: [brk_start, brk) (syscall/sys_memory.c). */
    uint64_t brk_start;
    uint64_t brk;
    /* Descriptors, current directory, umask: fs/ owns it (fs/files.h) through process_hooks. */
    struct process_files *files;
    /* Its process group and session (setpgid, setsid): inherited at fork. */
    int pgid;
    int sid;
    /*
     * Signals (proc/signal.h), guarded by process_lock: what each one does,
     * which are pending for the process as a whole, and for each pending
     * one what its siginfo_t will say.
     */
    struct kernel_sigaction signal_actions[NSIG];
    kernel_sigset_t signal_pending;
    struct signal_source {
        int code;      /* si_code */
        int pid;       /* si_pid: the sender, or the child for SIGCHLD */
        int status;    /* si_status for SIGCHLD */
        uint64_t addr; /* si_addr for a fault */
    } signal_sources[NSIG];
    /*
     * Stop and continue (proc/signal.c), guarded by process_lock: stopped
     * from a stop signal's default action until SIGCONT or SIGKILL, its
     * threads sleeping on `continued`; stop_report is what wait4 has yet to
     * tell the parent, WAIT_STATUS_STOPPED(signal) or WAIT_STATUS_CONTINUED
     * (0: nothing new).
     */
    bool stopped;
    int stop_report;
    struct wait_queue continued;
};

/*
 * What a layer above must do as processes come and go. proc/ cannot call
 * up into fs/, so fs registers these at boot (process_set_hooks); any may
 * be NULL. They run in the thread of the process concerned or of its
 * parent, with no lock held, and may sleep.
 *   create    process_create: the child inherits from its parent (fork). A
 *             failure (-ENOMEM) fails the creation.
 *   exit      the process ends (process_exit), or is reaped without having
 *             called it: release what it holds (its descriptors).
 *   shutdown  init has ended and the machine powers off next: make the disk
 *             whole (sync).
 */
struct process_hooks {
    int (*create)(struct process *parent, struct process *child);
    void (*exit)(struct process *process);
    void (*shutdown)(void);
};
void process_set_hooks(const struct process_hooks *hooks);

/*
 * The process lock guards the process table, every process's state,
 * thread list, live count, parent and children, and exit status. It nests
 * outside sched_lock (take it first) and never around a sleep except as the
 * guard of process_wait's own wait.
 */
extern struct spinlock process_lock;

/* Process 0, "kernel": owns the kernel threads, uses kernel_memory_set. */
extern struct process kernel_process;

/* Set up the table with process 0 in it (after the kernel MemorySet exists). */
void process_init(void);

/*
 * A new ALIVE process with no threads yet, child of `parent`. It takes
 * ownership of `memory_set` (kmalloc'd, initialised, e.g. by the loader or
 * memory_set_clone) only on success. Returns 0 and *out, or -EAGAIN (the
 * table is full) or -ENOMEM.
 */
int process_create(const char *name, struct process *parent, struct memory_set *memory_set,
                   struct process **out);

/* Free a process that never got a thread (an error path in exec/fork), and its MemorySet. */
void process_abandon(struct process *process);

/* The process of the running thread (process 0 before threads exist). */
static inline struct process *process_current(void)
{
    struct thread *thread = thread_current();
    return thread != NULL ? thread->process : &kernel_process;
}

/*
 * The same where a thread surely runs (a system call, a file's operation):
 * no test for the time before threads exist. The read and write paths
 * look it up four times a pipe round trip.
 */
static inline struct process *process_of_running_thread(void)
{
    return thread_current()->process;
}

/* The process with this pid, or NULL. Without a lock the answer may be stale. */
struct process *process_find(int pid);
/* The same, for a caller that holds process_lock (the answer then stays true). */
struct process *process_find_locked(int pid);

/*
 * The process whose end is the machine's: init. When it exits, the machine
 * powers off with init's exit code (or 128 + the signal that killed it).
 */
void process_set_init(int pid);

/*
 * End the calling thread's process with `status` (a wait status:
 * WAIT_STATUS_EXITED or WAIT_STATUS_SIGNALED). The calling thread exits
 * at once; other threads of the process see exit_requested and must call
 * thread_exit when they next leave the kernel (the user trap path checks).
 * When the last thread has exited the process becomes a zombie and its
 * parent is woken. Never returns. Process 0 cannot exit.
 */
__attribute__((noreturn)) void process_exit(int status);

/*
 * End the calling user thread alone (exit, 93): its clear_child_tid word
 * gets 0 and a futex wake, and if it is the last thread of its process the
 * process ends (descriptors closed, a zombie for its parent, with the first
 * thread's exit code unless exit_group or a signal set one). Never returns.
 */
__attribute__((noreturn)) void process_exit_thread(int code);

/*
 * execve in a threaded process (Linux's de_thread): every other thread of
 * the caller's process ends, and this returns once they are all off their
 * harts and freed, so the old address space may go. The caller becomes the
 * process's first thread (its tid is the pid).
 */
void process_end_other_threads(void);

/* The thread of `process` whose Linux tid is `tid`, not yet exited, or NULL (process_lock held). */
struct thread *process_find_thread_locked(struct process *process, int tid);

/*
 * Give every thread of `process` but `self` attention (it looks at the
 * process's state when it next leaves the kernel) and end its interruptible
 * sleep: for exit_group, execve and a stop. process_lock held.
 */
void process_notify_other_threads_locked(struct process *process, struct thread *self);

/*
 * Wait for a child of the calling thread's process to become a zombie, and
 * reap it: free its threads, its MemorySet and its pid. `pid` > 0 waits for
 * that child, -1 for any. Returns the reaped pid and stores its status, or
 * 0 if WNOHANG and none is a zombie yet, or -ECHILD if there is no such
 * child. `options` (abi/wait.h): WNOHANG; WUNTRACED also returns a child
 * that stopped, WCONTINUED one that was continued, each reported once
 * (status WAIT_STATUS_STOPPED / WAIT_STATUS_CONTINUED), without reaping it.
 */
int process_wait(int pid, int *status, int options);

/*
 * For thread.c: a new thread joins its process (-ESRCH if the process is
 * already a zombie); a thread has exited (the last one makes the process a
 * zombie and wakes its parent); an exited thread is freed and leaves the list.
 */
int process_attach_thread(struct process *process, struct thread *thread);
void process_thread_exited(struct thread *thread, int code);
void process_remove_thread(struct thread *thread);

/* With process_lock held: the process in table slot `slot` (0..PROCESS_MAX-1), or NULL. */
struct process *process_at_slot_locked(int slot);

/*
 * Process groups and sessions, as Linux has them (0 or a negative errno):
 * setpgid(pid, pgid) (0 means the caller / its own pid), getpgid(pid),
 * setsid() (a new session and group led by the caller), getsid(pid).
 */
long process_setpgid(int pid, int pgid);
long process_getpgid(int pid);
long process_setsid(void);
long process_getsid(int pid);

/* Print every process and its threads: ids, names, states, what each waits on. */
void process_print_all(void);

/* How many processes exist (zombies included, process 0 included). */
int process_count(void);

#endif
