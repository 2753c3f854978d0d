#!/usr/bin/env python3
"""insn_profile.py: where the instructions of a measured window go, per function.

QEMU logs every instruction it runs with `-singlestep -d exec,nochain -D FILE`
(one "Trace" line per instruction, its pc inside the [...]). This script
reads such a log (a file or a FIFO, so the log never has to land on disk),
cuts it into windows that start at the pc START and end at the pc END (the
two rdinstret of a user-mode benchmark, say), takes the window of median
length, and counts its instructions per function: the kernel's from
KERNEL_ELF, the user program's from USER_ELF (addresses below 2 GiB).

    mkfifo /tmp/fifo
    qemu-system-riscv64 ... -icount shift=0,sleep=off -singlestep \\
        -d exec,nochain -D /tmp/fifo -kernel build/bench.elf ... &
    scripts/insn_profile.py /tmp/fifo 0x100b2 0x100ce build/bench.elf \\
        build/user/bench_pipe.elf

docs/pipes.md shows what it gave for the pipe round trip, and how the
benchmark image was cut down to that one case to keep the log short.
--pcs=FILE also writes that window's pcs, one a line, to read beside objdump -d.
Usage: insn_profile.py LOG START END KERNEL_ELF [USER_ELF] [--sequence] [--pcs=FILE]
"""
import bisect
import collections
import re
import subprocess
import sys

TRACE = re.compile(r"Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf):
    listing = subprocess.run(["riscv64-unknown-elf-nm", "-n", elf], capture_output=True,
                             text=True, check=True).stdout
    found = []
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            found.append((int(parts[0], 16), parts[2]))
    return found


def namer(kernel, user):
    kernel_addresses = [address for address, _ in kernel]
    user_addresses = [address for address, _ in user]

    def name(pc):
        table, addresses, prefix = (user, user_addresses, "user:") if pc < 0x80000000 else \
            (kernel, kernel_addresses, "")
        index = bisect.bisect_right(addresses, pc) - 1
        return prefix + (table[index][1] if index >= 0 else "?")
    return name


def windows(log, start, end):
    current = None
    for line in open(log, errors="replace"):
        match = TRACE.match(line)
        if match is None:
            continue
        pc = int(match.group(1), 16)
        if pc == start:
            current = []
        if current is not None:
            current.append(pc)
            if pc == end:
                yield current
                current = None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) < 4:
        sys.exit(__doc__)
    log, start, end, kernel_elf = args[0], int(args[1], 0), int(args[2], 0), args[3]
    user = symbols(args[4]) if len(args) > 4 else []
    found = list(windows(log, start, end))
    if not found:
        sys.exit("insn_profile: no window from %#x to %#x in the log" % (start, end))
    found.sort(key=len)
    window = found[len(found) // 2]
    name = namer(symbols(kernel_elf), user)
    # The window holds START's instruction and END's; rdinstret counts one of them.
    print("%d windows; the median one: %d instructions" % (len(found), len(window) - 1))
    for option in sys.argv:
        if option.startswith("--pcs="):
            # The median window's pcs, one a line in hex: for reading beside objdump -d.
            with open(option[len("--pcs="):], "w") as out:
                out.writelines("%x\n" % pc for pc in window)
    if "--sequence" in sys.argv:
        runs = []
        for pc in window:
            function = name(pc)
            if runs and runs[-1][0] == function:
                runs[-1][1] += 1
            else:
                runs.append([function, 1])
        for function, count in runs:
            print("%6d  %s" % (count, function))
        return
    for function, count in collections.Counter(name(pc) for pc in window).most_common():
        print("%6d  %s" % (count, function))


if __name__ == "__main__":
    main()
