#!/usr/bin/env python3
"""debug.py: QEMU in the background, GDB in front, in one terminal (make debug).

    debug.py [--pid-dir DIR] -- QEMU-COMMAND... --gdb-- GDB-COMMAND...

Why a script and not `qemu ... & gdb ...` in the Makefile: Ctrl-C. The
terminal sends SIGINT to its whole foreground process group, and a command
started with `&` by make's shell stays in that group, so Ctrl-C meant to stop
the kernel in GDB killed QEMU ("terminating on signal 2"). Here:

- QEMU runs in a session of its own (setsid): no terminal signal reaches it.
  It is told to die with this script (PR_SET_PDEATHSIG), and this script ends
  it when GDB ends, however GDB ends (quit, crash, kill), so no QEMU is left.
- GDB runs in a process group of its own, which this script makes the
  terminal's foreground group, as a shell does for a job. Ctrl-C then reaches
  GDB alone: GDB stops the kernel and QEMU lives. Make and this script never
  see it, so `make debug` ends normally when GDB quits.
- Ctrl-Z on GDB suspends the whole `make debug` like any job; `fg` resumes it.

QEMU's own messages go to DIR/qemu.log; its and GDB's process ids to
DIR/qemu.pid and DIR/gdb.pid while they run (the tests use them).
Exit status: GDB's.
"""
import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid):
    """In QEMU's child process: end with SIGTERM when this script ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent_pid:      # the parent died before prctl took effect
        os._exit(1)


def start_qemu(command, log_path):
    parent = os.getpid()
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True,
                                preexec_fn=lambda: die_with_parent(parent))


def stop(process, grace=3.0):
    """End a child: SIGTERM, then SIGKILL if it is still there after `grace` seconds."""
    if process.poll() is not None:
        return process.returncode
    process.terminate()
    try:
        return process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


class Terminal:
    """Hand the terminal to a child's process group and take it back, as a shell does."""

    def __init__(self):
        self.fd = None
        try:
            fd = sys.stdin.fileno()
            if os.isatty(fd) and os.tcgetpgrp(fd) == os.getpgrp():
                self.fd = fd
        except (OSError, ValueError):
            pass

    def give_to(self, pgrp):
        if self.fd is None:
            return
        # tcsetpgrp from a group that is not in the foreground raises SIGTTOU.
        old = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        try:
            os.tcsetpgrp(self.fd, pgrp)
        except OSError:
            pass
        finally:
            signal.signal(signal.SIGTTOU, old)

    def child_setup(self):
        """In GDB's child process, before exec: its own group, in the foreground."""
        os.setpgid(0, 0)
        self.give_to(os.getpgrp())


def run_gdb(command, terminal):
    gdb = subprocess.Popen(command, preexec_fn=terminal.child_setup)
    # Both sides set the group, so neither order of events leaves GDB outside it.
    try:
        os.setpgid(gdb.pid, gdb.pid)
    except OSError:
        pass
    terminal.give_to(gdb.pid)
    return gdb


def wait_for_gdb(gdb, terminal):
    """Wait for GDB to end; pass a Ctrl-Z on GDB to the job that ran us."""
    while True:
        try:
            _, status = os.waitpid(gdb.pid, os.WUNTRACED)
        except ChildProcessError:
            return gdb.returncode if gdb.returncode is not None else 1
        if os.WIFSTOPPED(status):
            # GDB was suspended: take the terminal back and stop our own group
            # (make, this script) so the shell sees a stopped job. On `fg`,
            # give the terminal to GDB again and wake it.
            terminal.give_to(os.getpgrp())
            os.kill(0, signal.SIGTSTP)
            terminal.give_to(gdb.pid)
            os.killpg(gdb.pid, signal.SIGCONT)
            continue
        gdb.returncode = os.waitstatus_to_exitcode(status)
        return gdb.returncode


def split_commands(argv):
    if "--gdb--" not in argv:
        sys.exit("usage: debug.py [--pid-dir DIR] -- QEMU-COMMAND... --gdb-- GDB-COMMAND...")
    cut = argv.index("--gdb--")
    return argv[:cut], argv[cut + 1:]


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--pid-dir", default=".", help="where qemu.pid, gdb.pid, qemu.log go")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    qemu_command, gdb_command = split_commands(rest)
    os.makedirs(args.pid_dir, exist_ok=True)
    qemu_pid_file = os.path.join(args.pid_dir, "qemu.pid")
    gdb_pid_file = os.path.join(args.pid_dir, "gdb.pid")
    qemu_log = os.path.join(args.pid_dir, "qemu.log")

    qemu = start_qemu(qemu_command, qemu_log)
    with open(qemu_pid_file, "w") as out:
        out.write("%d\n" % qemu.pid)
    # A quick look: a QEMU that cannot start (port in use, bad option) says why at once.
    time.sleep(0.2)
    if qemu.poll() is not None:
        with open(qemu_log, errors="replace") as log:
            sys.stderr.write(log.read())
        sys.exit("debug: QEMU ended at once with status %d (see above)" % qemu.returncode)

    terminal = Terminal()
    # SIGTERM or SIGHUP to this script (a closed terminal, a killed make): end both.
    ending = []

    def end(signum, frame):
        ending.append(signum)
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, end)
    gdb = None
    status = 1
    try:
        gdb = run_gdb(gdb_command, terminal)
        with open(gdb_pid_file, "w") as out:
            out.write("%d\n" % gdb.pid)
        status = wait_for_gdb(gdb, terminal)
    except KeyboardInterrupt:
        if gdb is not None:
            stop(gdb)
    finally:
        terminal.give_to(os.getpgrp())
        qemu_status = stop(qemu)
        for path in (qemu_pid_file, gdb_pid_file):
            if os.path.exists(path):
                os.unlink(path)
    if gdb is not None and status < 0:
        print("debug: GDB ended by signal %d; QEMU stopped too" % -status, file=sys.stderr)
    elif qemu_status not in (0, -signal.SIGTERM):
        print("debug: QEMU ended with status %d (its messages: %s)" % (qemu_status, qemu_log),
              file=sys.stderr)
    sys.exit(0 if status == 0 and not ending else (status if status > 0 else 1))


if __name__ == "__main__":
    main()
