/*
 * process.c: the process table, pids, process 0, exit, zombies and reaping.
 *
 * The table is a fixed array of PROCESS_MAX slots; pids count up and wrap,
 * skipping those in use, so a pid is not reused soon after its process is
 * gone. Everything here is guarded by process_lock, which is taken before
 * sched_lock whenever both are needed.
 */
#include "proc/process.h"

#include "abi/wait.h"
#include "console/console.h"
#include "console/panic.h"
#include "dev/machine.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/futex.h"
#include "proc/interruptible.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/smp.h"
#include "proc/thread.h"

/* Guards the process table and each process's family, threads and status (process.h). */
struct spinlock process_lock = SPINLOCK_INIT("process");
struct process kernel_process;

static const struct process_hooks *hooks;

void process_set_hooks(const struct process_hooks *new_hooks)
{
    hooks = new_hooks;
}

/* The exit hook, once: the process's descriptors are closed. */
static void process_release_resources(struct process *process)
{
    if (hooks != NULL && hooks->exit != NULL)
        hooks->exit(process);
}

static struct process *table[PROCESS_MAX];
static int last_pid;

static void process_init_fields(struct process *process, const char *name)
{
    strlcpy(process->name, name, sizeof(process->name));
    process->state = PROCESS_ALIVE;
    list_init(&process->threads);
    list_init(&process->children);
    list_node_init(&process->sibling_node);
    wait_queue_init(&process->child_exited, "child exit");
    wait_queue_init(&process->continued, "stopped");
    wait_queue_init(&process->threads_gone, "threads gone");
}

void process_init(void)
{
    process_init_fields(&kernel_process, "kernel");
    kernel_process.pid = 0;
    kernel_process.memory_set = &kernel_memory_set;
    kernel_process.owns_memory_set = false;
    table[0] = &kernel_process;
}

static struct process *find_locked(int pid)
{
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        if (table[slot] != NULL && table[slot]->pid == pid)
            return table[slot];
    }
    return NULL;
}

/* Threads whose tid is not their process's pid (clone's): while there are none, no tid can
   collide with a pid, and allocating a pid needs no walk over every thread. */
static int extra_tids;

/* Is `id` the Linux tid of some thread of a live process (the pids are checked apart)? */
static bool tid_in_use_locked(int id)
{
    if (extra_tids == 0)
        return false;
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        if (table[slot] == NULL || table[slot] == &kernel_process)
            continue;
        /* Every thread not yet freed, ending ones too: a tid is not reused while it exists. */
        list_for_each(node, &table[slot]->threads)
        {
            if (list_entry(node, struct thread, process_node)->user_tid == id)
                return true;
        }
    }
    return false;
}

/*
 * The next pid after the last one handed out that no process holds and no
 * thread has as its tid (1..PID_MAX): as on Linux, pids and tids are one
 * number space, so a thread's tid never names another process.
 */
static int allocate_pid_locked(void)
{
    for (;;) {
        last_pid = last_pid % PID_MAX + 1;
        if (find_locked(last_pid) == NULL && !tid_in_use_locked(last_pid))
            return last_pid; /* few pids and tids are taken, so this ends */
    }
}

struct thread *process_find_thread_locked(struct process *process, int tid)
{
    list_for_each(node, &process->threads)
    {
        struct thread *thread = list_entry(node, struct thread, process_node);
        /* A thread on its way out has no tid any more (its joiner may already have returned). */
        if (thread->user_tid == tid && !thread->exiting && thread->state != THREAD_EXITED)
            return thread;
    }
    return NULL;
}

int process_create(const char *name, struct process *parent, struct memory_set *memory_set,
                   struct process **out)
{
    struct process *process = kzalloc(sizeof(*process));
    if (process == NULL)
        return -ENOMEM;
    process_init_fields(process, name);
    process->memory_set = memory_set;
    process->owns_memory_set = true;
    if (hooks != NULL && hooks->create != NULL) {
        int error = hooks->create(parent, process);
        if (error != 0) {
            kfree(process);
            return error;
        }
    }

    spinlock_acquire(&process_lock);
    int slot = 0;
    while (slot < PROCESS_MAX && table[slot] != NULL)
        slot++;
    if (slot == PROCESS_MAX) {
        spinlock_release(&process_lock);
        process_release_resources(process);
        kfree(process);
        return -EAGAIN;
    }
    process->pid = allocate_pid_locked();
    process->parent = parent;
    /* A child of the kernel (init) leads a session and group of its own; others inherit. */
    process->pgid = parent == &kernel_process ? process->pid : parent->pgid;
    process->sid = parent == &kernel_process ? process->pid : parent->sid;
    /* fork keeps the parent's signal actions (exec resets the handled ones). */
    memcpy(process->signal_actions, parent->signal_actions, sizeof(process->signal_actions));
    list_push_back(&parent->children, &process->sibling_node);
    table[slot] = process;
    spinlock_release(&process_lock);
    *out = process;
    return 0;
}

static void remove_from_table_locked(struct process *process)
{
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        if (table[slot] == process)
            table[slot] = NULL;
    }
    list_remove(&process->sibling_node);
}

static void free_memory_set(struct process *process)
{
    if (process->owns_memory_set) {
        memory_set_destroy(process->memory_set);
        kfree(process->memory_set);
    }
}

void process_abandon(struct process *process)
{
    spinlock_acquire(&process_lock);
    if (!list_empty(&process->threads))
        panic("process_abandon: process %d '%s' already has threads", process->pid, process->name);
    remove_from_table_locked(process);
    spinlock_release(&process_lock);
    process_release_resources(process);
    free_memory_set(process);
    kfree(process);
}

struct process *process_at_slot_locked(int slot)
{
    return slot >= 0 && slot < PROCESS_MAX ? table[slot] : NULL;
}

struct process *process_find_locked(int pid)
{
    return find_locked(pid);
}

struct process *process_find(int pid)
{
    spinlock_acquire(&process_lock);
    struct process *process = find_locked(pid);
    spinlock_release(&process_lock);
    return process;
}

int process_count(void)
{
    spinlock_acquire(&process_lock);
    int count = 0;
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        if (table[slot] != NULL)
            count++;
    }
    spinlock_release(&process_lock);
    return count;
}

int process_attach_thread(struct process *process, struct thread *thread)
{
    spinlock_acquire(&process_lock);
    if (process->state == PROCESS_ZOMBIE) {
        spinlock_release(&process_lock);
        return -ESRCH;
    }
    thread->process = process;
    /* A user process's first thread has the pid as its tid; later ones (clone) get their own. */
    if (process != &kernel_process) {
        thread->user_tid = list_empty(&process->threads) ? process->pid : allocate_pid_locked();
        extra_tids += thread->user_tid != process->pid;
    }
    list_push_back(&process->threads, &thread->process_node);
    process->live_threads++;
    /* The set's lock matters from the second thread on (mm/memory_set.h). */
    if (process != &kernel_process)
        __atomic_store_n(&process->memory_set->threads, process->live_threads, __ATOMIC_RELAXED);
    spinlock_release(&process_lock);
    return 0;
}

void process_remove_thread(struct thread *thread)
{
    spinlock_acquire(&process_lock);
    list_remove(&thread->process_node);
    if (thread->process != &kernel_process && thread->user_tid != thread->process->pid)
        extra_tids--;
    wait_queue_wake_all(&thread->process->threads_gone); /* execve may wait for this */
    spinlock_release(&process_lock);
}

/*
 * Orphans go to init (pid 1), which reaps them, as on Unix; to process 0
 * when init is not there (or is the one dying). If one is already a
 * zombie, the adopter's waiters hear of it.
 */
static void reparent_children_locked(struct process *dying)
{
    /* LAB 8 BEGIN: reparent_children */
    struct process *adopter = find_locked(1);
    if (adopter == NULL || adopter == dying || adopter->state != PROCESS_ALIVE)
        adopter = &kernel_process;
    bool zombie_moved = false;
    list_for_each_safe(node, &dying->children)
    {
        struct process *child = list_entry(node, struct process, sibling_node);
        list_remove(&child->sibling_node);
        child->parent = adopter;
        list_push_back(&adopter->children, &child->sibling_node);
        zombie_moved |= child->state == PROCESS_ZOMBIE;
    }
    if (zombie_moved)
        wait_queue_wake_all(&adopter->child_exited);
    /* LAB 8 END: reparent_children */
}

void process_thread_exited(struct thread *thread, int code)
{
    struct process *process = thread->process;
    bool zombie = false;
    spinlock_acquire(&process_lock);
    process->live_threads--;
    if (process != &kernel_process)
        __atomic_store_n(&process->memory_set->threads, process->live_threads, __ATOMIC_RELAXED);
    if (thread->exiting)
        process->exiting_threads--;
    /* Without exit_group, the process's status is its first thread's (Linux: the leader's). */
    if (!process->exit_requested && thread->user_tid == process->pid)
        process->exit_status = code;
    wait_queue_wake_all(&process->threads_gone);
    if (process->live_threads == 0 && process != &kernel_process) {
        process->state = PROCESS_ZOMBIE;
        reparent_children_locked(process);
        if (process->parent != NULL)
            wait_queue_wake_all(&process->parent->child_exited);
        signal_child_exited_locked(process);
        zombie = true;
    }
    int status = process->exit_status;
    spinlock_release(&process_lock);
    if (zombie && WIFEXITED(status))
        log_debug("[pid %d %s] exit: status %d", process->pid, process->name, WEXITSTATUS(status));
    else if (zombie)
        log_debug("[pid %d %s] exit: killed by signal %d", process->pid, process->name,
                  WTERMSIG(status));
}

/* The first program the kernel started: when it ends, the machine does. */
static int init_pid = -1;

void process_set_init(int pid)
{
    init_pid = pid;
}

/* init is the session: its end is the machine's. */
static void power_off_if_init(struct process *process, int status)
{
    if (process->pid != init_pid)
        return;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    log_info("init exited with status %d; powering off", code);
    smp_print_summary();
    if (hooks != NULL && hooks->shutdown != NULL)
        hooks->shutdown();
    machine_exit(code);
}

void process_notify_other_threads_locked(struct process *process, struct thread *self)
{
    spinlock_acquire(&sched_lock);
    list_for_each(node, &process->threads)
    {
        struct thread *thread = list_entry(node, struct thread, process_node);
        if (thread == self)
            continue;
        __atomic_store_n(&thread->signal_attention, 1, __ATOMIC_RELAXED);
        sched_interrupt_locked(thread);
    }
    spinlock_release(&sched_lock);
}

void process_exit(int status)
{
    struct thread *self = thread_current();
    struct process *process = self->process;
    if (process == &kernel_process)
        panic("process_exit: process 0 (kernel) cannot exit; thread '%s' tried with status %d",
              self->name, status);
    if (self->exit_alone)
        process_exit_thread(0); /* execve in another thread ends this one, not the process */
    power_off_if_init(process, status);
    spinlock_acquire(&process_lock);
    if (!process->exit_requested) {
        process->exit_requested = true;
        process->exit_status = status;
    }
    /* exit_group: the others leave at their next way back to user mode (signal_deliver). */
    process_notify_other_threads_locked(process, self);
    spinlock_release(&process_lock);
    process_exit_thread(status);
}

/* CLONE_CHILD_CLEARTID / set_tid_address: 0 at the word, and a wake for a pthread_join. */
static void clear_child_tid(struct thread *self)
{
    uint64_t address = self->clear_child_tid;
    if (address == 0 || self->process->live_threads == 1)
        return; /* nobody but this thread could wait there */
    self->clear_child_tid = 0;
    int zero = 0;
    if (copy_to_user(self->process->memory_set, address, &zero, sizeof(zero)) == 0)
        futex_wake_address(self->process->memory_set, address, 1);
}

void process_exit_thread(int code)
{
    struct thread *self = thread_current();
    struct process *process = self->process;
    spinlock_acquire(&process_lock);
    /* First: once the joiner is woken below, tgkill must no longer find this thread. */
    if (!self->exiting) {
        self->exiting = true;
        process->exiting_threads++;
    }
    spinlock_release(&process_lock);
    clear_child_tid(self);
    spinlock_acquire(&process_lock);
    bool last = process->exiting_threads == process->live_threads;
    int status = process->exit_requested ? process->exit_status : WAIT_STATUS_EXITED(code);
    spinlock_release(&process_lock);
    if (last) {
        power_off_if_init(process, status);
        /* Close its descriptors now: a pipe's reader must see the end even if no one reaps this. */
        process_release_resources(process);
    } else {
        /* Not the last: nobody joins a user thread, so it is freed as soon as it is off its hart.
         */
        spinlock_acquire(&sched_lock);
        self->detached = true;
        spinlock_release(&sched_lock);
    }
    thread_exit(last ? status : WAIT_STATUS_EXITED(code));
}

void process_end_other_threads(void)
{
    struct thread *self = thread_current();
    struct process *process = self->process;
    spinlock_acquire(&process_lock);
    list_for_each(node, &process->threads)
    {
        struct thread *thread = list_entry(node, struct thread, process_node);
        if (thread != self)
            thread->exit_alone = true;
    }
    process_notify_other_threads_locked(process, self);
    /* Until they have left the list: freed, so off their harts and out of the old address space. */
    while (list_first(&process->threads) != &self->process_node ||
           self->process_node.next != &process->threads.head)
        wait_queue_sleep(&process->threads_gone, &process_lock);
    /* The thread that runs the new program leads the process: its tid is the pid. */
    extra_tids -= self->user_tid != process->pid;
    self->user_tid = process->pid;
    spinlock_release(&process_lock);
}

/*
 * Free a zombie: its threads (each must be off its hart: EXITED is set under
 * sched_lock, which is held until the switch away has finished), then its
 * address space, then the struct. Detached threads are freed by the hart
 * they exited on; wait for them to leave the list.
 */
static void process_free(struct process *zombie)
{
    for (;;) {
        spinlock_acquire(&process_lock);
        struct list_node *node = list_first(&zombie->threads);
        spinlock_release(&process_lock);
        if (node == NULL)
            break;
        struct thread *thread = list_entry(node, struct thread, process_node);
        spinlock_acquire(&sched_lock);
        bool ready_to_free = thread->state == THREAD_EXITED && !thread->detached;
        spinlock_release(&sched_lock);
        if (ready_to_free)
            thread_free(thread);
        else
            sched_yield(); /* with several harts: still switching away, or being freed */
    }
    process_release_resources(zombie); /* a process whose threads ended without process_exit */
    free_memory_set(zombie);
    kfree(zombie);
}

/* A stop or a continue of `child` that wait4 with these options reports (and forgets): 0 if none.
 */
static int take_stop_report_locked(struct process *child, int options)
{
    int report = child->stop_report;
    if (child->state != PROCESS_ALIVE || report == 0)
        return 0;
    if (WIFSTOPPED(report) ? (options & WUNTRACED) == 0 : (options & WCONTINUED) == 0)
        return 0;
    child->stop_report = 0;
    return report;
}

/*
 * wait4 with WUNTRACED or WCONTINUED: a stop or continue report of a
 * matching child is taken here; a zombie is left to process_wait's own
 * loop (asked with WNOHANG, so it reaps it or says none is left).
 */
static int wait_reporting_stops(int pid, int *status, int options)
{
    struct process *self = process_current();
    for (;;) {
        spinlock_acquire(&process_lock);
        bool have_child = false;
        bool have_zombie = false;
        list_for_each(node, &self->children)
        {
            struct process *child = list_entry(node, struct process, sibling_node);
            if (pid > 0 && child->pid != pid)
                continue;
            have_child = true;
            have_zombie |= child->state == PROCESS_ZOMBIE;
            int report = take_stop_report_locked(child, options);
            if (report != 0) { /* stopped or continued: reported, not reaped */
                int reported = child->pid;
                spinlock_release(&process_lock);
                if (status != NULL)
                    *status = report;
                return reported;
            }
        }
        if (!have_child || have_zombie) {
            spinlock_release(&process_lock);
            int reaped = process_wait(pid, status, WNOHANG);
            if (reaped != 0 || (options & WNOHANG) != 0)
                return reaped;
            continue; /* another thread reaped it first */
        }
        if ((options & WNOHANG) != 0) {
            spinlock_release(&process_lock);
            return 0;
        }
        /* Stops, continues and exits all wake child_exited; a signal ends the wait. */
        int error = wait_queue_sleep_interruptible(&self->child_exited, &process_lock);
        spinlock_release(&process_lock);
        if (error != 0)
            return error;
    }
}

int process_wait(int pid, int *status, int options)
{
    if ((options & (WUNTRACED | WCONTINUED)) != 0)
        return wait_reporting_stops(pid, status, options);
    bool no_hang = (options & WNOHANG) != 0;
    /* LAB 8 BEGIN: process_wait */
    struct process *self = process_current();
    spinlock_acquire(&process_lock);
    for (;;) {
        bool have_child = false;
        struct process *zombie = NULL;
        list_for_each(node, &self->children)
        {
            struct process *child = list_entry(node, struct process, sibling_node);
            if (pid > 0 && child->pid != pid)
                continue;
            have_child = true;
            if (child->state == PROCESS_ZOMBIE) {
                zombie = child;
                break;
            }
        }
        if (!have_child) {
            spinlock_release(&process_lock);
            return -ECHILD;
        }
        if (zombie != NULL) {
            remove_from_table_locked(zombie);
            spinlock_release(&process_lock);
            int reaped = zombie->pid;
            if (status != NULL)
                *status = zombie->exit_status;
            process_free(zombie);
            log_debug("[pid %d %s] reaped pid %d: its memory is back, %lu frames free", self->pid,
                      self->name, reaped, frame_free_count());
            return reaped;
        }
        if (no_hang) {
            spinlock_release(&process_lock);
            return 0;
        }
        /* A signal ends the wait (wait4 then returns -EINTR, or restarts). */
        int error = wait_queue_sleep_interruptible(&self->child_exited, &process_lock);
        if (error != 0) {
            spinlock_release(&process_lock);
            return error;
        }
    }
    /* LAB 8 END: process_wait */
}

/* ---- Process groups and sessions ----------------------------------------------- */

long process_setpgid(int pid, int pgid)
{
    struct process *self = process_current();
    if (pgid < 0)
        return -EINVAL;
    spinlock_acquire(&process_lock);
    struct process *target = pid == 0 ? self : find_locked(pid);
    long result = 0;
    if (target == NULL || (target != self && target->parent != self)) {
        result = -ESRCH; /* only the caller and its children */
    } else if (target->sid != self->sid || target->pid == target->sid) {
        result = -EPERM; /* another session's, or a session leader */
    } else {
        int group = pgid == 0 ? target->pid : pgid;
        bool group_exists = group == target->pid;
        for (int slot = 0; slot < PROCESS_MAX && !group_exists; slot++) {
            struct process *other = table[slot];
            group_exists = other != NULL && other->pgid == group && other->sid == self->sid;
        }
        if (!group_exists)
            result = -EPERM; /* a group of this session, or a new one named after target */
        else
            target->pgid = group;
    }
    spinlock_release(&process_lock);
    return result;
}

long process_getpgid(int pid)
{
    spinlock_acquire(&process_lock);
    struct process *target = pid == 0 ? process_current() : find_locked(pid);
    long result = target != NULL ? target->pgid : -ESRCH;
    spinlock_release(&process_lock);
    return result;
}

long process_setsid(void)
{
    struct process *self = process_current();
    spinlock_acquire(&process_lock);
    bool leads_a_group = false;
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        struct process *other = table[slot];
        leads_a_group |= other != NULL && other != self && other->pgid == self->pid;
    }
    long result = -EPERM; /* a group leader cannot start a session: its group would split */
    if (!leads_a_group && self->pgid != self->pid) {
        self->pgid = self->pid;
        self->sid = self->pid;
        result = self->pid;
    }
    spinlock_release(&process_lock);
    return result;
}

long process_getsid(int pid)
{
    spinlock_acquire(&process_lock);
    struct process *target = pid == 0 ? process_current() : find_locked(pid);
    long result = target != NULL ? target->sid : -ESRCH;
    spinlock_release(&process_lock);
    return result;
}

void process_print_all(void)
{
    spinlock_acquire(&process_lock);
    spinlock_acquire(&sched_lock);
    for (int slot = 0; slot < PROCESS_MAX; slot++) {
        struct process *process = table[slot];
        if (process == NULL)
            continue;
        kprintf("  process %d '%s' %s, %d live thread(s)\n", process->pid, process->name,
                process->state == PROCESS_ZOMBIE ? "zombie" : "alive", process->live_threads);
        list_for_each(node, &process->threads)
        {
            struct thread *thread = list_entry(node, struct thread, process_node);
            kprintf("    thread %d '%s' %s%s%s%s\n", thread->tid, thread->name,
                    thread_state_name(thread->state), thread->waiting_on != NULL ? " on '" : "",
                    thread->waiting_on != NULL ? thread->waiting_on->name : "",
                    thread->waiting_on != NULL ? "'" : "");
        }
    }
    spinlock_release(&sched_lock);
    spinlock_release(&process_lock);
}
