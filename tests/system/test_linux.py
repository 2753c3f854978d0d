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
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from disk import debugfs_dump
from qemu import BUILD, ROOT, disk_copy

sys.path.insert(0, str(ROOT / "tests" / "linux"))
import cases as linux_cases  # noqa: E402
import compare as linux_compare  # noqa: E402

LINUX_CC = "riscv64-linux-gnu-gcc"

# Why a case fails today: the missing piece, by name. Remove a line when it passes.
NOT_YET = {
}

TIER0 = [case for case in linux_cases.CASES if not case.needs_busybox]


def case_param(case):
    marks = []
    if case.name in NOT_YET:
        marks.append(pytest.mark.xfail(reason=NOT_YET[case.name], strict=True))
    return pytest.param(case, id=case.name, marks=marks)


@pytest.fixture(scope="module")
def linux_disk(tmp_path_factory):
    """The disk image with the Tier 0 programs and the cases' files."""
    if shutil.which(LINUX_CC) is None:
        pytest.skip("%s is not installed (scripts/install-deps.sh installs it): "
                    "the Linux programs of tests/linux cannot be built" % LINUX_CC)
    build = subprocess.run(["make", "-s", "-f", "tests/linux/linux.mk", "BUILD=%s" % BUILD,
                            "linux-progs"], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, "building tests/linux failed:\n" + build.stdout + build.stderr
    top = tmp_path_factory.mktemp("linux-disk")
    extra = top / "extra"
    (extra / "bin").mkdir(parents=True)
    (extra / "tests" / "cases").mkdir(parents=True)
    for case in TIER0:
        shutil.copy(BUILD / "linux" / case.name, extra / "bin" / case.name)
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


def run_case(qemu, disk, name, timeout):
    vm = qemu("kernel", disk=disk, bootargs="init=linuxrun init.args=%s" % name, timeout=timeout)
    found = vm.expect(r"linuxrun: %s (exit|signal) (\d+)" % re.escape(name))
    status = (found.group(1), int(found.group(2)))
    assert vm.wait() == 0, vm.output
    return debugfs_dump(disk, "/tmp/%s.out" % name), status, vm.output


@pytest.mark.parametrize("case", [case_param(case) for case in TIER0])
def test_tier0_case_matches_qemu_user(qemu, linux_disk, tmp_path, case):
    disk = disk_copy(linux_disk, directory=tmp_path)
    stdout, status, console = run_case(qemu, disk, case.name, timeout=case.timeout)
    ok, report = linux_compare.compare(case.name, stdout, status)
    assert ok, report + "\nconsole:\n" + console[-3000:]


def test_every_case_is_run_or_has_a_reason():
    """A case of cases.py is never left out in silence: it runs, or NOT_YET says why not."""
    names = {case.name for case in TIER0}
    assert set(NOT_YET) <= names, set(NOT_YET) - names
