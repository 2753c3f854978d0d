#!/usr/bin/python3
"""check_layers.py: every #include must go down the layers, never up.

The folders under src/ are layers (docs/architecture.md draws them). A file
may include headers of its own folder and of the folders below it. This
script reads every #include "..." under src/, include/, user/ and tests/ and
fails, naming the file and line, on:

  - an include that goes up a layer (sync/ including proc/, say);
  - an include of a folder the order does not know (add it to LAYERS);
  - a relative include that climbs out of its folder ("../user/...");
  - user code including kernel code other than the shared library (src/lib)
    and the ABI (include/).

Files that end in _test.c or _bench.c are compiled only into the ktest and
bench images, which hold every layer, so they may include any layer (a
mutex test starts threads). No other file may include them.

It also prints the folder graph's cycles (strongly connected components),
which an upward include creates. `--stats` prints the counts only;
`--root DIR` checks another tree (the tests use that to prove it can fail).
"""
import argparse
import re
import sys
from pathlib import Path

# Bottom first. include/ is the ABI both the kernel and user programs see.
LAYERS = [
    "include",  # abi/: system-call numbers, errno values, structs and flags
    "lib",      # string functions, the printf engine, lists, the FDT reader
    "arch",     # RISC-V facts: CSRs, causes, the trap frame, the memory map, per-hart slots
    "sbi",      # calls into OpenSBI
    "console",  # kprintf, log levels, panic and backtraces (output only)
    "ktest",    # the in-kernel unit-test framework
    "bench",    # the benchmark runner
    "trace",    # the timeline: per-hart event buffers, printed at power-off
    "sync",     # spinlocks
    "dev",      # the device tree, the test device, PLIC, UART, virtio
    "mm",       # frames, heaps, page tables, MemorySet, kernel stacks, user copies
    "trap",     # trap entry and dispatch, the timer
    "proc",     # threads, the scheduler, sleeping locks, processes, signals
    "tty",      # console input: the line discipline (it sleeps; system calls read it)
    "exec",     # the ELF reader, the loader, the program table
    "fs",       # descriptors, pipes, the buffer cache, ext2
    "syscall",  # the way in from user mode: the system-call table and handlers
    "async",    # the async executor
    "demo",     # the boot-time demos and the mode= chooser
    "main",     # src/main.c, src/entry.S: the init sequence
]
RANK = {name: i for i, name in enumerate(LAYERS)}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def is_test_file(path):
    return path.name.endswith("_test.c") or path.name.endswith("_bench.c")


def layer_of_source(root, path):
    """The layer a file under src/ or include/ belongs to."""
    rel = path.relative_to(root)
    if rel.parts[0] == "include":
        return "include"
    if len(rel.parts) == 2:  # src/main.c, src/entry.S, src/main.h
        return "main"
    return rel.parts[1]


def layer_of_include(target):
    """The layer an include names: "mm/frame.h" -> mm, "abi/errno.h" -> include."""
    first = target.split("/")[0]
    if first == "abi":
        return "include"
    if "/" not in target:
        return "main" if target == "main.h" else None
    return first


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.edges = {}  # (from layer, to layer) -> first file:line, for the cycle report
        self.upward = 0

    def error(self, path, line_number, message):
        rel = path.relative_to(self.root)
        self.errors.append("%s:%d: %s" % (rel, line_number, message))

    def includes(self, path):
        text = path.read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1)

    def check_kernel_file(self, path):
        own = layer_of_source(self.root, path)
        test = is_test_file(path)
        for number, target in self.includes(path):
            if ".." in target.split("/"):
                self.error(path, number, 'relative include "%s": include by path from src/ '
                           "or include/" % target)
                continue
            if target.endswith("_test.c") or target.endswith("_bench.c"):
                self.error(path, number, 'includes the test file "%s"' % target)
                continue
            layer = layer_of_include(target)
            if layer is None or layer not in RANK:
                self.error(path, number, 'includes "%s", which is in no known layer (the '
                           "order is in scripts/check_layers.py)" % target)
                continue
            if test or layer == own:
                continue
            self.edges.setdefault((own, layer), "%s:%d" % (path.relative_to(self.root), number))
            if RANK[layer] > RANK[own]:
                self.upward += 1
                self.error(path, number, '%s/ includes "%s": %s/ lies above %s/ in the layer '
                           "order" % (own, target, layer, own))

    def check_user_file(self, path):
        for number, target in self.includes(path):
            if ".." in target.split("/"):
                self.error(path, number, 'relative include "%s"' % target)
                continue
            layer = layer_of_include(target)
            # User code sees the ABI and the shared library, nothing else of the kernel.
            if layer in RANK and layer not in ("include", "lib") and (self.root / "src" / target).exists():
                self.error(path, number, 'user code includes the kernel header "%s"; only '
                           "src/lib/ and include/ are shared with user space" % target)

    def check_test_file(self, path):
        for number, target in self.includes(path):
            if target.startswith("../") or "/../" in target:
                self.error(path, number, 'relative include "%s"' % target)

    def run(self):
        for folder in ("src", "include"):
            base = self.root / folder
            if not base.exists():
                continue
            for path in sorted(base.rglob("*")):
                if path.suffix in (".c", ".h", ".S"):
                    self.check_kernel_file(path)
        for path in sorted((self.root / "user").rglob("*")) if (self.root / "user").exists() else []:
            if path.suffix in (".c", ".h", ".S"):
                self.check_user_file(path)
        for path in sorted((self.root / "tests").rglob("*")) if (self.root / "tests").exists() else []:
            if path.suffix in (".c", ".h", ".S"):
                self.check_test_file(path)

    def cycles(self):
        """Strongly connected components of more than one folder (Tarjan)."""
        graph = {}
        for (a, b) in self.edges:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
        index, low, stack, on_stack, result = {}, {}, [], set(), []
        counter = [0]

        def visit(node):
            index[node] = low[node] = counter[0]
            counter[0] += 1
            stack.append(node)
            on_stack.add(node)
            for nxt in sorted(graph[node]):
                if nxt not in index:
                    visit(nxt)
                    low[node] = min(low[node], low[nxt])
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component, key=lambda n: RANK.get(n, -1)))

        for node in sorted(graph):
            if node not in index:
                visit(node)
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=Path(__file__).resolve().parents[1], type=Path)
    parser.add_argument("--stats", action="store_true", help="print the counts only")
    args = parser.parse_args()
    checker = Checker(args.root.resolve())
    checker.run()
    cycles = checker.cycles()
    if args.stats:
        print("upward includes: %d" % checker.upward)
        print("folder cycles: %d%s" % (len(cycles), "".join(
            "\n  " + " <-> ".join(c) for c in cycles)))
        return 0
    for line in checker.errors:
        print(line)
    for component in cycles:
        print("cycle between folders: %s" % " <-> ".join(component))
    if checker.errors or cycles:
        print("check_layers: %d problem(s); the layer order is in docs/architecture.md"
              % (len(checker.errors) + len(cycles)))
        return 1
    print("check_layers: %d layers, every include goes down" % len(LAYERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
