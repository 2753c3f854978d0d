/*
 * linux_bench.c: what unmodified Linux programs cost, in guest instructions
 * (make bench; the disk is build/fs-linux.img, which has them).
 *
 *   linux_hello_insns      /bin/linux_hello, glibc's static hello
 *                          (tests/linux/src/hello.c): spawn to reap
 *   busybox_script_insns   /bin/busybox ash /tests/busybox_script.sh, the
 *                          Tier 1 workout: spawn to reap, every fork, exec
 *                          and applet in it included
 *
 * Each is the median of three runs after one unmeasured run that brings the
 * program's blocks into the buffer cache. As in fs_bench.c, a thread of this
 * benchmark stands in for the idle thread, and the instructions the hart
 * "runs" asleep in wfi (which under -icount follow the virtual clock, and so
 * the host's disk) are taken out, and the file system's clock is held still.
 */
#include "arch/irq.h"
#include "arch/riscv.h"
#include "bench/bench.h"
#include "console/console.h"
#include "exec/exec.h"
#include "fs/fs.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define RUNS 3

static volatile bool idle_stop;
static volatile uint64_t idle_instret;

static int linux_idle_main(void *unused)
{
    while (!idle_stop) {
        uint64_t before = read_instret();
        irq_state_t state = irq_save();
        while (sched_ready_count() == 0 && !idle_stop) {
            wfi();
            irq_restore(state);
            state = irq_save();
        }
        irq_restore(state);
        idle_instret += read_instret() - before;
        sched_yield();
    }
    return 0;
}

/* One run, spawn to reap, less idle: its instructions, or 0 if it failed. */
static uint64_t run_once(int argc, const char *argv[])
{
    uint64_t idle_before = idle_instret;
    uint64_t before = read_instret();
    int pid = exec_spawn(argv[0], argc, argv);
    int status = -1;
    if (pid < 0 || process_wait(pid, &status, false) != pid || status != 0) {
        kprintf("bench: %s failed (pid %d, wait status 0x%x): is it on the disk? make bench "
                "attaches build/fs-linux.img\n",
                argv[0], pid, status);
        return 0;
    }
    return read_instret() - before - (idle_instret - idle_before);
}

/* The median of RUNS measured runs after a warm-up; 0 on failure. */
static uint64_t median_run(int argc, const char *argv[])
{
    if (run_once(argc, argv) == 0)
        return 0;
    uint64_t samples[RUNS];
    for (int i = 0; i < RUNS; i++) {
        samples[i] = run_once(argc, argv);
        if (samples[i] == 0)
            return 0;
    }
    return bench_percentile(samples, RUNS, 50);
}

static void bench_linux_programs(void)
{
    if (fs_root() == NULL) {
        kprintf("bench: no root file system: attach the disk (scripts/bench.py --disk)\n");
        return;
    }
    idle_stop = false;
    struct thread *idle = thread_create(linux_idle_main, NULL, "bench-idle");
    if (idle == NULL)
        return;
    fs_freeze_clock(true);
    const char *hello[] = {"/bin/linux_hello"};
    uint64_t spent = median_run(1, hello);
    if (spent != 0)
        bench_report("linux_hello_insns", spent, "insns",
                     "glibc's static hello (tests/linux/src/hello.c), spawn to reap, less idle; "
                     "median of 3 after a warm-up");
    const char *script[] = {"/bin/busybox", "ash", "/tests/busybox_script.sh"};
    spent = median_run(3, script);
    if (spent != 0)
        bench_report("busybox_script_insns", spent, "insns",
                     "BusyBox ash running tests/linux/busybox_script.sh, spawn to reap (every "
                     "fork, exec and applet), less idle; median of 3 after a warm-up");
    fs_freeze_clock(false);
    idle_stop = true;
    thread_join(idle, NULL);
    sched_sleep_ticks(1); /* back onto the tick grid (fs_bench.c says why) */
}
BENCH_CASE(bench_linux_programs);
