#!/usr/bin/env python3
"""run_image.py [--guest-status] IMAGE SECONDS BOOTARGS QEMU-OPTIONS...

(make ktest through scripts/run-image.sh; make qemu with --guest-status)

Boot one kernel image in QEMU, show its console as it comes, and exit with
QEMU's own exit status, which carries the kernel's verdict (0 = pass,
1..255 = failure code). A run that takes longer than SECONDS is a hang: before
killing QEMU, this asks it where every hart is (scripts/hang_report.py) and
prints that report, with the last console lines, on stderr; the status is then
124, as timeout(1) gives. SECONDS 0 means no limit, and QEMU then has the
terminal to itself (make qemu).

--guest-status: the kernel's status is news, not an error. A power-off with
status N prints "kernel exited with status N" and exits 0. QEMU's own
failures still fail: killed by a signal (128 + the signal), stopped by one
("terminating on signal N": 1), or an error of its own (an error line on
stderr and a nonzero status: that status).
"""
import collections
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hang_report  # noqa: E402

QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
KEEP_BYTES = 64 * 1024


def stop(process, grace=5.0):
    """SIGTERM (QEMU restores the terminal), then SIGKILL if it does not go."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_untimed(command):
    """QEMU with the terminal (make qemu): its stderr is watched for its own messages."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    messages = []

    def relay():
        for line in iter(process.stderr.readline, b""):
            sys.stderr.buffer.write(line)
            sys.stderr.flush()
            messages.append(line.decode(errors="replace"))

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    status = process.wait()
    thread.join(5)
    return status, messages


def qemu_failure(status, messages):
    """Why this end was QEMU's and not the kernel's, or None."""
    if status < 0:
        return "QEMU was killed by signal %d" % -status, 128 - status
    stopped = [m for m in messages if "terminating on signal" in m]
    if stopped:
        return "QEMU was stopped: %s" % stopped[-1].strip(), 1
    errors = [m for m in messages if m.startswith("qemu-system-") and "warning" not in m]
    if status != 0 and errors:
        return "QEMU failed: %s" % errors[-1].strip(), status
    return None


def run_timed(command, image, seconds, socket_path):
    """QEMU with its output through us, killed (with a hang report) after `seconds`."""
    kept = collections.deque()
    kept_size = 0
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    deadline = time.monotonic() + seconds
    out = sys.stdout.buffer
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([process.stdout], [], [], left)
        if not ready:
            continue
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            return process.wait()
        out.write(chunk)
        out.flush()
        kept.append(chunk)
        kept_size += len(chunk)
        while kept_size > KEEP_BYTES and len(kept) > 1:
            kept_size -= len(kept.popleft())
    console = b"".join(kept).decode(errors="replace")
    report = hang_report.report(image, socket_path, console, seconds="%g" % seconds)
    sys.stderr.write("\nrun-image: %s did not finish within %g s and was killed: a hang?\n"
                     % (image, seconds))
    sys.stderr.write(report)
    sys.stderr.flush()
    stop(process)
    return None


def main():
    arguments = sys.argv[1:]
    guest_status = arguments[:1] == ["--guest-status"]
    if guest_status:
        arguments = arguments[1:]
    if len(arguments) < 3:
        sys.exit(__doc__)
    image, seconds, bootargs = arguments[0], float(arguments[1]), arguments[2]
    directory = tempfile.mkdtemp(prefix="qemu-hang-")
    socket_path = os.path.join(directory, "gdb.sock")
    command = [QEMU] + arguments[3:] + ["-kernel", image, "-append", bootargs]
    try:
        if seconds <= 0:
            status, messages = run_untimed(command)
        else:
            if "-gdb" not in command and "-s" not in command:
                command += hang_report.qemu_args(socket_path)
            status, messages = run_timed(command, image, seconds, socket_path), []
            if status is None:
                return 124
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    failure = qemu_failure(status, messages)
    if failure is not None:
        sys.stderr.write("run-image: %s\n" % failure[0])
        return failure[1]
    if guest_status:
        sys.stderr.write("kernel exited with status %d\n" % status)
        return 0
    if status != 0:
        sys.stderr.write("run-image: %s ended with exit status %d\n" % (image, status))
    return status


if __name__ == "__main__":
    sys.exit(main())
