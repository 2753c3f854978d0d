#!/usr/bin/env python3
"""frame_contention.py: how often the harts meet at the frame allocator's lock.

Boots each kernel image given with init=forkstress (user/prog/forkstress.c:
workers that fork, exec and wait, over and over: page tables, user pages and
kernel stacks taken and given back all the time) on four harts, under
multi-threaded TCG, so each hart is a host thread and the harts really run
side by side, as far as the host has cores. The runs interleave (A, B, A,
B, ...), so a busy moment on the host hits every image alike, and the
medians are reported:

    frame      times a hart found frame_lock taken (the `smp:` power-off line)
    takes      times frame_lock was taken at all (kernels that count it)
    caches     times a hart found a per-hart frame cache's lock taken
    heap       the same for the kernel heap's lock, for comparison
    spin_pct   the share of hart time spent spinning for any spinlock
    guest_s    the run's length as the guest's clock measures it
    host_s     the whole QEMU run, boot included, as the host measures it

Compare two kernels, e.g. before and after a change to src/mm/frame.c:
    git stash; make -j2 all; cp build/kernel.elf /tmp/before.elf; git stash pop; make -j2 all
    /usr/bin/python3 scripts/frame_contention.py --image before=/tmp/before.elf \\
        --image after=build/kernel.elf --runs 3

Usage: frame_contention.py [--image LABEL=PATH ...] [--disk build/fs.img] [--harts 4]
                           [--rounds 2000] [--workers 4] [--runs 3] [--json OUT]
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import time

STRESS = re.compile(r"forkstress: (\d+) fork/exec/wait by (\d+) workers, (\d+) went wrong; "
                    r"free frames before (\d+), after (\d+)")
SPIN = re.compile(r"smp: (\d+) harts; spinning for spinlocks (\d+)\.(\d)% of hart time "
                  r"\((\d+) ms of (\d+)\)")
TAKEN = re.compile(r"smp: spinlocks found taken by another hart: .*?frame (\d+), heap (\d+)"
                   r"(?:, frame caches (\d+); frame_lock taken (\d+) times)?")


def run_once(image, disk, harts, rounds, workers, timeout):
    command = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-m", "128M",
               "-smp", str(harts), "-accel", "tcg,thread=multi", "-nographic", "-no-reboot",
               "-drive", "file=%s,if=none,format=raw,id=hd0,snapshot=on" % disk,
               "-device", "virtio-blk-device,drive=hd0",
               "-global", "virtio-mmio.force-legacy=false",
               "-kernel", image, "-append", "init=forkstress init.args=%d,%d" % (rounds, workers)]
    start = time.monotonic()
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, check=False)
    host_s = time.monotonic() - start
    output = done.stdout.decode(errors="replace").replace("\r", "")
    stress, spin, taken = STRESS.search(output), SPIN.search(output), TAKEN.search(output)
    if done.returncode != 0 or not (stress and spin and taken):
        sys.exit("frame_contention: %s failed (status %d):\n%s" % (image, done.returncode, output))
    if int(stress.group(3)) != 0 or stress.group(4) != stress.group(5):
        sys.exit("frame_contention: %s went wrong or lost frames:\n%s" % (image, output))
    return {
        "frame": int(taken.group(1)),
        "takes": int(taken.group(4)) if taken.group(4) else None,
        "caches": int(taken.group(3)) if taken.group(3) else None,
        "heap": int(taken.group(2)),
        "spin_pct": int(spin.group(2)) + int(spin.group(3)) / 10,
        "guest_s": int(spin.group(5)) / 1000 / int(spin.group(1)),
        "host_s": host_s,
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", action="append", default=[],
                        help="LABEL=PATH (repeatable); default: now=build/kernel.elf")
    parser.add_argument("--disk", default="build/fs.img")
    parser.add_argument("--harts", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--json")
    args = parser.parse_args()
    images = [spec.split("=", 1) for spec in (args.image or ["now=build/kernel.elf"])]
    samples = {label: [] for label, _ in images}
    for _ in range(args.runs):
        for label, path in images:
            samples[label].append(run_once(path, args.disk, args.harts, args.rounds,
                                           args.workers, args.timeout))
    print("frame_contention: forkstress %d rounds x %d workers on %d harts, medians of %d "
          "interleaved runs, -accel tcg,thread=multi" % (args.rounds, args.workers, args.harts,
                                                         args.runs))
    keys = ["frame", "takes", "caches", "heap", "spin_pct", "guest_s", "host_s"]
    print("  %-10s" % "image" + "".join("%10s" % k for k in keys))
    result = {}
    for label, _ in images:
        row = {k: median([s[k] for s in samples[label]]) for k in keys}
        result[label] = {"median": row, "samples": samples[label]}
        cells = []
        for k in keys:
            v = row[k]
            cells.append("%10s" % ("-" if v is None else
                                   ("%.2f" % v if isinstance(v, float) else "%d" % v)))
        print("  %-10s" % label + "".join(cells))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
