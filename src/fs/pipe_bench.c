/*
 * pipe_bench.c: runs user/prog/bench_pipe, which measures a pipe round trip
 * between two processes and a pipe's throughput, and prints its own BENCH
 * lines (docs/pipes.md explains the figures).
 */
#include "arch/riscv.h"
#include "bench/bench.h"
#include "console/console.h"
#include "exec/exec.h"
#include "proc/process.h"

static void bench_pipes(void)
{
    const char *argv[] = {"bench_pipe"};
    uint64_t before = read_instret();
    int pid = exec_spawn("bench_pipe", 1, argv);
    int status = -1;
    if (pid < 0 || process_wait(pid, &status, false) != pid || status != 0) {
        kprintf("bench: bench_pipe failed (pid %d, wait status 0x%x)\n", pid, status);
        return; /* no figure: bench_run_all reports this case as failed */
    }
    bench_report("bench_pipe_program_insns", read_instret() - before, "insns",
                 "the whole bench_pipe run, spawn to reap");
}
BENCH_CASE(bench_pipes);
