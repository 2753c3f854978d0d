/*
 * sys_process.c: the process lifecycle from user mode: fork (clone),
 * execve, exit, wait4, kill, and the small ones (getpid, sched_yield).
 *
 *   clone  with CLONE_THREAD makes a thread instead (sys_thread.c);
 *   fork   shares the address space copy-on-write (memory_set_clone) and starts
 *          a thread in the child with the parent's registers, a0 = 0;
 *   execve builds the new address space first and only then drops the old
 *          one, so a failed execve returns an errno to a caller still intact;
 *   exit   leaves a zombie that holds the status until wait4 takes it;
 *   kill   marks the process, which ends the next time it would return to
 *          user mode (right away, if it is running user code or yielding).
 */
#include "console/console.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "exec/loader.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "proc/signal.h"
#include "proc/fp.h"
#include "proc/thread.h"
#include "exec/exec.h"
#include "fs/files.h"
#include "fs/path.h"

#include "abi/mman.h"
#include "abi/sched.h"
#include "abi/signal.h"
#include "abi/time.h"
#include "abi/wait.h"

#define PATH_BUFFER_SIZE (PATH_MAX_LENGTH + 1) /* Linux's PATH_MAX, the NUL included */

long sys_sched_yield(struct context *context)
{
    sched_yield();
    return 0;
}

long sys_getpid(struct context *context)
{
    return process_current()->pid;
}

long sys_getppid(struct context *context)
{
    spinlock_acquire(&process_lock);
    struct process *parent = process_current()->parent;
    int pid = parent != NULL ? parent->pid : 0;
    spinlock_release(&process_lock);
    return pid;
}

/*
 * The thread-id flags glibc's fork passes: CLONE_CHILD_SETTID stores the
 * child's tid at child_tid in the child's memory before it runs (glibc's
 * fork reads its own tid from there). CLONE_CHILD_CLEARTID asks for 0 there
 * and a futex wake at the child's exit; without CLONE_VM no one else sees
 * that memory, so there is nothing to do. CLONE_PARENT_SETTID stores it in
 * the parent's memory.
 */
#define CLONE_FORK_TID_FLAGS (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID)

static int clone_store_child_tid(struct memory_set *child_set, uint64_t flags, uint64_t child_tid,
                                 int pid)
{
    if (!(flags & CLONE_CHILD_SETTID))
        return 0;
    /* copy_to_user writes the current address space: the child's needs memory_set_write,
       which also gives the child its own copy of the copy-on-write page. */
    const struct segment *segment = memory_set_find_segment(child_set, vaddr(child_tid));
    if (segment == NULL || !(segment->flags & PTE_W) || !(segment->flags & PTE_U) ||
        segment->end.value - child_tid < sizeof(pid))
        return -EFAULT;
    return memory_set_write(child_set, child_tid, &pid, sizeof(pid));
}

/*
 * vfork: clone(CLONE_VM | CLONE_VFORK | SIGCHLD, stack), as glibc's vfork
 * (stack = its own sp) and posix_spawn (a stack of its own, which the child
 * runs its start function on) call it. Linux lends the child the parent's
 * memory and suspends the parent until the child execs or exits. Here the
 * child gets a copy-on-write copy instead, as fork's, and the parent runs
 * on: what POSIX allows a vfork to be. A program that obeys vfork's rules
 * (the child only execs or _exits) sees no difference; the one that peeks
 * at what its child wrote (BusyBox's spawn() for an exec failure, glibc's
 * posix_spawn for its errno) learns it from the exit status instead (127).
 */
static long clone_vfork(struct context *context)
{
    uint64_t flags = syscall_arg(context, 0) & ~(uint64_t)(CLONE_VM | CLONE_VFORK);
    uint64_t stack = syscall_arg(context, 1);
    /* A fork whose child starts on `stack`: the parent's context, lent for the call. */
    uint64_t parent_sp = context->x[REG_SP];
    context->x[REG_A0] = flags;
    context->x[REG_A0 + 1] = 0;
    if (stack != 0)
        context->x[REG_SP] = stack;
    long result = sys_clone(context);
    context->x[REG_SP] = parent_sp; /* (a0 becomes the result; a1 is the user's again) */
    context->x[REG_A0 + 1] = stack;
    return result;
}

long sys_clone(struct context *context)
{
    uint64_t vfork_flags = CLONE_VM | CLONE_VFORK;
    if ((syscall_arg(context, 0) & (vfork_flags | CLONE_THREAD)) == vfork_flags)
        return clone_vfork(context);
    /* Anything that shares (memory, handlers, the process): a thread, or Linux's -EINVAL. */
    if ((syscall_arg(context, 0) & (CLONE_THREAD_NEEDS | CLONE_THREAD)) != 0)
        return sys_clone_thread(context);
    /* LAB 8 BEGIN: sys_clone */
    uint64_t flags = syscall_arg(context, 0);
    uint64_t stack = syscall_arg(context, 1);
    /* fork semantics only: a new process with a copy of everything, no shared memory. */
    if ((flags & ~(uint64_t)(CLONE_EXIT_SIGNAL_MASK | CLONE_FORK_TID_FLAGS)) != 0 || stack != 0)
        return -EINVAL;
    struct thread *parent_thread = thread_current();
    struct process *parent = parent_thread->process;
    struct memory_set *set = kzalloc(sizeof(*set));
    if (set == NULL)
        return -ENOMEM;
    int error = memory_set_clone(set, parent->memory_set);
    if (error != 0) {
        kfree(set);
        return error;
    }
    struct process *child;
    error = process_create(parent->name, parent, set, &child);
    if (error != 0) {
        memory_set_destroy(set);
        kfree(set);
        return error;
    }
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    /* The child resumes where the parent does, after the ecall (sepc is past it), seeing 0. */
    struct context child_context = *context;
    child_context.x[REG_A0] = 0;
    /*
     * Everything about the child is read before its thread starts: from then
     * on another hart may run it, and its execve or exit frees `set` (and
     * even `child`) while this call is still here.
     */
    int pid = child->pid;
    uint64_t shared = memory_set_user_frames(set);
    error = clone_store_child_tid(set, flags, syscall_arg(context, 4), pid);
    if (error == 0 && thread_create_user(child, &child_context, parent->name) == NULL)
        error = -ENOMEM;
    if (error != 0) {
        process_abandon(child);
        return error;
    }
    log_debug("[pid %d %s] fork: child pid %d, %lu KiB of memory shared copy-on-write", parent->pid,
              parent->name, pid, shared * PAGE_SIZE / 1024);
    if ((flags & CLONE_PARENT_SETTID) &&
        copy_to_user(parent->memory_set, syscall_arg(context, 2), &pid, sizeof(pid)) != 0)
        return -EFAULT; /* as Linux: the child runs all the same */
    return pid;
    /* LAB 8 END: sys_clone */
}

/* Free what copy_arguments built. */
static void free_arguments(char **argv, int argc)
{
    for (int i = 0; i < argc; i++)
        kfree(argv[i]);
    kfree(argv);
}

/* Copy a user argv[] (NULL-terminated) into kernel memory. Returns argc or -errno. */
static int copy_arguments(const struct memory_set *set, uint64_t user_argv, char ***out)
{
    char **argv = kzalloc(sizeof(char *) * USER_ARGC_MAX);
    if (argv == NULL)
        return -ENOMEM;
    int argc = 0;
    size_t total = 0;
    for (;; argc++) {
        uint64_t pointer = 0;
        if (user_argv != 0 &&
            copy_from_user(set, &pointer, user_argv + 8 * (uint64_t)argc, 8) != 0) {
            free_arguments(argv, argc);
            return -EFAULT;
        }
        if (pointer == 0)
            break;
        if (argc == USER_ARGC_MAX) {
            free_arguments(argv, argc);
            return -E2BIG;
        }
        char *text = kmalloc(USER_ARGS_MAX);
        long length = text == NULL ? -ENOMEM : string_from_user(set, text, pointer, USER_ARGS_MAX);
        if (length < 0) {
            kfree(text);
            free_arguments(argv, argc);
            return length == -ENAMETOOLONG ? -E2BIG : (int)length;
        }
        argv[argc] = krealloc(text, (size_t)length + 1); /* keep only what the string needs */
        if (argv[argc] == NULL)
            argv[argc] = text; /* shrinking failed: the big buffer will do */
        total += (size_t)length + 1 + 8;
        if (total > USER_ARGS_MAX) {
            free_arguments(argv, argc + 1);
            return -E2BIG;
        }
    }
    *out = argv;
    return argc;
}

long sys_execve(struct context *context)
{
    uint64_t path = syscall_arg(context, 0);
    uint64_t user_argv = syscall_arg(context, 1);
    uint64_t envp = syscall_arg(context, 2);
    struct thread *thread = thread_current();
    struct process *process = thread->process;
    char *name = kmalloc(PATH_BUFFER_SIZE);
    if (name == NULL)
        return -ENOMEM;
    long length = string_from_user(process->memory_set, name, path, PATH_BUFFER_SIZE);
    if (length < 0) {
        kfree(name);
        return length;
    }
    /* A file on the disk; or, where there is none, a packed program ("/bin/hello" is hello). */
    struct exec_program program;
    int error = exec_find_program(name, &program);
    char base[PROCESS_NAME_MAX];
    strlcpy(base, exec_basename(name), sizeof(base));
    if (error != 0) {
        kfree(name);
        return error;
    }
    /* The environment goes to the new program's stack, as argv does (loader.h). */
    char **envv = NULL;
    int envc = copy_arguments(process->memory_set, envp, &envv);
    char **argv = NULL;
    int argc = envc < 0 ? envc : copy_arguments(process->memory_set, user_argv, &argv);
    if (argc < 0) {
        if (envc >= 0)
            free_arguments(envv, envc);
        exec_program_release(&program);
        kfree(name);
        return argc;
    }

    struct memory_set *set = kzalloc(sizeof(*set));
    struct user_image image;
    const struct loader_arguments args = {.argc = argc,
                                          .argv = (const char *const *)argv,
                                          .envc = envc,
                                          .envp = (const char *const *)envv,
                                          .execfn = name};
    error =
        set == NULL ? -ENOMEM : loader_load(set, base, program.elf, program.size, &args, &image);
    free_arguments(argv, argc);
    free_arguments(envv, envc);
    kfree(name);
    exec_program_release(&program);
    if (error != 0) {
        kfree(set);
        return error;
    }
    /* The point of no return: the other threads end (Linux's de_thread), then the old space goes.
     */
    process_end_other_threads();
    struct memory_set *old = process->memory_set;
    process->memory_set = set;
    set->threads = 1; /* the caller alone: the others ended above */
    memory_set_activate(set);
    memory_set_destroy(old);
    kfree(old);
    process->brk_start = image.brk_start;
    process->brk = image.brk_start;
    /* Reports name what runs now: the panic header and the hart's name follow the thread's. */
    strlcpy(process->name, base, sizeof(process->name));
    strlcpy(thread->name, base, sizeof(thread->name));
    log_debug("[pid %d] exec %s: %d argument(s), entry 0x%lx, %lu KiB mapped", process->pid, base,
              argc, image.entry, memory_set_user_bytes(set) / 1024);
    files_close_on_exec(); /* the descriptors marked close-on-exec end with the old program */
    signal_reset_on_exec(process); /* its handlers were in the old program */
    exec_initial_context(thread->trap_context, &image);
    fp_reset(thread); /* the old program's FP registers end with it */
    return 0;         /* lands in a0 of the fresh context: main's argc comes from the stack */
}

long sys_wait4(struct context *context)
{
    uint64_t pid = syscall_arg(context, 0);
    uint64_t status = syscall_arg(context, 1);
    uint64_t options = syscall_arg(context, 2);
    /* Argument 3, struct rusage: no resource accounting to report, so it is never written. */
    if ((options & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED)) != 0)
        return -EINVAL;
    const struct memory_set *set = process_current()->memory_set;
    /* Check the status pointer before reaping, so a bad one loses no child. */
    if (status != 0 && !user_range_ok(set, status, sizeof(int), PTE_W))
        return -EFAULT;
    int wait_status = 0;
    int reaped = process_wait((int)(int64_t)pid, &wait_status, (int)options);
    if (reaped > 0 && status != 0 && copy_to_user(set, status, &wait_status, sizeof(int)) != 0)
        return -EFAULT;
    return reaped;
}
