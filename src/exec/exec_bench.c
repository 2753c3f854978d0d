/*
 * user_bench.c: runs user/prog/bench_syscall, which measures system calls
 * from user mode and prints its own BENCH lines (getpid, fork+exit+wait4,
 * execve). This case adds one figure of its own: the whole program's cost.
 */
#include "bench/bench.h"
#include "console/console.h"
#include "arch/riscv.h"
#include "proc/process.h"
#include "exec/exec.h"

static void bench_user_programs(void)
{
    const char *argv[] = {"bench_syscall"};
    uint64_t before = read_instret();
    int pid = exec_spawn("bench_syscall", 1, argv);
    int status = -1;
    if (pid < 0 || process_wait(pid, &status, false) != pid || status != 0) {
        kprintf("bench: bench_syscall failed (pid %d, wait status 0x%x)\n", pid, status);
        return; /* no figure: bench_run_all reports this case as failed */
    }
    bench_report("bench_syscall_program_insns", read_instret() - before, "insns",
                 "the whole bench_syscall run, spawn to reap");
}
BENCH_CASE(bench_user_programs);
