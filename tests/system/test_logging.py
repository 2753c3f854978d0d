"""test_logging.py: what the kernel says about itself, at each log level.

loglevel= at boot picks how much the log says (DEBUG adds process events,
TRACE every system call), strace= traces some programs, a user fault report
names the page's flags and segment, a panic can park the hart for a
debugger, and every newline reaches the terminal as one "\\r\\n".
"""
import re

import pexpect
import pytest

from qemu import Qemu, image, run

PROMPT = r"\$ "


def shell(qemu, bootargs=""):
    vm = qemu("kernel", bootargs=bootargs, timeout=30)
    vm.expect(PROMPT)
    return vm


def test_debug_level_reports_fork_exec_exit_and_reaping(qemu):
    vm = shell(qemu, "loglevel=debug")
    vm.send("exit_code 3\r")
    vm.expect(PROMPT)
    out = vm.output
    fork = re.search(r"\[DEBUG\] \[pid (\d+) sh\] fork: child pid (\d+), (\d+) KiB", out)
    assert fork, out
    child = fork.group(2)
    assert re.search(r"\[DEBUG\] \[pid %s\] exec exit_code: 2 argument\(s\)" % child, out), out
    assert re.search(r"\[DEBUG\] \[pid %s exit_code\] exit: status 3" % child, out), out
    assert re.search(r"\[DEBUG\] \[pid \d+ sh\] reaped pid %s: its memory is back, \d+ frames "
                     r"free" % child, out), out
    assert "[TRACE]" not in out, out


def test_info_level_says_nothing_of_processes(qemu):
    vm = shell(qemu)
    vm.send("exit_code 3\r")
    vm.expect(PROMPT)
    assert "[DEBUG]" not in vm.output and "[TRACE]" not in vm.output, vm.output


def test_a_bad_log_level_is_named_and_the_kernel_boots(qemu):
    vm = shell(qemu, "loglevel=loud")
    assert "[WARN ] kernel: loglevel=loud is not a level" in vm.output, vm.output


def test_strace_shows_a_programs_calls_with_decoded_arguments(qemu):
    vm = shell(qemu, "strace=hello,badptr")
    vm.send("hello x\r")
    vm.expect(PROMPT)
    out = vm.output
    pid = re.search(r"I am hello, pid (\d+)", out).group(1)
    assert "[TRACE] [pid %s hello] getpid() = %s" % (pid, pid) in out, out
    assert re.search(r'\[TRACE\] \[pid %s hello\] write\(1, "Hello from user mode! I am hello"'
                     r'\.\.\., (\d+)\) = \1' % pid, out), out
    assert "[TRACE] [pid %s hello] exit_group(0) = ?" % pid in out, out
    # The shell itself is not traced: only the programs strace= names.
    assert re.search(r"\[TRACE\] \[pid \d+ sh\]", out) is None, out


def test_strace_names_errors(qemu):
    vm = shell(qemu, "strace=badptr")
    vm.send("badptr\r")
    vm.expect(PROMPT)
    assert re.search(r"\[TRACE\] \[pid \d+ badptr\] \w+\(.*\) = -14 EFAULT", vm.output), vm.output


@pytest.mark.slow
def test_unknown_system_calls_are_named_once_at_debug():
    status, out = run("kernel", bootargs="loglevel=debug init=usertests", timeout=120)
    lines = re.findall(r"\[DEBUG\] \[pid \d+ usertests\] system call 1000 \(\?\) is not "
                       r"implemented: -ENOSYS", out)
    assert len(lines) == 1, out
    assert status == 0, out


def test_a_user_fault_report_names_the_page_and_the_segment():
    status, out = run("kernel", bootargs="init=fault_store", timeout=30)
    assert re.search(r"\[pid 1 fault_store\] killed by SIGSEGV: store/AMO page fault", out), out
    assert "  access:  write at 0x" in out, out
    assert re.search(r"  page:    mapped to physical 0x[0-9a-f]+, flags R-XU-", out), out
    assert re.search(r"  segment: text \[0x[0-9a-f]+, 0x[0-9a-f]+\) R-XU-", out), out
    assert "  note:    W^X violation: a write to an executable page" in out, out
    assert status == 128 + 11, out


def test_programs_reject_bad_arguments_with_a_usage_line(qemu):
    vm = shell(qemu)
    vm.send("exit_code abc\r")
    vm.expect(r"usage: exit_code N")
    vm.expect(r"sh: exit_code: exit status 2")
    vm.expect(PROMPT)


def test_bench_syscall_by_hand_says_it_needs_make_bench(qemu):
    vm = shell(qemu)
    vm.send("bench_syscall\r")
    vm.expect(r"bench_syscall: instret does not count instructions exactly here")
    vm.expect(r"Run `make bench`")
    vm.expect(r"sh: bench_syscall: exit status 2")
    out = vm.output
    assert "BENCH" not in out and "18446744" not in out, out


def test_panic_halt_parks_the_hart_for_a_debugger():
    vm = Qemu(image("tests/should_panic"), bootargs="panic=halt", timeout=30)
    try:
        vm.expect(r"panic: hart \d+ halted for the debugger \(panic=halt\)")  # any boot hart
        # The machine stays up: it does not end, it waits for GDB.
        try:
            vm.child.expect(pexpect.EOF, timeout=3)
            assert False, "QEMU ended after a panic with panic=halt:\n" + vm.output
        except pexpect.TIMEOUT:
            pass
    finally:
        vm.kill()


def test_every_newline_reaches_the_terminal_as_one_crlf():
    vm = Qemu(image("kernel"), bootargs="mode=halt", timeout=30)
    vm.wait()
    raw = vm.log.getvalue()
    kernel = raw[raw.index("RISC-V Sv39 teaching kernel"):]
    assert "\r\r\n" not in kernel, repr(kernel[:400])
    assert kernel.count("\r\n") >= 10, repr(kernel[:400])
