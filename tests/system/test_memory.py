"""Physical memory: the boot log's memory map, heap exhaustion, and bad frees.

The kernel logs its memory map as it builds the frame allocator:
    memmap: ram      0x080000000..0x088000000   131072 KiB  ram
    memmap: reserved 0x080200000..0x08022c000      176 KiB  kernel image
    memmap: usable   0x0802aa000..0x087e00000   126296 KiB  usable
    frame: 32084 frames free of 32084 (125 MiB)
These tests read it back and check it against the banner and itself.
"""
import re

import pytest

from qemu import run

RANGE = re.compile(r"memmap: (ram|reserved|usable)\s+0x([0-9a-f]+)\.\.0x([0-9a-f]+)\s+\d+ KiB\s+(.*)")
FRAMES = re.compile(r"frame: (\d+) frames free of (\d+)")
KERNEL = re.compile(r"kernel\s+0x([0-9a-f]+) \.\. 0x([0-9a-f]+)")
KERNEL_OFFSET = 0xffffffff00000000


def memory_map(out):
    ranges = {"ram": [], "reserved": [], "usable": []}
    for kind, base, end, what in RANGE.findall(out):
        ranges[kind].append((int(base, 16), int(end, 16), what.strip()))
    return ranges


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


@pytest.mark.parametrize("mem,smp", [("64M", 1), ("128M", 1), ("512M", 4), ("2G", 8)])
def test_memory_map_leaves_out_firmware_kernel_and_device_tree(mem, smp):
    status, out = run("kernel", bootargs="mode=halt", mem=mem, smp=smp)
    assert status == 0, out
    ranges = memory_map(out)
    mib = int(mem[:-1]) << (10 if mem.endswith("G") else 0)
    assert [(b, e) for b, e, _ in ranges["ram"]] == [(0x80000000, 0x80000000 + (mib << 20))], out
    reasons = {what for _, _, what in ranges["reserved"]}
    for needed in ("firmware (OpenSBI)", "kernel image", "device tree blob", "frame metadata"):
        assert needed in reasons, out
    # The kernel image the banner shows is a reservation, to the page.
    start, end = (int(x, 16) - KERNEL_OFFSET for x in KERNEL.search(out).groups())
    assert (start, end) in [(b, e) for b, e, what in ranges["reserved"] if what == "kernel image"]
    usable = ranges["usable"]
    assert usable, out
    for u in usable:
        assert u[0] % 4096 == 0 and u[1] % 4096 == 0, u
        assert any(r[0] <= u[0] and u[1] <= r[1] for r in ranges["ram"]), u
        for r in ranges["reserved"]:
            assert not overlaps(u, r), (u, r)
    free, total = map(int, FRAMES.search(out).groups())
    assert free == total
    assert total * 4096 == sum(e - b for b, e, _ in usable)
    # Everything but a few MiB of RAM is usable.
    assert total * 4096 > (mib << 20) * 97 // 100 - (4 << 20), out


@pytest.mark.parametrize("mem", ["128M", "512M"])
def test_exhausting_the_heap_is_clean(mem):
    status, out = run("tests/heap_exhaustion", mem=mem, timeout=120)
    assert "heap_exhaustion: ok" in out, out
    assert "PANIC" not in out, out
    assert status == 0, out
    # A heap that grows ran the frame allocator dry: at most a few scattered frames are
    # left, too small for a region of its own (HEAP=bump's arena just fills up).
    if "does not grow" not in out:
        left = re.search(r"heap_exhaustion: heap \d+ KiB, \d+ KiB in use, (\d+) frames left", out)
        assert left and int(left.group(1)) <= 8, out


@pytest.mark.parametrize("case,freed,message", [
    ("double", r"freeing (0x[0-9a-f]+) twice", r"kfree\({}\): double free"),
    ("foreign", r"freeing (0x[0-9a-f]+), which the heap never gave",
     r"kfree\({}\): not a pointer this heap gave"),
    ("frame", r"freeing frame (0x[0-9a-f]+) twice", r"frame_free\({}\): the frame is already free"),
])
def test_a_bad_free_panics_and_names_the_address(case, freed, message):
    status, out = run("tests/heap_bad_free", bootargs="case=" + case)
    address = re.search(freed, out)
    assert address, out
    assert re.search(r"PANIC at .*: " + message.format(address.group(1)), out), out
    assert "the bad free returned" not in out, out
    assert status == 0, out
