"""make debug: Ctrl-C stops the kernel and QEMU lives; QEMU never outlives GDB;
the -Og debug build boots and shows the trap and syscall paths' variables.

The session tests drive `make debug` itself through a pseudo-terminal, as a
student's terminal does, each on a free port so parallel runs do not clash.
"""
import os
import re
import signal
import subprocess
import time

import pexpect
import pytest

from qemu import BUILD, IMAGES_RUN, ROOT, Qemu, free_port, image, make_env, run

# One worker runs them all (make test passes --dist loadgroup): a make debug
# that has to build the debug image must not race a test booting it.
pytestmark = pytest.mark.xdist_group("debug-build")

GDB_PROMPT = r"\(gdb\) "
DEBUG_IMAGE = "debug/kernel"


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def gone_within(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


class DebugSession:
    """`make debug` in a pseudo-terminal, stopped at kmain."""

    def __init__(self):
        self.port = free_port()
        IMAGES_RUN.append(str(BUILD / "debug" / "kernel.elf"))   # decode failures with it
        self.run_dir = BUILD / "debug" / ("console-%d.run" % self.port)
        self.child = pexpect.spawn(
            "make", ["--no-print-directory", "debug", "GDBPORT=%d" % self.port,
                     "BUILD=" + os.path.relpath(BUILD, ROOT)],
            cwd=str(ROOT), env=make_env(TERM="dumb"), encoding="utf-8", codec_errors="replace",
            timeout=30)
        self.log = []
        self.child.logfile_read = self
        # The first run may build the debug image.
        self.child.expect(r"Breakpoint \d+, kmain", timeout=240)
        self.child.expect(GDB_PROMPT)
        self.qemu_pid = self.pid("qemu")
        self.gdb_pid = self.pid("gdb")

    def write(self, text):          # pexpect's logfile_read
        self.log.append(text)

    def flush(self):
        pass

    @property
    def output(self):
        return "".join(self.log)

    def pid(self, name):
        with open(self.run_dir / (name + ".pid")) as pid_file:
            return int(pid_file.read())

    def command(self, line):
        """Run one GDB command; return what it printed."""
        start = len(self.output)
        self.child.sendline(line)
        self.child.expect(GDB_PROMPT)
        return self.output[start:]

    def interrupt(self):
        start = len(self.output)
        self.child.send("\x03")
        self.child.expect(GDB_PROMPT)
        return self.output[start:]

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        for pid in (self.qemu_pid, self.gdb_pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def session():
    started = []

    def start():
        started.append(DebugSession())
        return started[-1]

    yield start
    for s in started:
        s.close()


def test_ctrl_c_in_gdb_stops_the_kernel_and_qemu_lives(session):
    s = session()
    assert "breakpoint 1 on panic_end" in s.output or "breakpoint 1 on panic_break" in s.output, \
        s.output
    for _ in range(2):                                  # and again: the session goes on
        s.child.sendline("continue")
        s.child.expect("Continuing.")
        time.sleep(1)
        stopped = s.interrupt()
        assert "received signal SIGINT" in stopped, s.output
        assert "terminating on signal" not in s.output, s.output
        assert alive(s.qemu_pid), s.output
    # The harts command names the thread each hart runs.
    harts = s.command("harts")
    assert re.search(r"hart 0  S-mode  thread '[^']+' \(tid \d+", harts), harts
    # QEMU's register list is repaired: info frame reads every register.
    frame = s.command("info frame")
    assert "Stack level 0" in frame and "Could not fetch register" not in frame, frame
    s.child.sendline("quit")
    s.child.expect(pexpect.EOF, timeout=20)
    s.child.close()
    assert s.child.exitstatus == 0, s.output        # quitting GDB is not a make error
    assert gone_within(s.qemu_pid, 10), "QEMU outlived GDB's quit"


def test_qemu_does_not_outlive_a_crashed_gdb(session):
    s = session()
    os.kill(s.gdb_pid, signal.SIGSEGV)
    s.child.expect(pexpect.EOF, timeout=20)
    s.child.close()
    assert gone_within(s.qemu_pid, 10), "QEMU outlived a crashed GDB"
    assert "GDB ended by signal %d" % signal.SIGSEGV in s.output, s.output


@pytest.mark.slow
def test_the_debug_build_is_at_og_and_boots_to_the_end():
    flags = (BUILD / "debug" / "flags").read_text()
    assert " -Og " in flags, flags
    status, out = run(DEBUG_IMAGE, bootargs="init=usertests", timeout=120)
    assert "# Totals: " in out and status == 0, out


def test_the_debug_build_shows_trap_and_syscall_variables(gdb_socket):
    """At -Og the trap frame and the system call's locals are readable, not <optimized out>."""
    kernel = image(DEBUG_IMAGE)
    vm = Qemu(kernel, bootargs="init=usertests", gdb_socket=gdb_socket, extra=("-S",),
              timeout=60)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-q", kernel,
             "-x", str(ROOT / "scripts" / "gdbinit"),
             "-ex", "kernel-connect " + gdb_socket,
             "-ex", "break syscall_dispatch", "-ex", "continue",
             "-ex", "info args", "-ex", "print *context",
             "-ex", "next", "-ex", "next", "-ex", "print number",
             "-ex", "delete", "-ex", "break trap_dispatch", "-ex", "continue",
             "-ex", "info args", "-ex", "print *context",
             "-ex", "kill"],
            cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    finally:
        vm.kill()
    out = gdb.stdout + gdb.stderr
    syscall = out[out.index("syscall_dispatch (context="):out.index("Breakpoint 3 at")]
    assert syscall.count("struct context {") == 1 and "optimized out" not in syscall, out
    # The local `number` is read from a7: both show the same system call number.
    a7 = int(re.search(r"a7\s+0x([0-9a-f]{16})", syscall).group(1), 16)
    assert re.search(r"\$\d+ = %d\n" % a7, syscall), out
    trap = out[out.index("trap_dispatch (context="):]
    assert re.search(r"scause = \d+", trap) and "struct context {" in trap, out
    assert "optimized out" not in trap, out


def test_make_console_types_into_the_kernel_while_gdb_has_the_terminal(session):
    s = session()
    s.child.sendline("continue")
    s.child.expect("Continuing.")
    console = pexpect.spawn("make", ["--no-print-directory", "console", "GDBPORT=%d" % s.port,
                                     "BUILD=" + os.path.relpath(BUILD, ROOT)],
                            cwd=str(ROOT), env=make_env(TERM="dumb"), encoding="utf-8",
                            codec_errors="replace", timeout=30)
    try:
        console.expect(r"\$ ")                         # the shell's prompt, from the log or live
        console.send("hello from the console\r")
        console.expect(r"I am hello, pid \d+, with 3 arguments")
        console.expect(r"\$ ")
        console.send("\x1d")                           # Ctrl-] leaves; the session goes on
        console.expect("left the console")
        console.expect(pexpect.EOF)
    finally:
        console.terminate(force=True)
    assert alive(s.qemu_pid)
    log = (BUILD / "debug" / ("console-%d.log" % s.port)).read_text(errors="replace")
    assert "with 3 arguments" in log, log
