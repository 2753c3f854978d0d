#!/usr/bin/env python3
"""run_image.py IMAGE SECONDS BOOTARGS QEMU-OPTIONS...  (through scripts/run-image.sh)

Boot one kernel image in QEMU, show its console as it comes, and exit with
QEMU's own exit status, which carries the kernel's verdict (0 = pass,
1..255 = failure code). A run that takes longer than SECONDS is a hang: before
killing QEMU, this asks it where every hart is (scripts/hang_report.py) and
prints that report, with the last console lines, on stderr; the status is then
124, as timeout(1) gives.
"""
import collections
import os
import select
import shutil
import subprocess
import sys
import tempfile
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


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    image, seconds, bootargs = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    directory = tempfile.mkdtemp(prefix="qemu-hang-")
    socket_path = os.path.join(directory, "gdb.sock")
    command = [QEMU] + sys.argv[4:] + ["-kernel", image, "-append", bootargs]
    if "-gdb" not in command and "-s" not in command:
        command += hang_report.qemu_args(socket_path)
    kept = collections.deque()
    kept_size = 0
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE)
        deadline = time.monotonic() + seconds
        out = sys.stdout.buffer
        hung = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                hung = True
                break
            ready, _, _ = select.select([process.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            out.write(chunk)
            out.flush()
            kept.append(chunk)
            kept_size += len(chunk)
            while kept_size > KEEP_BYTES and len(kept) > 1:
                kept_size -= len(kept.popleft())
        if hung:
            console = b"".join(kept).decode(errors="replace")
            report = hang_report.report(image, socket_path, console, seconds="%g" % seconds)
            stop(process)
            sys.stderr.write("\nrun-image: %s did not finish within %g s and was killed: a hang?\n"
                             % (image, seconds))
            sys.stderr.write(report)
            return 124
        status = process.wait()
        if status < 0:
            sys.stderr.write("run-image: QEMU was killed by signal %d\n" % -status)
            return 128 - status
        if status != 0:
            sys.stderr.write("run-image: %s ended with exit status %d\n" % (image, status))
        return status
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
