#!/usr/bin/env python3
"""smp_scaling.py: how four CPU-bound processes scale with 1, 2 and 4 harts.

Boots the kernel with init=burn (user/prog/burn.c: PROCESSES processes of
integer arithmetic at once, no system call in the loop) under
multi-threaded TCG (-accel tcg,thread=multi), so each hart is a host
thread and the harts really run side by side, as far as the host has cores.
This is wall time, not instructions: -icount would force one host thread
for all harts (make bench counts instructions that way).

For each number of harts it reports the medians over interleaved runs
(1, 2, 4, 1, 2, 4, ...), so a busy moment on the host hits every setting
alike:
    burn_s    the work's wall time, as the guest's `time` CSR measures it
    speedup   burn_s with one hart over burn_s with these harts
    spin_pct  the share of hart time spent spinning for spinlocks, since boot
              (the kernel prints it when init exits: proc/smp.c)
    host_s    the whole QEMU run, boot included, as the host measures it

The kernel proper carries no programs: burn comes from /bin on the disk,
which each run attaches as a snapshot (its writes go nowhere).

Usage: smp_scaling.py [--image build/kernel.elf] [--disk build/fs.img] [--harts 1,2,4]
                      [--runs 5] [--processes 4] [--rounds 100000000] [--json OUT]
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import time

BURN = re.compile(r"burn: (\d+) processes x (\d+) rounds in (\d+)\.(\d+) s, (\d+) of (\d+)")
SPIN = re.compile(r"smp: (\d+) harts; spinning for spinlocks (\d+)\.(\d)% of hart time")


def run_once(image, disk, harts, processes, rounds, timeout):
    command = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-m", "128M",
               "-smp", str(harts), "-accel", "tcg,thread=multi", "-nographic", "-no-reboot",
               "-drive", "file=%s,if=none,format=raw,id=hd0,snapshot=on" % disk,
               "-device", "virtio-blk-device,drive=hd0",
               "-global", "virtio-mmio.force-legacy=false",
               "-kernel", image, "-append",
               "init=burn init.args=%d,%d" % (processes, rounds)]
    start = time.monotonic()
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, check=False)
    host_s = time.monotonic() - start
    output = done.stdout.decode(errors="replace").replace("\r", "")
    burn = BURN.search(output)
    spin = SPIN.search(output)
    if done.returncode != 0 or burn is None or spin is None:
        sys.exit("smp_scaling: the run with %d harts failed (status %d):\n%s"
                 % (harts, done.returncode, output))
    if int(burn.group(5)) != int(burn.group(6)):
        sys.exit("smp_scaling: wrong answers with %d harts:\n%s" % (harts, output))
    return {
        "burn_s": int(burn.group(3)) + int(burn.group(4)) / 1000,
        "spin_pct": int(spin.group(2)) + int(spin.group(3)) / 10,
        "host_s": host_s,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", default="build/kernel.elf")
    parser.add_argument("--disk", default="build/fs.img")
    parser.add_argument("--harts", default="1,2,4")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=100000000)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--json")
    args = parser.parse_args()
    harts_list = [int(h) for h in args.harts.split(",")]

    samples = {harts: [] for harts in harts_list}
    for run in range(args.runs):
        for harts in harts_list:
            samples[harts].append(run_once(args.image, args.disk, harts, args.processes, args.rounds,
                                           args.timeout))
    medians = {}
    for harts in harts_list:
        medians[harts] = {key: statistics.median(s[key] for s in samples[harts])
                          for key in ("burn_s", "spin_pct", "host_s")}
    base = medians[harts_list[0]]["burn_s"] * harts_list[0]
    print("smp_scaling: %d processes x %d rounds, medians of %d interleaved runs, "
          "-accel tcg,thread=multi" % (args.processes, args.rounds, args.runs))
    print("  harts  burn_s  speedup  spin_pct  host_s")
    for harts in harts_list:
        m = medians[harts]
        m["speedup"] = round(base / m["burn_s"], 2) if m["burn_s"] else 0
        print("  %5d  %6.3f  %7.2f  %7.1f%%  %6.2f"
              % (harts, m["burn_s"], m["speedup"], m["spin_pct"], m["host_s"]))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({str(h): medians[h] for h in harts_list}, out, indent=2, sort_keys=True)
            out.write("\n")


if __name__ == "__main__":
    main()
