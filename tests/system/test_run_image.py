"""scripts/run_image.py: make qemu's exit status and make ktest's runs.

With --guest-status (make qemu) the kernel's power-off status N is printed as
"kernel exited with status N" and is not an error; QEMU killed, stopped by a
signal or failing on its own still is.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from qemu import BUILD, ROOT, image, make_env

RUN_IMAGE = [sys.executable, str(ROOT / "scripts" / "run_image.py")]
MACHINE = ["-machine", "virt", "-bios", "default", "-m", "128M", "-nographic", "-no-reboot"]


def run_image(*args, timeout=120):
    return subprocess.run(RUN_IMAGE + list(args), cwd=str(ROOT), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def test_the_guest_status_is_printed_and_is_no_error():
    done = run_image("--guest-status", image("tests/ktest_selftest"), "0", "", *MACHINE)
    assert "kernel exited with status 2" in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr


def test_without_guest_status_the_status_is_passed_on():
    done = run_image(image("tests/ktest_selftest"), "60", "", *MACHINE)
    assert done.returncode == 2, done.stderr
    assert "ended with exit status 2" in done.stderr, done.stderr


def test_a_qemu_error_is_still_an_error():
    done = run_image("--guest-status", image("kernel"), "0", "", *MACHINE, "-no-such-option")
    assert done.returncode != 0, done.stderr
    assert "QEMU failed: qemu-system-riscv64: -no-such-option: invalid option" in done.stderr, \
        done.stderr
    assert "kernel exited" not in done.stderr


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(p) for p in f.read().split()]


def catches(pid, signum):
    """Has process `pid` installed a handler for `signum` (/proc/PID/status, SigCgt)?"""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signum - 1)))
    except OSError:
        pass
    return False


@pytest.mark.parametrize("signum,status,message", [
    (signal.SIGKILL, 128 + signal.SIGKILL, "QEMU was killed by signal 9"),
    (signal.SIGTERM, 1, "QEMU was stopped: qemu-system-riscv64: terminating on signal 15"),
], ids=["killed", "terminated"])
def test_qemu_ended_by_a_signal_is_an_error(signum, status, message):
    process = subprocess.Popen(RUN_IMAGE + ["--guest-status", image("tests/hang_loop"), "0", ""]
                               + MACHINE, cwd=str(ROOT), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        qemu_pid, = children(process.pid)
        # QEMU says "terminating on signal 15" only once it handles SIGTERM: on a busy
        # host that takes a while after it starts. Wait for the handler, not a fixed time.
        while not catches(qemu_pid, signal.SIGTERM) and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(qemu_pid, signum)
        _, errors = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status, errors
    assert message in errors, errors
    assert "kernel exited" not in errors, errors


def test_make_qemu_runs_through_guest_status():
    done = subprocess.run(["make", "-n", "--no-print-directory", "qemu",
                           "BUILD=" + os.path.relpath(BUILD, ROOT)],
                          cwd=str(ROOT), env=make_env(), capture_output=True, text=True, timeout=60)
    assert "scripts/run_image.py --guest-status" in done.stdout, done.stdout + done.stderr
