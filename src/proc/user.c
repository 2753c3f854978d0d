/*
 * user.c: starting init, and how user processes end. See user.h.
 */
#include "proc/user.h"

#include "console/console.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "lib/errno.h"
#include "lib/riscv.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/memory_set.h"
#include "proc/loader.h"
#include "proc/process.h"
#include "proc/programs.h"
#include "proc/thread.h"

#include "../user/include/sys/abi.h"

/* The first program user_run started: when it ends, the machine does. */
static int init_pid = -1;

uint64_t user_memory_bytes(const struct memory_set *set)
{
    uint64_t bytes = 0;
    for (const struct segment *s = set->segments; s != NULL; s = s->next)
        bytes += s->end.value - s->start.value;
    return bytes;
}

/* The register state a program starts with: pc at its entry, sp at its arguments. */
void user_initial_context(struct context *context, const struct user_image *image)
{
    memset(context, 0, sizeof(*context));
    context->sepc = image->entry;
    context->x[REG_SP] = image->stack_pointer;
    /* SPP = 0: sret goes to user mode; SPIE = 1: interrupts on there. */
    context->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE)) | SSTATUS_SPIE;
}

int user_spawn(const char *name, int argc, const char *const argv[])
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
    int error = user_image_load(set, name, program->elf, program->size, argc, argv, &image);
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
    user_initial_context(&context, &image);
    if (thread_create_user(process, &context, name) == NULL) {
        process_abandon(process);
        return -ENOMEM;
    }
    return process->pid;
}

void user_process_end(int wait_status)
{
    struct process *process = process_current();
    if (process->pid == init_pid) {
        /* init is the session: its end is the machine's. */
        int code =
            (wait_status & 0x7f) == 0 ? (wait_status >> 8) & 0xff : 128 + (wait_status & 0x7f);
        log_info("init exited with status %d; powering off", code);
        machine_exit(code);
    }
    process_exit(wait_status);
}

void user_run(void)
{
    /* init=NAME on the command line picks pid 1's program: usertests, for instance. */
    char program[32] = "init";
    devicetree_bootarg("init", program, sizeof(program));
    const char *argv[] = {program};
    int pid = user_spawn(program, 1, argv);
    if (pid < 0) {
        log_error("kernel: cannot start the first program '%s': error %d", program, pid);
        machine_exit(1);
    }
    init_pid = pid;
    log_info("kernel: started %s as pid %d", program, pid);
    /*
     * The boot thread's last job: reap what is handed to process 0 (orphans,
     * while init is not there). When init ends, the machine powers off.
     */
    for (;;) {
        int status;
        if (process_wait(-1, &status, false) < 0)
            thread_sleep_ns(1000000000ull);
    }
}
