/*
 * exec.c: starting init and other programs in new processes. See exec.h.
 */
#include "exec/exec.h"

#include "abi/errno.h"
#include "arch/context.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "exec/loader.h"
#include "exec/user_program.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "mm/memory_set.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

void exec_initial_context(struct context *context, const struct user_image *image)
{
    memset(context, 0, sizeof(*context));
    context->sepc = image->entry;
    context->x[REG_SP] = image->stack_pointer;
    /*
     * SPP = 0: sret goes to user mode; SPIE = 1: interrupts on there. FS =
     * Off: the first FP instruction traps and gets zeroed registers
     * (proc/fp.h); nothing of the kernel's or another program's leaks in.
     */
    context->sstatus =
        (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_FS)) | SSTATUS_SPIE;
}

static exec_file_reader_t file_reader;

void exec_set_file_reader(exec_file_reader_t reader)
{
    file_reader = reader;
}

const char *exec_basename(const char *path)
{
    const char *base = path;
    for (const char *c = path; *c != '\0'; c++) {
        if (*c == '/' && c[1] != '\0')
            base = c + 1;
    }
    return base;
}

int exec_find_program(const char *path, struct exec_program *out)
{
    out->owned = NULL;
    int error = -ENOENT;
    if (file_reader != NULL) {
        void *image;
        size_t size;
        error = file_reader(path, &image, &size);
        if (error == 0) {
            out->elf = image;
            out->size = size;
            out->owned = image;
            return 0;
        }
        if (error != -ENOENT)
            return error;
    }
    const struct user_program *program = user_program_find(exec_basename(path));
    if (program == NULL)
        return error;
    out->elf = program->elf;
    out->size = program->size;
    return 0;
}

void exec_program_release(struct exec_program *program)
{
    kfree(program->owned);
    program->owned = NULL;
}

/* exec_spawn; `is_init` marks the process as init before its thread can run. */
static int spawn(const char *name, const struct loader_arguments *args, bool is_init)
{
    /*
     * Let user code read cycle, time and instret (rdcycle, rdtime, rdinstret):
     * programs time themselves, and the benchmarks count instructions.
     */
    csr_write(scounteren, 7);
    struct exec_program program;
    int error = exec_find_program(name, &program);
    if (error != 0)
        return error;
    const char *base = exec_basename(name);
    struct memory_set *set = kzalloc(sizeof(*set));
    struct user_image image;
    error = set == NULL ? -ENOMEM : loader_load(set, base, program.elf, program.size, args, &image);
    exec_program_release(&program);
    if (error != 0) {
        kfree(set);
        return error;
    }
    struct process *process;
    error = process_create(base, &kernel_process, set, &process);
    if (error != 0) {
        memory_set_destroy(set);
        kfree(set);
        return error;
    }
    process->brk_start = image.brk_start;
    process->brk = image.brk_start;
    /*
     * Before the thread exists: a program that ends at once (no disk, a
     * short init= program) must already be init when it exits, or its end
     * would not be the machine's.
     */
    if (is_init) {
        process_set_init(process->pid);
        log_info("kernel: started %s as pid %d", args->argv[0], process->pid);
    }
    struct context context;
    exec_initial_context(&context, &image);
    if (thread_create_user(process, &context, base) == NULL) {
        process_abandon(process);
        return -ENOMEM;
    }
    return process->pid;
}

int exec_spawn(const char *name, int argc, const char *const argv[])
{
    const struct loader_arguments args = {.argc = argc, .argv = argv, .execfn = name};
    return spawn(name, &args, false);
}

#define INIT_ARGS_MAX 8
#define INIT_ENV_MAX  8

/*
 * init's environment: init.env=A=1,B=2 on the command line (commas between
 * the variables, since a space ends a boot argument), or by default what a
 * shell needs to find programs and a terminal program needs to draw.
 */
static int init_environment(const char *envp[INIT_ENV_MAX])
{
    static char text[128];
    if (!devicetree_bootarg("init.env", text, sizeof(text))) {
        envp[0] = "PATH=/bin";
        envp[1] = "HOME=/";
        envp[2] = "TERM=vt100";
        return 3;
    }
    int envc = 0;
    for (char *variable = text; *variable != '\0' && envc < INIT_ENV_MAX;) {
        envp[envc++] = variable;
        while (*variable != '\0' && *variable != ',')
            variable++;
        if (*variable == ',')
            *variable++ = '\0';
    }
    return envc;
}

void exec_run_init(void)
{
    /*
     * init=NAME on the command line picks pid 1's program: usertests, for
     * instance; init.args=A,B,C gives it arguments (commas for spaces, which
     * end a boot argument): init=forkstress init.args=1000,4.
     */
    char program[32] = "init";
    devicetree_bootarg("init", program, sizeof(program));
    /* A bare name is a program in /bin (or, without a disk, the packed one of that name). */
    char path[40];
    snprintf(path, sizeof(path), "%s%s", strchr(program, '/') != NULL ? "" : "/bin/", program);
    static char args[96];
    const char *argv[INIT_ARGS_MAX + 1] = {program};
    int argc = 1;
    if (devicetree_bootarg("init.args", args, sizeof(args))) {
        for (char *arg = args; *arg != '\0' && argc < INIT_ARGS_MAX + 1;) {
            argv[argc++] = arg;
            while (*arg != '\0' && *arg != ',')
                arg++;
            if (*arg == ',')
                *arg++ = '\0';
        }
    }
    const char *envp[INIT_ENV_MAX];
    const struct loader_arguments init_args = {
        .argc = argc, .argv = argv, .envc = init_environment(envp), .envp = envp, .execfn = path};
    int pid = spawn(path, &init_args, true); /* says "kernel: started ..." */
    if (pid < 0) {
        log_error("kernel: cannot start the first program '%s': error %d", program, pid);
        machine_exit(1);
    }
    /*
     * The boot thread's last job: reap what is handed to process 0 (orphans,
     * while init is not there). When init ends, the machine powers off.
     */
    for (;;) {
        int status;
        if (process_wait(-1, &status, false) < 0)
            sched_sleep_ns(1000000000ull);
    }
}
