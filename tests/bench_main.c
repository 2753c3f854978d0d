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
#include "main.h"

void kernel_run(void)
{
    bench_report("boot_insns", kmain_boot_instructions(), "insns",
                 "instret from the first instruction of entry.S to the end of kmain's init");
    int failures = bench_run_all();
    machine_exit(failures > 255 ? 255 : failures);
}
