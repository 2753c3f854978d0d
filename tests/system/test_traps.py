"""Traps: the fault report, user-mode entry, and the timer both ways (Sstc and SBI).

The fault reports come from test kernels (tests/kernel/trap_*.c) that end in
a panic on purpose; these tests check the report's text and status 101.
"""
import re

import pytest

import ktap
from qemu import SMP, SYMBOL, backtrace_names, base_name, run

PANIC_STATUS = 101
# The boot hart: 0 on one hart; with several (TEST_SMP) the firmware may pick any.
HART = "0" if SMP == 1 else r"\d+"
NO_SSTC = ("-cpu", "rv64,sstc=false")


def report_line(out, label):
    """The value and the rest of a report line such as '  sepc    0x... name+0x18'."""
    match = re.search(r"^  %s\s+0x([0-9a-f]{16})  (.*)$" % label, out, re.MULTILINE)
    assert match, "no %s line in the report:\n%s" % (label, out)
    return int(match.group(1), 16), match.group(2)


def registers(out):
    """The register dump as {name: value}."""
    dump = out[out.index("registers:"):out.index("backtrace:")]
    return {name: int(value, 16) for name, value in re.findall(r"(\w+)\s+([0-9a-f]{16})", dump)}


def backtrace(out):
    return backtrace_names(out)


def names(where, function):
    """Whether a report's 'name+0x1c' names `function` (or a copy GCC made of it)."""
    return re.match(r"%s\+0x[0-9a-f]+$" % SYMBOL, where) is not None and \
        base_name(where.split("+")[0]) == function


def test_illegal_instruction_ends_in_a_report_with_registers_and_backtrace():
    status, out = run("tests/trap_illegal", timeout=60)
    assert status == PANIC_STATUS, out
    assert re.search(r"PANIC on hart %s \(boot\): illegal instruction in kernel mode" % HART,
                     out), out
    scause, name = report_line(out, "scause")
    assert (scause, name) == (2, "illegal instruction"), out
    stval, meaning = report_line(out, "stval")
    assert stval == 0xC0001073 and meaning == "the instruction's bits", out   # unimp's encoding
    _, where = report_line(out, "sepc")
    assert names(where, "trap_illegal_instruction_here"), out
    _, caller = report_line(out, "ra")
    assert names(caller, "kernel_run"), out
    regs = registers(out)
    assert len(regs) == 32, out
    assert regs["a5"] == 0x5A5A and regs["s2"] == 0x1234ABCD, out
    assert 0xFFFFFFC000000000 <= regs["sp"] < 0xFFFFFFC004000000, out      # a kernel stack
    # The trapping instruction, its caller (from ra), then the frame chain.
    assert backtrace(out)[:3] == ["trap_illegal_instruction_here", "kernel_run",
                                  "kmain_on_kernel_stack"], out
    assert "was resumed" not in out


def test_load_from_unmapped_address_reports_it_in_stval():
    status, out = run("tests/trap_load_fault", timeout=60)
    assert status == PANIC_STATUS, out
    assert re.search(r"PANIC on hart %s \(boot\): load page fault in kernel mode" % HART, out), out
    scause, name = report_line(out, "scause")
    assert (scause, name) == (13, "load page fault"), out
    stval, meaning = report_line(out, "stval")
    assert stval == 0x12345678 and meaning == "the faulting address", out
    _, where = report_line(out, "sepc")
    assert names(where, "trap_load_from_unmapped"), out
    _, caller = report_line(out, "ra")
    assert names(caller, "kernel_run"), out
    assert "kmain_on_kernel_stack" in backtrace(out), out
    # The page-fault lines: what was tried, what the page table says, which segment.
    assert "  access:  read at 0x12345678\n" in out, out
    assert "  page:    not mapped\n" in out, out
    assert "  segment: none" in out, out
    assert "the load returned" not in out


def test_a_fault_on_the_kernel_side_of_a_user_copy_is_reported():
    """The copy routine survives faults on user addresses only (mm/uaccess.c): a bad
    kernel pointer handed to copy_to_user is a kernel bug, reported like any other."""
    status, out = run("tests/uaccess_kernel_fault", timeout=60)
    assert status == PANIC_STATUS, out
    assert re.search(r"PANIC on hart %s \(boot\): load page fault in kernel mode" % HART, out), out
    stval, _ = report_line(out, "stval")
    assert stval == 0xFFFFFFD000000000, out
    _, where = report_line(out, "sepc")
    assert names(where, "uaccess_copy"), out
    assert "the copy returned" not in out


def test_traps_from_user_mode_take_the_sscratch_path_and_return():
    status, out = run("tests/trap_user", timeout=60)
    assert "trap_user: all checks passed" in out, out
    assert "FAILED" not in out, out
    assert status == 0, out


@pytest.mark.parametrize("bootargs,extra,method", [
    ("", (), "Sstc (stimecmp)"),
    ("timer=sbi", (), "SBI set_timer"),
    ("", NO_SSTC, "SBI set_timer"),
], ids=["sstc", "sbi-forced", "sbi-no-sstc"])
def test_boot_log_says_how_the_timer_is_programmed(bootargs, extra, method):
    status, out = run("kernel", bootargs=("mode=halt " + bootargs).strip(), extra=extra, timeout=60)
    assert status == 0, out
    assert re.search(r"timer: %s, timebase 10000000 Hz, HZ=100" % re.escape(method), out), out


@pytest.mark.parametrize("bootargs,extra", [("", ()), ("timer=sbi", ()), ("", NO_SSTC)],
                         ids=["sstc", "sbi-forced", "sbi-no-sstc"])
def test_ticks_advance_at_hz_either_way(bootargs, extra):
    status, out = run("ktest", bootargs="ktest.filter=timer " + bootargs, extra=extra,
                      timeout=120)
    report = ktap.parse(out)
    assert report.complete, "%s\n%s" % (report.problems, out)
    names = [c.name for c in report.cases]
    assert "timer_ticks_advance_at_hz" in names, out
    assert "timer_mode_follows_isa_and_command_line" in names, out
    assert not report.failed, out
    assert status == 0, out


@pytest.mark.parametrize("bootargs,extra,message", [
    ("timer=fast", (), "timer: unknown timer=fast on the command line"),
    ("timer=sstc", NO_SSTC, r"timer: timer=sstc, but hart %s's riscv,isa has no sstc" % HART),
], ids=["unknown", "sstc-missing"])
def test_a_bad_timer_choice_is_a_clear_error(bootargs, extra, message):
    status, out = run("kernel", bootargs=("mode=halt " + bootargs).strip(), extra=extra, timeout=60)
    assert re.search(message, out), out
    assert status == PANIC_STATUS, out


def test_the_plic_context_comes_from_the_device_tree_on_any_boot_hart():
    # With four harts OpenSBI may boot the kernel on any of them; on QEMU's virt
    # hart N's supervisor context is 2N + 1, which the device tree must yield.
    status, out = run("kernel", bootargs="mode=halt", smp=4, timeout=60)
    assert status == 0, out
    match = re.search(r"plic: \d+ sources at 0xc000000, hart (\d+) uses context (\d+)", out)
    assert match, out
    hart, context = int(match.group(1)), int(match.group(2))
    assert context == 2 * hart + 1, out


def test_an_unknown_mode_is_a_clear_error():
    status, out = run("kernel", bootargs="mode=bogus", timeout=60)
    known = re.search(r"kernel: unknown mode=bogus on the command line \(known: ([a-z, ]+)\)", out)
    assert known and "echo" in known.group(1).split(", "), out
    assert status == 1, out
