"""User mode: the usertests suite, one pytest test per case, and the shell
driven through pexpect, as a student types into `make qemu`.

usertests runs as pid 1 (the init= bootarg), so its exit status, which is
the number of failed tests, becomes QEMU's. It runs on the kernel proper with
a copy of the disk (build/fs.img), which e2fsck must find sound afterwards,
and once more on the disk-less image, where its file tests are skipped.
"""
import functools
import re

import pytest

import ktap
from disk import e2fsck_clean
from qemu import disk_copy, run, usertests_collection_run, usertests_disk

PROMPT = r"\$ "


@functools.lru_cache(maxsize=None)
def usertests_run():
    """(status, output) of usertests as pid 1 on the kernel, with usertests_disk() as its disk."""
    return usertests_collection_run()


def pytest_generate_tests(metafunc):
    if "usertest" in metafunc.fixturenames:
        _, out = usertests_run()
        cases = ktap.parse(out).cases
        metafunc.parametrize("usertest", cases, ids=[c.id for c in cases])


def test_usertest(usertest):
    if not usertest.ok:
        pytest.fail("\n".join(usertest.diagnostics) or "usertest failed", pytrace=False)


def test_usertests_leave_the_disk_sound():
    status, out = usertests_run()
    disk = usertests_disk()
    assert status is not None, out
    assert "fs: virtio0 synced and marked clean" in out, out
    # concurrent_writers: evictions from several processes overlap on the disk.
    in_flight = re.search(r"at most (\d+) in flight at once", out)
    assert in_flight and int(in_flight.group(1)) >= 2, out[-3000:]
    e2fsck_clean(disk)


@pytest.mark.slow
def test_usertests_without_a_disk_skip_only_the_file_tests():
    status, out = run("tests/diskless", bootargs="init=usertests", timeout=300)
    report = ktap.parse(out)
    assert report.complete and status == 0, out
    skipped = [c.name for c in report.cases if c.skipped]
    assert len(skipped) >= 20 and "open_read_write_close" in skipped, skipped
    ran = [c.name for c in report.cases if not c.skipped]
    assert "pipe_between_processes" in ran and "exec_hello" in ran, ran
    assert "fs: no disk; programs come from the kernel image" in out, out


def test_usertests_ran_completely_and_status_counts_failures():
    status, out = usertests_run()
    assert status is not None, out
    report = ktap.parse(out)
    assert report.complete, "incomplete KTAP: %s\n%s" % (report.problems, out)
    assert len(report.cases) >= 25, out
    assert status == min(len(report.failed), 255), out
    # The faulting programs were killed with a line that names them.
    assert re.search(r"\[pid \d+ fault_load\] killed by SIGSEGV: load page fault at stval 0x0, "
                     r"sepc 0x[0-9a-f]+", out), out
    assert re.search(r"\[pid \d+ fault_illegal\] killed by SIGILL: illegal instruction", out), out
    assert "PANIC" not in out, out


def shell(qemu):
    vm = qemu("kernel", timeout=60, disk=disk_copy())
    vm.expect(r"kernel: started init as pid 1")
    vm.expect(PROMPT)
    return vm


def type_line(vm, line):
    vm.send(line + "\r")


def test_shell_runs_programs_with_arguments(qemu):
    vm = shell(qemu)
    type_line(vm, "hello one two")
    vm.expect(r"Hello from user mode! I am hello, pid (\d+), with 2 arguments\.")
    vm.expect(PROMPT)
    type_line(vm, "echo a  b c")
    vm.expect(r"\r?\na b c\r*\n")
    vm.expect(PROMPT)


def test_shell_reports_exit_status_signals_and_unknown_programs(qemu):
    vm = shell(qemu)
    type_line(vm, "exit_code 42")
    vm.expect(r"sh: exit_code: exit status 42")
    vm.expect(PROMPT)
    type_line(vm, "fault_store")
    vm.expect(r"\[pid (\d+) fault_store\] killed by SIGSEGV: store/AMO page fault at stval "
              r"0x([0-9a-f]+), sepc 0x([0-9a-f]+)")
    vm.expect(r"sh: fault_store: killed by signal 11")
    vm.expect(PROMPT)
    type_line(vm, "no_such_program")
    vm.expect(r"sh: no_such_program: No such file or directory")
    vm.expect(PROMPT)


def test_shell_lists_programs_and_edits_with_backspace(qemu):
    vm = shell(qemu)
    type_line(vm, "help")
    match = vm.expect(r"programs:([ a-z_]+)\r*\n")
    programs = match.group(1).split()
    assert {"init", "sh", "hello", "usertests"} <= set(programs), programs
    vm.expect(PROMPT)
    # "helxo" with the x rubbed out by Backspace (DEL) becomes "hello".
    vm.send("hellx\x7fo edited\r")
    vm.expect(r"I am hello, pid \d+, with 1 arguments?\.")
    vm.expect(PROMPT)


def test_exit_from_the_shell_powers_off_with_its_status(qemu):
    vm = shell(qemu)
    type_line(vm, "exit 7")
    vm.expect(r"init: the shell ended with status 7")
    assert vm.wait() == 7, vm.output
