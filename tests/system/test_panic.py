"""Panics report file:line, hart, message and a named backtrace, then fail the machine."""
import re

from qemu import SMP, backtrace_names, run

# The hart a panic names: 0 on one hart; with several (TEST_SMP) any may be the boot hart.
HART = "0" if SMP == 1 else r"\d+"


def test_should_panic_reports_and_exits_with_its_chosen_status():
    status, out = run("tests/should_panic")
    assert re.search(r"PANIC at tests/kernel/should_panic\.c:\d+ on hart %s \(boot\): "
                     r"should_panic: the expected panic, value 42" % HART, out), out
    assert "panic returned" not in out
    assert status == 0, out


def test_backtrace_names_three_levels_in_order():
    status, out = run("tests/backtrace")
    assert status == 101, out
    assert "backtrace: deep panic with value 3" in out
    frames = backtrace_names(out)
    expected = ["backtrace_level_three", "backtrace_level_two", "backtrace_level_one",
                "kernel_run", "kmain_on_kernel_stack"]
    assert frames[:5] == expected, out
