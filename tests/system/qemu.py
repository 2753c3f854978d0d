"""qemu.py: boot a kernel image in QEMU and watch it through pexpect.

Every run has a timeout: a kernel that hangs raises Hang, whose message
holds everything the kernel printed and a hang report: where each hart was,
read through QEMU's gdbstub on a unix socket that every run has and nobody
uses until then (scripts/hang_report.py). Kernel and user addresses in
failure messages are decoded to function (file:line) (scripts/decode_log.py;
conftest.py does the same for assertion messages).
Output is cleaned for matching: the terminal QEMU writes to turns "\\n" into "\\r\\n",
so "\\r" is dropped, and the log levels' ANSI colours are stripped.
"""
import fcntl
import io
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
# make passes BUILD when it is not the default "build" (parallel work trees).
BUILD = ROOT / os.environ.get("BUILD", "build")
sys.path.insert(0, str(ROOT / "scripts"))

import decode_log  # noqa: E402
import hang_report  # noqa: E402

# Every image booted by this process, in order (conftest.py decodes a failed
# test's assertion message with the image that test booted last).
IMAGES_RUN = []
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# A function name as backtraces and GDB print it: a C identifier, perhaps with
# the suffixes GCC gives the copies it makes of a function (.part.0, .isra.0,
# .constprop.0, .cold). Match names with this, never with a bare \w+.
SYMBOL = r"[A-Za-z_]\w*(?:\.\w+)*"
# TEST_SMP=4 boots every kernel with four harts unless a test asks for a number (.ci/run).
SMP = int(os.environ.get("TEST_SMP", "1"))


class Hang(AssertionError):
    """The kernel did not finish, or did not print what was expected, in time."""


def clean(text):
    return ANSI.sub("", text.replace("\r", ""))


def base_name(symbol):
    """A symbol without GCC's clone suffixes: 'f.part.0' -> 'f'."""
    return symbol.split(".")[0]


def backtrace_names(out):
    """The function names of the kernel's backtrace lines ('  #2 0x... name+0x1c'), in order."""
    return [base_name(name) for name in re.findall(r"#\d+ 0x[0-9a-f]+ (%s)\+0x[0-9a-f]+" % SYMBOL, out)]


def free_port():
    """A TCP port nobody listens on now, for a test that needs one (GDB's)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_env(**extra):
    """The environment for running make from a test inside `make test`.

    Drops the parent's jobserver and -j (its file descriptors are not ours) but
    keeps the variables given on its command line (LOG=DEBUG...), so a nested
    make builds with the same flags and finds the images up to date.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    flags = os.environ.get("MAKEFLAGS", "")
    if " -- " in " " + flags:
        env["MAKEFLAGS"] = "-- " + (" " + flags).split(" -- ", 1)[1]
    env.update(extra)
    return env


def decode(text, image_path=None):
    """`text` with function (file:line) beside its code addresses (scripts/decode_log.py)."""
    elf = str(image_path or BUILD / "kernel.elf")
    decoder = decode_log.Decoder(elf, str(BUILD / "user"))
    try:
        return decoder.decode_text(text)
    except Exception as error:      # a broken decoder must never hide the failure itself
        return text + "\n(decode_log failed: %r)" % error
    finally:
        decoder.close()


def image(name):
    """Path of a built image: 'kernel', 'ktest', 'bench' or 'tests/NAME'."""
    path = BUILD / (name + ".elf")
    if not path.exists():
        target = "debug-image" if name.startswith("debug/") else "images"
        raise FileNotFoundError("%s is not built: run `make %s` first" % (path, target))
    return str(path)


def disk_copy(source=None, directory=None):
    """A fresh copy of a disk image (build/fs.img by default) that one run may write:
    tests run in parallel, and each must check what its own kernel wrote."""
    source = Path(source) if source else BUILD / "fs.img"
    if not source.exists():
        raise FileNotFoundError("%s is not built: run `make images` first" % source)
    directory = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="disk-"))
    copy = directory / source.name
    shutil.copyfile(source, copy)
    return copy


def disk_args(disk, snapshot=False):
    """QEMU's options for `disk` as a virtio-blk device, with the modern virtio-mmio.
    cache=unsafe: QEMU skips the host's fdatasync for the guest's flushes. Every completed
    write is still in the file (what the tests read back, even after a kill -9), and a
    loaded host no longer makes each fsync cost milliseconds.
    snapshot: the guest's writes go to a throwaway overlay, and the file stays as it is."""
    options = ",snapshot=on" if snapshot else ""
    return ["-drive", "file=%s,if=none,format=raw,id=hd0,cache=unsafe%s" % (disk, options),
            "-device", "virtio-blk-device,drive=hd0", "-global", "virtio-mmio.force-legacy=false"]


class Qemu:
    """One QEMU run. Use expect()/send() to talk to it, wait() for its end.

    gdb_socket: serve QEMU's gdbstub on this unix socket (a test that drives
    GDB). Otherwise the run gets a private one for the hang report, unless
    `extra` already has a -gdb option.
    disk: an image file to attach as the virtio disk (written in place: pass a
    copy, from disk_copy()). Left out, the kernel proper (any kernel.elf) gets
    build/fs.img as a snapshot, since its programs live there; disk=False: none.
    """

    def __init__(self, image_path, bootargs="", mem="128M", smp=None, extra=(), timeout=60,
                 gdb_socket=None, disk=None):
        self.timeout = timeout
        self.image_path = image_path
        self.disk = disk
        IMAGES_RUN.append(image_path)
        args = ["-machine", "virt", "-bios", "default", "-m", mem, "-smp", str(smp or SMP),
                "-nographic", "-no-reboot", "-kernel", image_path, "-append", bootargs]
        if disk is None and os.path.basename(image_path) == "kernel.elf":
            args += disk_args(BUILD / "fs.img", snapshot=True)
        elif disk:
            args += disk_args(disk)
        args += list(extra)
        # The grader (scripts/labs) adds "-icount shift=0,sleep=off" here, so a
        # timing-sensitive test gives the same answer on every machine.
        args += os.environ.get("QEMU_EXTRA_ARGS", "").split()
        self.gdb_socket = gdb_socket
        if gdb_socket is None and "-gdb" not in extra and "-s" not in extra:
            # A unix socket (no port to clash) in a directory of its own, removed with the run.
            directory = tempfile.mkdtemp(prefix="qemu-hang-")
            weakref.finalize(self, shutil.rmtree, directory, ignore_errors=True)
            self.gdb_socket = os.path.join(directory, "gdb.sock")
        if self.gdb_socket is not None and "-gdb" not in extra:
            args += hang_report.qemu_args(self.gdb_socket)
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

    def hang(self, what):
        """A Hang for a run that is still going: its output, then where its harts are."""
        where = hang_report.report(self.image_path, self.gdb_socket, seconds=None,
                                   what=os.path.relpath(self.image_path, ROOT))
        self.kill()
        return Hang("%s; output so far:\n%s\n%s" % (what, decode(self.output, self.image_path),
                                                    where))

    def expect(self, pattern, timeout=None):
        """Wait for a regular expression in the raw output; raise Hang if it never comes."""
        limit = timeout or self.timeout
        try:
            self.child.expect(pattern, timeout=limit)
        except pexpect.TIMEOUT:
            raise self.hang("timed out after %ss waiting for %r" % (limit, pattern)) from None
        except pexpect.EOF:
            raise Hang("QEMU ended while waiting for %r; output:\n%s"
                       % (pattern, decode(self.output, self.image_path))) from None
        return self.child.match

    def try_expect(self, pattern, timeout):
        """Wait up to `timeout` s for a pattern: the match, or None, with QEMU left running
        (expect() would kill it and report a hang). For a test that retries an action."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            return None
        except pexpect.EOF:
            raise Hang("QEMU ended while waiting for %r; output:\n%s"
                       % (pattern, decode(self.output, self.image_path))) from None
        return self.child.match

    def send(self, text):
        self.child.send(text)

    def wait(self, timeout=None):
        """Wait for QEMU to exit and return its exit status; raise Hang on timeout."""
        limit = timeout or self.timeout
        try:
            self.child.expect(pexpect.EOF, timeout=limit)
        except pexpect.TIMEOUT:
            raise self.hang("QEMU did not exit within %ss (a hang?)" % limit) from None
        self.child.close()
        self.status = self.child.exitstatus
        if self.status is None:
            # Killed by a signal: report it as a negative status, never as success.
            self.status = -(self.child.signalstatus or 1)
        return self.status

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


# QEMU counting guest time in instructions (1 ns each) and skipping idle
# time: guest time no longer depends on the host, so a figure repeats exactly,
# and the cases that race an interrupt against wfi, or measure a sleep, give
# the same answer however busy the host is.
ICOUNT = ("-icount", "shift=0,sleep=off")

_once_results = {}
_once_locks = {}
_once_guard = threading.Lock()


def run_once(name, bootargs="", timeout=60, extra=(), disk=None):
    """run(), once per pytest run even with several xdist workers: (status, output).

    Tests made at collection (one per in-kernel case, one per usertest) need
    the run while collecting, and every worker collects. The first worker (or
    thread) to get here runs the image; the others wait on a lock and read its
    result. A Hang gives status None and the Hang's message as the output.
    disk: a path the run's disk goes to, a fresh copy of build/fs.img made just
    before the run; it must name one file per pytest run (usertests_disk()).
    """
    key = (name, bootargs, tuple(extra))
    with _once_guard:
        lock = _once_locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _once_results:
            _once_results[key] = _run_once_across_workers(name, bootargs, timeout, tuple(extra),
                                                          disk)
    return _once_results[key]


def _run_once_across_workers(name, bootargs, timeout, extra, disk=None):
    def attempt():
        try:
            if disk is not None:
                Path(disk).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(BUILD / "fs.img", disk)
            return run(name, bootargs=bootargs, timeout=timeout, extra=extra, disk=disk)
        except Hang as hang:
            return None, str(hang)

    session = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if session is None:
        return attempt()
    directory = BUILD / "run-once"
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():     # earlier runs' results: an hour is plenty
        try:
            if time.time() - old.stat().st_mtime > 3600:
                old.unlink()
        except OSError:
            pass
    key = "%s-%s-%s-%s" % (session, name, bootargs, " ".join(extra))
    key = re.sub(r"[^\w.-]", "_", key)[:200]
    with open(directory / (key + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = directory / (key + ".json")
        if result.exists():
            status, output = json.loads(result.read_text())
        else:
            status, output = attempt()
            result.write_text(json.dumps([status, output]))
    return status, output


# The runs that test_ktest.py and test_user.py turn into tests at collection.
# conftest.py starts both at once when a worker starts, so they overlap.
def ktest_collection_run():
    image_name = os.environ.get("KTEST_IMAGE", "ktest")
    return run_once(image_name, bootargs="ktest.filter=" + os.environ.get("KTEST", ""),
                    timeout=300, extra=ICOUNT)


def usertests_disk():
    """The disk usertests runs on at collection: one copy of build/fs.img per pytest
    run, shared by the workers, so that a test can run e2fsck on it afterwards."""
    session = os.environ.get("PYTEST_XDIST_TESTRUNUID", "local-%d" % os.getpid())
    return BUILD / "run-once" / ("usertests-%s.img" % re.sub(r"[^\w.-]", "_", session))


def usertests_collection_run():
    return run_once("kernel", bootargs="init=usertests", timeout=300, disk=usertests_disk())


def run(name, bootargs="", timeout=60, **kwargs):
    """Boot image `name` to its end. Returns (status, cleaned output)."""
    qemu = Qemu(image(name), bootargs=bootargs, timeout=timeout, **kwargs)
    status = qemu.wait()
    return status, qemu.output
