#!/usr/bin/env python3
"""bench.py: run the benchmark image and collect its figures.

The image runs under `qemu -icount shift=0,sleep=off`: QEMU advances the
guest one instruction at a time against a virtual clock, so `instret` counts
exactly and every figure is the same on any host, however busy it is.
sleep=off makes a `wfi` skip straight to the next timer event instead of
waiting for the host's clock, so even a figure with idle time in it repeats
exactly (in QEMU 7.2 instret under icount follows the virtual clock).

The kernel prints "BENCH <key> <value> <unit> <method...>" lines. This script
prints "key: value unit" for each, and writes them all to a JSON file:
    {"boot_insns": {"value": 51234, "unit": "insns", "method": "..."}, ...}

It boots the image twice: with --mem (128M), then with --extra-mem (2G),
and keeps from the second boot only the figures the first lacks. Those are
the ones whose key names the memory size, such as frame_init_2g_insns next to
frame_init_128m_insns: how boot-time set-up grows with RAM.

With --disk IMAGE (by default the fs.img beside the kernel image) each boot
on one hart gets a fresh copy of IMAGE as its virtio disk: the file-system
figures need one.

A third boot has --smp-harts harts (2): the image then runs only the cases
that need several harts (IPIs, shootdowns), and the first boot, on one
hart, only the others, so their figures stay comparable with the past. It
boots without the disk, which those cases do not use (main() says why).

Usage: bench.py IMAGE OUTPUT.json [--timeout SECONDS] [--mem 128M] [--extra-mem 2G]
                [--disk build/fs.img] [--smp-harts 2]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(image, timeout, mem, disk=None, harts=1):
    command = [
        "qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-m", mem,
        "-smp", str(harts), "-nographic", "-no-reboot", "-icount", "shift=0,sleep=off",
        "-kernel", image,
    ]
    if disk:
        # A copy: the benchmarks write. Raw, on virtio-mmio's modern interface.
        copy = os.path.join(tempfile.mkdtemp(prefix="bench-disk-"), "disk.img")
        shutil.copyfile(disk, copy)
        command += ["-drive", "file=%s,if=none,format=raw,id=hd0" % copy,
                    "-device", "virtio-blk-device,drive=hd0",
                    "-global", "virtio-mmio.force-legacy=false"]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode(errors="replace")
        sys.exit("bench: %s did not finish in %d s\n%s" % (image, timeout, output))
    return done.returncode, done.stdout.decode(errors="replace").replace("\r", "")


def parse(output):
    figures = {}
    errors = []
    for line in output.splitlines():
        if line.startswith("BENCH "):
            parts = line.split(None, 4)
            if len(parts) < 4:
                errors.append("malformed line: " + line)
                continue
            key, value, unit = parts[1], parts[2], parts[3]
            method = parts[4] if len(parts) > 4 else ""
            figures[key] = {"value": int(value), "unit": unit, "method": method}
        elif line.startswith("BENCH-ERROR"):
            errors.append(line)
    return figures, errors, "BENCH-DONE" in output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--mem", default="128M")
    parser.add_argument("--extra-mem", default="2G",
                        help="boot again with this much RAM for the size-named figures ('' skips)")
    parser.add_argument("--disk", default=None,
                        help="a disk image to attach (a copy of it) for the file figures; "
                             "default: fs.img beside the image, if there is one")
    parser.add_argument("--smp-harts", type=int, default=2,
                        help="boot again with this many harts for the SMP figures (0 skips)")
    args = parser.parse_args()
    if args.disk is None:
        beside = os.path.join(os.path.dirname(os.path.abspath(args.image)), "fs.img")
        args.disk = beside if os.path.exists(beside) else None

    status, output = run(args.image, args.timeout, args.mem, args.disk)
    figures, errors, finished = parse(output)
    extra_boots = []
    if args.extra_mem:
        extra_boots.append((args.extra_mem, 1, " (boot with -m %s)" % args.extra_mem))
    if args.smp_harts > 1:
        extra_boots.append((args.mem, args.smp_harts, ""))
    for mem, harts, note in extra_boots:
        if status != 0 or not finished or errors:
            break
        # The SMP cases need no disk, and without one the boot avoids a trap of the emulator:
        # under -icount QEMU runs the harts in turn, and while the boot thread waits for the
        # disk, a hart spinning for a lock could keep the holder unscheduled until the
        # lock's watchdog fired (about one SMP boot in fourteen, all in the same state).
        disk = args.disk if harts == 1 else None
        status, extra_output = run(args.image, args.timeout, mem, disk, harts)
        extra, errors, finished = parse(extra_output)
        output += extra_output
        for key, figure in extra.items():
            if key not in figures:
                figure["method"] += note
                figures[key] = figure
    for key, figure in figures.items():
        print("%s: %d %s" % (key, figure["value"], figure["unit"]))
    with open(args.output, "w") as out:
        json.dump(figures, out, indent=2, sort_keys=True)
        out.write("\n")
    print("bench: %d figures written to %s (method: guest instructions, "
          "qemu -icount shift=0,sleep=off)"
          % (len(figures), args.output))
    if errors or not finished or status != 0:
        sys.stderr.write(output)
        for error in errors:
            print("bench: " + error, file=sys.stderr)
        sys.exit("bench: the benchmark image failed (exit status %d, finished=%s)"
                 % (status, finished))


if __name__ == "__main__":
    main()
