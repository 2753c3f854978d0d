#!/usr/bin/env python3
"""hang_report.py: say where a kernel that did not finish was.

When a run times out (a system test, make ktest, a grading run), the harness
asks QEMU where every hart is before it kills it. The mechanism is QEMU's
gdbstub on a unix socket, which every harnessed run has:

    qemu ... -chardev socket,id=hang-probe,path=SOCKET,server=on,wait=off \\
             -gdb chardev:hang-probe

It costs nothing while nobody connects (no port, no polling, no change in the
guest's timing). On a timeout, a batch gdb-multiarch attaches with the image's
symbols and runs `harts -bt` (scripts/gdb_kernel.py): per hart, the privilege
mode, pc and ra with function and file:line, the thread it runs, and a
backtrace. User-mode addresses are decoded with build/user/NAME.elf by
scripts/decode_log.py, and so are the last console lines shown with it.

    hang_report.py IMAGE.elf SOCKET [CONSOLE-LOG]     (prints the report)

As a module: qemu_args(socket), probe(elf, socket), report(...).
"""
import os
import subprocess
import sys

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SCRIPTS)

import decode_log  # noqa: E402

GDB = os.environ.get("GDB", "gdb-multiarch")
TAIL_LINES = 30


def qemu_args(socket_path):
    """The QEMU options that give a run its (silent) gdbstub for hang reports."""
    return ["-chardev", "socket,id=hang-probe,path=%s,server=on,wait=off" % socket_path,
            "-gdb", "chardev:hang-probe"]


def probe(elf, socket_path, timeout=20):
    """What `harts -bt` says about the stopped machine, or why it could not be asked."""
    if not os.path.exists(socket_path):
        return "(no gdbstub socket at %s: the harts cannot be asked)" % socket_path
    command = [GDB, "-batch", "-nx", "-q", elf,
               "-ex", "set pagination off", "-ex", "set width 0",
               "-ex", "source " + os.path.join(SCRIPTS, "gdb_kernel.py"),
               "-ex", "target remote " + socket_path,
               "-ex", "harts -bt"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "(GDB did not answer within %d s: the harts cannot be asked)" % timeout
    except FileNotFoundError:
        return "(%s is not installed: the harts cannot be asked)" % GDB
    lines = done.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("hart ")), None)
    if start is None:
        return "(GDB could not read the harts)\n" + (done.stdout + done.stderr).strip()
    return "\n".join(line for line in lines[start:] if not line.startswith("[Inferior "))


def tail(console_text, lines=TAIL_LINES):
    """The last `lines` lines of the console, '\\r' and colours removed."""
    text = decode_log.ANSI.sub("", console_text.replace("\r", ""))
    return text.rstrip("\n").split("\n")[-lines:]


def report(elf, socket_path, console_text=None, seconds=None, what=None, user_dir=None):
    """The whole report: a header, every hart, and the console's last lines if given."""
    if user_dir is None:
        user_dir = os.path.join(os.path.dirname(os.path.abspath(elf)), "user")
        if not os.path.isdir(user_dir):     # build/tests/NAME.elf: the programs are in build/user
            user_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(elf))), "user")
    decoder = decode_log.Decoder(elf, user_dir)
    try:
        harts = decoder.decode_text(probe(elf, socket_path) + "\n")
        header = "HANG REPORT: %s" % (what or elf)
        if seconds is not None:
            header += " did not finish within %s s" % seconds
        parts = [header + ". Where each hart was when it was stopped:", harts.rstrip("\n")]
        if console_text is not None:
            lines = tail(console_text)
            decoder.report_program = None
            decoded = decoder.decode_text("\n".join(lines) + "\n").rstrip("\n").split("\n")
            parts.append("The last %d console lines:" % len(lines))
            parts.append("\n".join("  | " + line for line in decoded))
        return "\n".join(parts) + "\n"
    finally:
        decoder.close()


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    console = None
    if len(sys.argv) == 4:
        with open(sys.argv[3], errors="replace") as log:
            console = log.read()
    sys.stdout.write(report(sys.argv[1], sys.argv[2], console))


if __name__ == "__main__":
    main()
