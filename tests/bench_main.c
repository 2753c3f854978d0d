/*
 * bench_main.c: kernel_run for the benchmark image (make bench).
 *
 * scripts/bench.py boots this image under `qemu -icount shift=0`, where the
 * instret counter counts guest instructions exactly. Each benchmark prints
 * one line "BENCH <key> <value> <unit> <method>"; the script turns them into
 * build/bench.json.
 */
#include "bench/bench.h"
#include "dev/machine.h"
#include "exec/exec.h"
#include "main.h"
#include "proc/sched.h"

/*
 * With a disk attached, the first name looked up in the root directory
 * reads its block from the disk: a wait that the virtual clock would count
 * in whichever figure met it first. Look one up before measuring anything.
 */
static void warm_the_root_directory(void)
{
    struct exec_program program;
    if (exec_find_program("/.bench-warm-up", &program) == 0)
        exec_program_release(&program);
    /*
     * The mount's and this lookup's waits moved the virtual clock by what the
     * host took, and with it the ticks to come. Ticks lie on a fixed grid:
     * waking from a sleep of one tick puts the benchmarks back on it.
     */
    sched_sleep_ticks(1);
}

void kernel_run(void)
{
    bench_report("boot_insns", kmain_boot_instructions(), "insns",
                 "instret from the first instruction of entry.S to the end of kmain's init, "
                 "before the file system's mount (whose disk waits the virtual clock counts)");
    warm_the_root_directory();
    int failures = bench_run_all();
    machine_exit(failures > 255 ? 255 : failures);
}
