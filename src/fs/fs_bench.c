/*
 * fs_bench.c: what files cost, in guest instructions (make bench, with the
 * disk attached as a raw image).
 *
 * Each workload is a run of user/prog/bench_fs in a process of its own:
 * the figure is every instruction from its spawn to its reap, less the
 * same for `bench_fs none` (the cost of a process), less the instructions
 * the hart "ran" asleep in wfi while the disk worked. That last part needs
 * care: under qemu -icount, instret follows the virtual clock, which moves
 * on while the hart waits (docs/DESIGN: keep idle out of measured windows).
 * So a thread of this benchmark stands in for the idle thread while it
 * runs (it is always ready, so the real one never runs): while nothing else
 * can run it waits in wfi, as the idle thread does, letting each interrupt
 * in and going back to wfi until something is ready, and it counts all of
 * that as idle: the wfi, and the interrupts taken meanwhile. Under
 * -icount,sleep=off the virtual clock jumps to the next tick whenever the
 * hart waits, so while the host's disk works the hart takes however many
 * ticks the host's speed decides; counting them as idle keeps them out.
 * The disk's own interrupt, which ends the wait, is left out with them:
 * the figures are the instructions of the work. The file system's clock is
 * held still too: timestamps are whole seconds, and whether a read writes
 * the inode's atime must not depend on which second the host reached.
 */
#include "arch/irq.h"
#include "arch/riscv.h"
#include "bench/bench.h"
#include "console/console.h"
#include "exec/exec.h"
#include "fs/bcache.h"
#include "fs/ext2.h"
#include "fs/fs.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define RUNS 3 /* each workload, for a median */

static volatile bool idle_stop;
static volatile uint64_t idle_instret; /* counted in wfi since the benchmark started */

static int bench_idle_main(void *unused)
{
    while (!idle_stop) {
        uint64_t before = read_instret();
        irq_state_t state = irq_save();
        while (sched_ready_count() == 0 && !idle_stop) {
            wfi();
            irq_restore(state); /* the interrupt that ended the wait runs here */
            state = irq_save();
        }
        irq_restore(state);
        idle_instret += read_instret() - before;
        sched_yield();
    }
    return 0;
}

/* Run bench_fs with these arguments: its instructions less idle, or 0 if it failed. */
static uint64_t run_phase(int argc, const char *argv[])
{
    uint64_t idle_before = idle_instret;
    uint64_t before = read_instret();
    int pid = exec_spawn("bench_fs", argc, argv);
    int status = -1;
    if (pid < 0 || process_wait(pid, &status, false) != pid || status != 0) {
        kprintf("bench: bench_fs %s failed (pid %d, wait status 0x%x)\n", argc > 1 ? argv[1] : "",
                pid, status);
        return 0;
    }
    return read_instret() - before - (idle_instret - idle_before);
}

static uint64_t run(const char *phase)
{
    const char *argv[] = {"bench_fs", phase};
    return run_phase(2, argv);
}

/* The median of RUNS runs of `phase`, with `between` (unmeasured) before each; 0 on failure. */
static uint64_t median_of(const char *phase, const char *between, uint64_t baseline)
{
    uint64_t samples[RUNS];
    for (int i = 0; i < RUNS; i++) {
        if (between != NULL && run(between) == 0)
            return 0;
        uint64_t spent = run(phase);
        if (spent == 0 || spent < baseline)
            return 0;
        samples[i] = spent - baseline;
    }
    return bench_percentile(samples, RUNS, 50);
}

/* Forget every cached block of the disk: the next reads come from the device. */
static bool drop_cache(void)
{
    return bcache_forget_device(ext2_fs_device(fs_root())) == 0;
}

static void measure(void)
{
    uint64_t baseline_samples[RUNS];
    run("none"); /* the first run reads directories the others find cached */
    for (int i = 0; i < RUNS; i++)
        baseline_samples[i] = run("none");
    uint64_t baseline = bench_percentile(baseline_samples, RUNS, 50);
    if (baseline == 0)
        return;

    uint64_t write = median_of("write", "cleanup", baseline);
    if (write != 0)
        bench_report("file_write_1m_insns", write, "insns",
                     "bench_fs write: create, 1 MiB in 16 KiB writes, fsync, close; spawn to reap "
                     "less an empty process and less the hart's idle wait for the disk; median "
                     "of 3");

    uint64_t cold[RUNS];
    bool cold_ok = true;
    for (int i = 0; i < RUNS && cold_ok; i++) {
        uint64_t spent = drop_cache() ? run("read") : 0;
        cold_ok = spent > baseline;
        cold[i] = spent - baseline;
    }
    if (cold_ok)
        bench_report("file_read_1m_cold_insns", bench_percentile(cold, RUNS, 50), "insns",
                     "bench_fs read: open, 1 MiB in 16 KiB reads, close, with the buffer cache "
                     "emptied first; less an empty process and the idle wait; median of 3");
    uint64_t warm = median_of("read", NULL, baseline);
    if (warm != 0)
        bench_report("file_read_1m_warm_insns", warm, "insns",
                     "the same read with every block cached; median of 3");

    const char *create_argv[] = {"bench_fs", "create", "100"};
    uint64_t create[RUNS];
    bool create_ok = run("setup") != 0;
    for (int i = 0; i < RUNS && create_ok; i++) {
        uint64_t spent = run_phase(3, create_argv);
        create_ok = spent > baseline;
        create[i] = (spent - baseline) / 100;
    }
    if (create_ok)
        bench_report("file_create_unlink_insns", bench_percentile(create, RUNS, 50), "insns",
                     "bench_fs create 100: per file, open(O_CREAT|O_EXCL) + close, then unlink, "
                     "in one directory; median of 3");
    run("cleanup");
}

static void bench_files(void)
{
    if (fs_root() == NULL) {
        kprintf("bench: no root file system: attach the disk (scripts/bench.py --disk)\n");
        return;
    }
    idle_stop = false;
    struct thread *idle = thread_create(bench_idle_main, NULL, "bench-idle");
    if (idle == NULL)
        return;
    fs_freeze_clock(true); /* relatime's choices must not depend on the host's seconds */
    measure();
    fs_freeze_clock(false);
    idle_stop = true;
    thread_join(idle, NULL);
    /*
     * The disk's waits moved the virtual clock by what the host took, and
     * with it where the next tick falls. Ticks lie on a fixed grid: waking
     * from a sleep of one tick starts the benchmarks that follow on it
     * again, so their figures do not depend on the host either.
     */
    sched_sleep_ticks(1);
}
BENCH_CASE(bench_files);
