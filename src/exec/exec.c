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
    /* SPP = 0: sret goes to user mode; SPIE = 1: interrupts on there. */
    context->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE)) | SSTATUS_SPIE;
}

int exec_spawn(const char *name, int argc, const char *const argv[])
{
    /*
     * Let user code read cycle, time and instret (rdcycle, rdtime, rdinstret):
     * programs time themselves, and the benchmarks count instructions.
     */
    csr_write(scounteren, 7);
    const struct user_program *program = user_program_find(name);
    if (program == NULL)
        return -ENOENT;
    struct memory_set *set = kzalloc(sizeof(*set));
    if (set == NULL)
        return -ENOMEM;
    struct user_image image;
    int error = loader_load_image(set, name, program->elf, program->size, argc, argv, &image);
    if (error != 0) {
        kfree(set);
        return error;
    }
    struct process *process;
    error = process_create(name, &kernel_process, set, &process);
    if (error != 0) {
        memory_set_destroy(set);
        kfree(set);
        return error;
    }
    process->brk_start = image.brk_start;
    process->brk = image.brk_start;
    struct context context;
    exec_initial_context(&context, &image);
    if (thread_create_user(process, &context, name) == NULL) {
        process_abandon(process);
        return -ENOMEM;
    }
    return process->pid;
}

#define INIT_ARGS_MAX 8

void exec_run_init(void)
{
    /*
     * init=NAME on the command line picks pid 1's program: usertests, for
     * instance; init.args=A,B,C gives it arguments (commas for spaces, which
     * end a boot argument): init=forkstress init.args=1000,4.
     */
    char program[32] = "init";
    devicetree_bootarg("init", program, sizeof(program));
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
    int pid = exec_spawn(program, argc, argv);
    if (pid < 0) {
        log_error("kernel: cannot start the first program '%s': error %d", program, pid);
        machine_exit(1);
    }
    process_set_init(pid);
    log_info("kernel: started %s as pid %d", program, pid);
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
