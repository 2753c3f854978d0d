"""Unmodified static Linux programs (tests/linux, Tier 0) on our kernel,
compared with what qemu-riscv64 recorded (tests/linux/expected/).

The programs are built by tests/linux/linux.mk with Debian's
riscv64-linux-gnu-gcc -static. One disk image holds the kernel's own
programs with the Linux ones over them at /bin/NAME (the paths the
reference used), /tests/busybox_script.sh, and each case's argv and
environment under /tests/cases/. Each case boots the kernel with
init=linuxrun (user/prog/linuxrun.c), which runs the case with exactly its
argv and environment, stdin from /dev/null and stdout into /tmp/NAME.out,
and prints its exit status; debugfs then reads the bytes the program wrote
and tests/linux/compare.py judges them, with the case's masks.

Cases that cannot pass yet are xfail(strict) with the reason: never skipped
in silence, and a case that starts to pass is reported, so the list stays
true.

Tier 1 is BusyBox (the cases with needs_busybox): `make busybox` builds it
if it is not cached yet (scripts/busybox-build.sh: Debian's source through a
private apt configuration; one to two minutes the first time, then instant),
so on a clean machine these tests build it rather than skip. That first build
is over make test's 120 s budget, so they are marked slow: CI runs them right
after make test (.ci/run: make system-test SYSTEM_TEST_MARK=slow) and again in
its four-hart pass. They run on one worker (xdist_group), which builds it once. The same binary, with a link for
every applet, is the disk of `make qemu LINUX=1`, whose interactive ash is
tested last.
"""
import fcntl
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from disk import debugfs_dump
from qemu import BUILD, ROOT, disk_copy, make_env

sys.path.insert(0, str(ROOT / "tests" / "linux"))
import cases as linux_cases  # noqa: E402
import compare as linux_compare  # noqa: E402

LINUX_CC = "riscv64-linux-gnu-gcc"

# Why a case fails today: the missing piece, by name. Remove a line when it passes.
NOT_YET = {
}

TIER0 = [case for case in linux_cases.CASES if not case.needs_busybox]
TIER1 = [case for case in linux_cases.CASES if case.needs_busybox]


def case_param(case):
    marks = []
    if case.name in NOT_YET:
        marks.append(pytest.mark.xfail(reason=NOT_YET[case.name], strict=True))
    return pytest.param(case, id=case.name, marks=marks)


def build_disk(top, cases, programs):
    """A disk image under `top`: the kernel's programs, then `programs` (path in
    the image -> file), each case's argv and environment in /tests/cases/, and
    /tests/busybox_script.sh."""
    extra = top / "extra"
    (extra / "bin").mkdir(parents=True)
    (extra / "tests" / "cases").mkdir(parents=True)
    for path, source in programs.items():
        shutil.copy(source, extra / path)
    for case in cases:
        assert case.cwd == "/", "linuxrun runs every case in /"
        (extra / "tests" / "cases" / (case.name + ".argv")).write_text(
            "".join(arg + "\n" for arg in case.argv))
        (extra / "tests" / "cases" / (case.name + ".env")).write_text(
            "".join(var + "\n" for var in case.env))
    shutil.copy(ROOT / "tests" / "linux" / "busybox_script.sh", extra / "tests")
    image = top / "linux.img"
    made = subprocess.run(["sh", "scripts/mkfs_image.sh", str(image), "32M", str(top / "staging"),
                           str(BUILD / "user" / "packed"), str(extra)],
                          cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    return image


@pytest.fixture(scope="module")
def linux_disk(tmp_path_factory):
    """The disk image with the Tier 0 programs and the cases' files."""
    if shutil.which(LINUX_CC) is None:
        pytest.skip("%s is not installed (scripts/install-deps.sh installs it): "
                    "the Linux programs of tests/linux cannot be built" % LINUX_CC)
    # Every xdist worker gets here: one builds at a time, the others find it done.
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".linux-progs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        build = subprocess.run(["make", "-s", "-f", "tests/linux/linux.mk", "BUILD=%s" % BUILD,
                                "linux-progs"], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, "building tests/linux failed:\n" + build.stdout + build.stderr
    programs = {"bin/" + case.name: BUILD / "linux" / case.name for case in TIER0}
    return build_disk(tmp_path_factory.mktemp("linux-disk"), TIER0, programs)


def make_busybox():
    """$(BUILD)/linux/busybox, built now if it is not cached (never a skip: see above)."""
    started = time.monotonic()
    built = subprocess.run(["make", "-s", "BUILD=%s" % BUILD, "busybox"], cwd=ROOT,
                           env=make_env(), capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, ("make busybox failed (scripts/busybox-build.sh; it needs the "
                                   "network the first time):\n" + built.stdout + built.stderr)
    binary = BUILD / "linux" / "busybox"
    assert binary.is_file(), "make busybox left no %s" % binary
    if time.monotonic() - started > 10:
        print("make busybox took %.0f s" % (time.monotonic() - started))
    return binary


@pytest.fixture(scope="module")
def busybox_disk(tmp_path_factory):
    """The disk image with /bin/busybox (no links: the cases run it by path) and the cases' files."""
    binary = make_busybox()
    return build_disk(tmp_path_factory.mktemp("busybox-disk"), TIER1, {"bin/busybox": binary})


def run_case(qemu, disk, name, timeout):
    vm = qemu("kernel", disk=disk, bootargs="init=linuxrun init.args=%s" % name, timeout=timeout)
    found = vm.expect(r"linuxrun: %s (exit|signal) (\d+)" % re.escape(name))
    status = (found.group(1), int(found.group(2)))
    assert vm.wait() == 0, vm.output
    return debugfs_dump(disk, "/tmp/%s.out" % name), status, vm.output


# One worker runs them all: the disk fixture is made once, not once per worker.
@pytest.mark.xdist_group("linux-tier0")
@pytest.mark.parametrize("case", [case_param(case) for case in TIER0])
def test_tier0_case_matches_qemu_user(qemu, linux_disk, tmp_path, case):
    disk = disk_copy(linux_disk, directory=tmp_path)
    stdout, status, console = run_case(qemu, disk, case.name, timeout=case.timeout)
    ok, report = linux_compare.compare(case.name, stdout, status)
    assert ok, report + "\nconsole:\n" + console[-3000:]


@pytest.mark.slow
@pytest.mark.xdist_group("busybox")
@pytest.mark.parametrize("case", [case_param(case) for case in TIER1])
def test_busybox_case_matches_qemu_user(qemu, busybox_disk, tmp_path, case):
    disk = disk_copy(busybox_disk, directory=tmp_path)
    stdout, status, console = run_case(qemu, disk, case.name, timeout=case.timeout)
    ok, report = linux_compare.compare(case.name, stdout, status)
    assert ok, report + "\nconsole:\n" + console[-3000:]


@pytest.mark.slow
@pytest.mark.xdist_group("busybox")
def test_busybox_ash_is_an_interactive_shell_with_job_control(qemu, tmp_path):
    """make qemu LINUX=1's disk: ash as init, line editing, background jobs, Ctrl-C, Ctrl-Z
    with bg and fg, exit."""
    make_busybox()
    made = subprocess.run(["make", "-s", "BUILD=%s" % BUILD, str(BUILD / "fs-linux.img")],
                          cwd=ROOT, env=make_env(), capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    disk = disk_copy(BUILD / "fs-linux.img", directory=tmp_path)
    vm = qemu("kernel", disk=disk, bootargs="init=/bin/busybox init.args=ash", timeout=60)
    prompt = r"\n# "
    vm.expect(prompt)
    vm.send("echo $((6 * 7)) $(uname -s) $(ls /bin | grep -c .)\r")
    vm.expect(r"\n42 Linux \d+")
    vm.expect(prompt)
    # History: the up arrow brings the last line back.
    vm.send("\x1b[A\r")
    vm.expect(r"\n42 Linux \d+")
    vm.expect(prompt)
    # A background job, and the jobs builtin (wait4 with WUNTRACED, setpgid, TIOCSPGRP).
    vm.send("sleep 20 &\r")
    vm.expect(prompt)
    vm.send("jobs\r")
    vm.expect(r"\[1\]\+ +Running +sleep 20")
    vm.expect(prompt)
    vm.send("kill %1; wait; jobs\r")
    vm.expect(prompt)
    # Ctrl-C ends the foreground job, not the shell: the console's foreground group.
    vm.send("echo started; sleep 30\r")
    vm.expect(r"\nstarted")
    time.sleep(1)
    vm.send("\x03")
    vm.expect(prompt, timeout=15)
    vm.send("echo status $?\r")
    vm.expect(r"\nstatus 130")
    vm.expect(prompt)
    # Ctrl-Z stops the foreground job; bg continues it in the background, fg brings it back.
    vm.send("echo again; sleep 30\r")
    vm.expect(r"\nagain")
    time.sleep(1)
    vm.send("\x1a")
    vm.expect(r"\[1\]\+ +Stopped +sleep 30")
    vm.expect(prompt)
    vm.send("bg\r")
    vm.expect(prompt)
    vm.send("jobs\r")
    vm.expect(r"\[1\]\+ +Running +sleep 30")
    vm.expect(prompt)
    vm.send("fg\r")
    vm.expect(r"\nsleep 30")
    time.sleep(1)
    vm.send("\x03")
    vm.expect(prompt, timeout=15)
    vm.send("exit 5\r")
    vm.expect(r"init exited with status 5")
    assert vm.wait() == 5, vm.output  # the machine powers off with init's status


def test_every_case_is_run_or_has_a_reason():
    """A case of cases.py is never left out in silence: it runs, or NOT_YET says why not."""
    names = {case.name for case in TIER0 + TIER1}
    assert set(NOT_YET) <= names, set(NOT_YET) - names
    assert len(TIER0) + len(TIER1) == len(linux_cases.CASES)
