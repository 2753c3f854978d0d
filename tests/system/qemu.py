"""qemu.py: boot a kernel image in QEMU and watch it through pexpect.

Every run has a timeout: a kernel that hangs raises Hang, whose message
holds everything the kernel printed, so the failure shows where it stopped.
Output is cleaned for matching: OpenSBI's console turns "\\n" into "\\r\\n",
so "\\r" is dropped, and the log levels' ANSI colours are stripped.
"""
import io
import os
import re
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
# make passes BUILD when it is not the default "build" (parallel work trees).
BUILD = ROOT / os.environ.get("BUILD", "build")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# TEST_SMP=4 boots every kernel with four harts unless a test asks for a number (.ci/run).
SMP = int(os.environ.get("TEST_SMP", "1"))


class Hang(AssertionError):
    """The kernel did not finish, or did not print what was expected, in time."""


def clean(text):
    return ANSI.sub("", text.replace("\r", ""))


def image(name):
    """Path of a built image: 'kernel', 'ktest', 'bench' or 'tests/NAME'."""
    path = BUILD / (name + ".elf")
    if not path.exists():
        raise FileNotFoundError("%s is not built: run `make images` first" % path)
    return str(path)


class Qemu:
    """One QEMU run. Use expect()/send() to talk to it, wait() for its end."""

    def __init__(self, image_path, bootargs="", mem="128M", smp=None, extra=(), timeout=60):
        self.timeout = timeout
        args = ["-machine", "virt", "-bios", "default", "-m", mem, "-smp", str(smp or SMP),
                "-nographic", "-no-reboot", "-kernel", image_path, "-append", bootargs]
        args += list(extra)
        self.log = io.StringIO()
        self.child = pexpect.spawn("qemu-system-riscv64", args, encoding="utf-8",
                                   codec_errors="replace", timeout=timeout, cwd=str(ROOT),
                                   env=dict(os.environ, TERM="dumb"))
        # Everything QEMU prints is kept here, whatever expect() consumed.
        self.child.logfile_read = self.log
        self.status = None

    @property
    def output(self):
        """Everything printed so far, cleaned."""
        return clean(self.log.getvalue())

    def expect(self, pattern, timeout=None):
        """Wait for a regular expression in the raw output; raise Hang if it never comes."""
        limit = timeout or self.timeout
        try:
            self.child.expect(pattern, timeout=limit)
        except pexpect.TIMEOUT:
            raise Hang("timed out after %ss waiting for %r; output so far:\n%s"
                       % (limit, pattern, self.output)) from None
        except pexpect.EOF:
            raise Hang("QEMU ended while waiting for %r; output:\n%s"
                       % (pattern, self.output)) from None
        return self.child.match

    def send(self, text):
        self.child.send(text)

    def wait(self, timeout=None):
        """Wait for QEMU to exit and return its exit status; raise Hang on timeout."""
        limit = timeout or self.timeout
        try:
            self.child.expect(pexpect.EOF, timeout=limit)
        except pexpect.TIMEOUT:
            self.kill()
            raise Hang("QEMU did not exit within %ss (a hang?); output:\n%s"
                       % (limit, self.output)) from None
        self.child.close()
        self.status = self.child.exitstatus
        if self.status is None:
            # Killed by a signal: report it as a negative status, never as success.
            self.status = -(self.child.signalstatus or 1)
        return self.status

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


def run(name, bootargs="", timeout=60, **kwargs):
    """Boot image `name` to its end. Returns (status, cleaned output)."""
    qemu = Qemu(image(name), bootargs=bootargs, timeout=timeout, **kwargs)
    status = qemu.wait()
    return status, qemu.output
