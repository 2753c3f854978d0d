"""Several harts, from outside: bring-up of 1 to 8 harts to the shell, the
in-kernel suites and usertests on four harts running side by side, fork,
exec and wait churned by four workers with every frame back, the teaching
pair of counters, and gdb's `harts` command.

These boot with several harts whatever TEST_SMP says, under multi-threaded
TCG (-accel tcg,thread=multi): each hart is a host thread, so the harts
really run at once (on this 2-core host, two at a time), which is what
finds races. The rest of the system tests run with TEST_SMP harts, 1 in
make test; .ci/run runs them all again with TEST_SMP=4 (docs/smp.md).
"""
import os
import re
import socket
import subprocess

import pytest

import ktap
from qemu import ROOT, Qemu, image, run

PROMPT = r"\$ "
MTTCG = ("-accel", "tcg,thread=multi")
HARTS_LINE = r"harts\s+(\d+) online: ([\d ]+) \(boot hart (\d+)\)"
# make test churns 10,000 by default; SMP_STRESS_ROUNDS picks another number.
STRESS_ROUNDS = int(os.environ.get("SMP_STRESS_ROUNDS", "10000"))


@pytest.mark.parametrize("harts", range(1, 9))
def test_every_hart_comes_up_and_the_shell_runs(qemu, harts):
    vm = qemu("kernel", smp=harts, extra=MTTCG, timeout=60)
    match = vm.expect(HARTS_LINE)
    online, ids, boot = int(match.group(1)), match.group(2).split(), match.group(3)
    assert online == harts, vm.output
    # The ids come from the device tree: QEMU's virt numbers its harts 0..N-1.
    assert sorted(int(i) for i in ids) == list(range(harts)), vm.output
    assert boot in ids, vm.output
    vm.expect(PROMPT)
    vm.send("hello smp\r")
    vm.expect(r"Hello from user mode! I am hello, pid \d+, with 1 arguments?\.")
    vm.expect(PROMPT)
    vm.send("exit 3\r")
    assert vm.wait() == 3, vm.output
    if harts > 1:
        assert re.search(r"smp: %d harts; spinning for spinlocks" % harts, vm.output), vm.output


def test_a_hart_sent_to_the_boot_entry_still_comes_online():
    # OpenSBI 1.1 marks a hart START_PENDING before it stores the start address, so a
    # parked hart that wakes in between jumps to the stale cold-boot address, _start.
    # smp_entry=boot starts every hart that way on purpose: _start must send it on.
    status, out = run("kernel", bootargs="mode=halt smp_entry=boot", smp=4, extra=MTTCG)
    assert status == 0, out
    assert re.search(r"harts\s+4 online", out), out
    assert "did not come online" not in out, out
    assert out.count("RISC-V Sv39 teaching kernel") == 1, out


def test_harts_on_the_command_line_leaves_the_others_in_the_firmware():
    status, out = run("kernel", bootargs="mode=halt harts=2", smp=4, extra=MTTCG)
    assert status == 0, out
    assert re.search(r"harts\s+2 online", out), out
    parked = re.findall(r"smp: hart (\d+) stays parked in the firmware", out)
    assert len(parked) == 2, out


@pytest.mark.slow
def test_in_kernel_suites_pass_on_four_harts_at_once():
    status, out = run("ktest", bootargs="ktest.filter=", smp=4, extra=MTTCG, timeout=300)
    report = ktap.parse(out)
    assert report.complete, "%s\n%s" % (report.problems, out)
    assert not report.failed, [c.name for c in report.failed]
    smp_cases = [c for c in report.cases if c.name.startswith("smp_")]
    assert len(smp_cases) >= 7 and not any(c.skipped for c in smp_cases), out
    assert status == 0, out


@pytest.mark.slow
def test_usertests_pass_on_four_harts():
    status, out = run("kernel", bootargs="init=usertests", smp=4, extra=MTTCG, timeout=300)
    report = ktap.parse(out)
    assert report.complete, "%s\n%s" % (report.problems, out)
    assert not report.failed, out
    assert "PANIC" not in out, out
    assert status == 0, out


@pytest.mark.slow
def test_four_harts_churn_fork_exec_wait_and_every_frame_comes_back():
    status, out = run("kernel", bootargs="init=forkstress init.args=%d,4" % STRESS_ROUNDS,
                      smp=4, extra=MTTCG, timeout=600)
    match = re.search(r"forkstress: (\d+) fork/exec/wait by 4 workers, (\d+) went wrong; "
                      r"free frames before (\d+), after (\d+): every frame is back", out)
    assert match, out
    assert int(match.group(1)) == STRESS_ROUNDS and int(match.group(2)) == 0, out
    assert match.group(3) == match.group(4), out
    assert "PANIC" not in out, out
    assert status == 0, out


def test_a_counter_without_a_lock_loses_updates_on_four_harts():
    status, out = run("tests/counter_unlocked", smp=4, extra=MTTCG, timeout=120)
    match = re.search(r"counter_unlocked: 4 harts \(4 ran adders\) x (\d+) increments without a "
                      r"lock: counter (\d+) of (\d+), (\d+) lost", out)
    assert match, out
    counted, expected, lost = map(int, match.group(2, 3, 4))
    assert expected == 4 * int(match.group(1)) and lost == expected - counted, out
    assert lost > 0, out
    assert status == 0, out


def test_the_same_counter_under_a_spinlock_loses_none():
    status, out = run("tests/counter_locked", smp=4, extra=MTTCG, timeout=120)
    match = re.search(r"counter_locked: 4 harts \(4 ran adders\) x (\d+) increments under a "
                      r"spinlock: counter (\d+) of (\d+), 0 lost", out)
    assert match, out
    assert match.group(2) == match.group(3), out
    assert status == 0, out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_harts_shows_each_hart_and_its_thread():
    port = free_port()
    kernel = image("kernel")
    vm = Qemu(kernel, smp=4, extra=("-S", "-gdb", "tcp:127.0.0.1:%d" % port), timeout=60)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-q", kernel,
             "-ex", "target remote 127.0.0.1:%d" % port,
             "-x", str(ROOT / "scripts" / "gdbinit"),
             "-ex", "harts",
             "-ex", "break kernel_run", "-ex", "continue",
             "-ex", "harts",
             "-ex", "kill"],
            cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    finally:
        vm.kill()
    out = gdb.stdout + gdb.stderr
    lines = re.findall(r"^hart (\d)  (\S+)  (.*)$", out, re.M)
    assert len(lines) == 8, out
    # Before the kernel starts, every hart is in the firmware, which has paging off.
    assert all(mode == "M-mode" and "not set up by the kernel" in what
               for _, mode, what in lines[:4]), out
    # At kernel_run: one hart runs thread 'boot' (any of them: the boot thread slept for the
    # disk and may have woken elsewhere), the others their idle threads; each index once.
    after = lines[4:]
    assert sum(bool(re.search(r"thread 'boot' \(tid 0, pid 0, THREAD_RUNNING\), index \d$", w))
               for _, _, w in after) == 1, out
    assert sum(bool(re.search(r"thread 'idle' .*, index \d$", w)) for _, _, w in after) == 3, out
    indexes = sorted(int(re.search(r"index (\d)$", w).group(1)) for _, _, w in after)
    assert indexes == [0, 1, 2, 3], out
    assert sorted(int(hart) for hart, _, _ in after) == [0, 1, 2, 3], out
