"""Virtual memory: W^X faults, the stack-overflow report, and the GDB page-table tools.

The fault tests boot test kernels (tests/kernel/vm_*.c) that break a rule on
purpose and check the report. The GDB test drives `make debug`'s pieces in
batch mode: QEMU waiting on a unix socket, gdb-multiarch attaching with
scripts/gdbinit, and the pt-walk and memset-list commands on the live kernel.
"""
import re
import subprocess

from qemu import SMP, SYMBOL, Qemu, ROOT, image, run

# The hart a panic names: 0 on one hart; with several (TEST_SMP) any may be the boot hart.
HART = "0" if SMP == 1 else r"\d+"

PANIC_STATUS = 101


def report_value(out, label):
    match = re.search(r"^  %s\s+0x([0-9a-f]{16})" % label, out, re.MULTILINE)
    assert match, "no %s line in:\n%s" % (label, out)
    return int(match.group(1), 16)


def test_write_into_kernel_text_is_a_wx_violation():
    status, out = run("tests/vm_wx_violation", timeout=60)
    assert status == PANIC_STATUS, out
    assert "store/AMO page fault in kernel mode" in out, out
    target = int(re.search(r"writing into kernel text at (0x[0-9a-f]+)", out).group(1), 16)
    assert report_value(out, "stval") == target, out
    assert "  access:  write at 0x%x\n" % target in out, out
    assert re.search(r"  page:    mapped to physical 0x[0-9a-f]+, flags R-X-G", out), out
    assert re.search(r"  segment: text \[.*\) R-X-G", out), out
    assert "W^X violation: a write to an executable page" in out, out
    assert "went through" not in out


def test_jump_into_data_is_an_instruction_page_fault():
    status, out = run("tests/vm_jump_into_data", timeout=60)
    assert status == PANIC_STATUS, out
    assert "instruction page fault in kernel mode" in out, out
    target = int(re.search(r"calling data at (0x[0-9a-f]+)", out).group(1), 16)
    assert report_value(out, "stval") == target and report_value(out, "sepc") == target, out
    assert "  access:  execute at 0x%x\n" % target in out, out
    assert re.search(r"  page:    mapped to physical 0x[0-9a-f]+, flags RW--G", out), out
    assert re.search(r"  segment: data\+bss \[", out), out
    assert "data ran as code" not in out


def test_kernel_stack_overflow_is_reported_on_the_emergency_stack():
    # A hang or a fault loop would run into the timeout: the report must come quickly.
    status, out = run("tests/vm_stack_overflow", timeout=30)
    assert status == PANIC_STATUS, out
    assert re.search(r"PANIC on hart %s \(boot\): kernel stack overflow" % HART, out), out
    stack = re.search(r"  stack   boot \[(0x[0-9a-f]+), (0x[0-9a-f]+)\)", out)
    assert stack, out
    bottom, top = int(stack.group(1), 16), int(stack.group(2), 16)
    assert top - bottom == 32 * 1024, out
    sp = report_value(out, "sp")
    assert sp < bottom and bottom - sp <= 4096, out          # in the guard page below
    assert "in its guard page" in out, out
    # The backtrace walks the overflowed stack: the recursion, folded, then its caller.
    assert re.search(r"#0 0x[0-9a-f]+ vm_recurse(\.\w+)*\+", out), out
    repeats = int(re.search(r"the frame above (\d+) more times", out).group(1))
    assert 100 <= repeats <= 140, out                         # 32 KiB / 240-byte frames
    assert re.search(r"#\d+ 0x[0-9a-f]+ kernel_run(\.\w+)*\+", out), out
    assert out.count("PANIC") == 1, out                       # no second fault, no loop
    assert "recursion returned" not in out


def leaf_flags(walk):
    """The flag names of the level-0 entry in one pt-walk's output."""
    match = re.search(r"level 0 .*\[([A-Z ]+)\]\n  -> leaf", walk)
    assert match, walk
    return set(match.group(1).split())


def test_gdb_walks_the_page_table_and_lists_the_kernel_memory_set(gdb_socket):
    kernel = image("kernel")
    vm = Qemu(kernel, extra=("-S",), gdb_socket=gdb_socket, timeout=60)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-q", kernel,
             "-ex", "target remote " + gdb_socket,
             "-x", str(ROOT / "scripts" / "gdbinit"),
             "-ex", "break kernel_run", "-ex", "continue",
             "-ex", "pt-walk kmain",
             "-ex", "pt-walk &kernel_memory_set",
             "-ex", "pt-walk 0x1000",
             "-ex", "memset-list",
             "-ex", "kill"],
            cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    finally:
        vm.kill()
    out = gdb.stdout + gdb.stderr
    assert re.search(r"Breakpoint \d+(\.\d+)?, kernel_run", out), out
    walks = out.split("pt-walk 0x")[1:]
    assert len(walks) == 3, out
    # kmain: text, a readable, executable, never writable 4 KiB leaf.
    assert re.search(r"-> leaf: 4 KiB page, physical 0x802[0-9a-f]{5}", walks[0]), out
    assert leaf_flags(walks[0]) >= {"V", "R", "X", "G"} and "W" not in leaf_flags(walks[0]), out
    # kernel_memory_set lives in .bss: readable and writable, not executable.
    assert leaf_flags(walks[1]) >= {"V", "R", "W"} and "X" not in leaf_flags(walks[1]), out
    # Nothing is mapped at a low user address in the kernel's own set.
    assert "-> not mapped" in walks[2], out
    segments = re.findall(r"^  0x([0-9a-f]{16})-0x([0-9a-f]{16}) (\S+) +(\S+) +(.+)$", out, re.M)
    names = {name: flags for _, _, flags, _, name in segments}
    assert names.get("text") == "R-X-" and names.get("rodata") == "R---", out
    assert names.get("data+bss") == "RW--" and names.get("physical window") == "RW--", out
    assert names.get("boot") == "RW--", out                   # the guarded boot stack
    assert not any("W" in f and "X" in f for f in names.values()), out


def test_gdb_prints_a_trap_context_by_register_name(gdb_socket):
    # mode=echo waits for input with the timer ticking, so a trap comes soon.
    kernel = image("kernel")
    vm = Qemu(kernel, bootargs="mode=echo", extra=("-S",), gdb_socket=gdb_socket, timeout=60)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-q", kernel,
             "-ex", "target remote " + gdb_socket,
             "-x", str(ROOT / "scripts" / "gdbinit"),
             "-ex", "break kernel_run", "-ex", "continue",
             "-ex", "break trap_dispatch", "-ex", "continue",
             "-ex", "print *context",
             "-ex", "print/x scause",
             "-ex", "kill"],
            cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    finally:
        vm.kill()
    out = gdb.stdout + gdb.stderr
    assert re.search(r"Breakpoint \d+(\.\d+)?, trap_dispatch", out), out
    assert "struct context {" in out, out
    registers = re.findall(r"(\w+)\s+0x([0-9a-f]{16})", out[out.index("struct context {"):])
    names = [name for name, _ in registers]
    assert registers[0] == ("zero", "0" * 16), out
    assert names[:32] == ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
                          "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4",
                          "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"], out
    # The trap came from kernel code (SPP=S), at an address gdb can name.
    assert re.search(r"sepc 0x[0-9a-f]{16} <%s( \+ \d+)?>  sstatus 0x[0-9a-f]+ \(SPP=S" % SYMBOL, out), out
