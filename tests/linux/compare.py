"""Compare a run of a Linux test case with the recorded qemu-riscv64 reference.

    from compare import compare            # with tests/linux on sys.path
    ok, report = compare("hello", stdout_bytes, 0)

The expected output is tests/linux/expected/NAME.out, byte for byte, and the
expected status is tests/linux/expected/NAME.status, one line: "exit N"
(the program exited with status N) or "signal N" (it was killed by signal N).
Before comparing, the case's masks (cases.py) are applied to both sides;
nothing else is forgiven: not a missing newline, not a changed order, not a
\\r that a console driver added (a kernel harness must capture the bytes the
program wrote, not what a terminal made of them).
"""

import difflib
import os
import re

try:
    from . import cases as _cases        # imported as a package (tests.linux.compare)
except ImportError:
    import cases as _cases                # tests/linux on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_DIR = os.path.join(HERE, "expected")


def status_text(status):
    """Normalise a status: an int exit code, a ("exit"|"signal", n) pair or
    the text itself ("exit 0", "signal 9") -> "exit 0" / "signal 9"."""
    if isinstance(status, int):
        if status < 0:                   # subprocess's way to say "killed by -status"
            return f"signal {-status}"
        return f"exit {status}"
    if isinstance(status, tuple):
        kind, n = status
        return f"{kind} {int(n)}"
    text = str(status).strip()
    if not re.fullmatch(r"(exit|signal) \d+", text):
        raise ValueError(f"not a status: {status!r}")
    return text


def status_from_wait(wstatus):
    """The status text for a raw wait(2) status word."""
    if os.WIFSIGNALED(wstatus):
        return f"signal {os.WTERMSIG(wstatus)}"
    return f"exit {os.WEXITSTATUS(wstatus)}"


def mask(name, data):
    """Apply the case's masks to stdout bytes; returns bytes."""
    case = _cases.BY_NAME[name]
    if not case.masks:
        return data
    text = data.decode("utf-8", errors="surrogateescape")
    for pattern, repl in case.masks:
        text = re.sub(pattern, repl, text, flags=re.MULTILINE)
    return text.encode("utf-8", errors="surrogateescape")


def load_expected(name, expected_dir=EXPECTED_DIR):
    """(stdout bytes, status text) as recorded from qemu-riscv64."""
    with open(os.path.join(expected_dir, name + ".out"), "rb") as f:
        out = f.read()
    with open(os.path.join(expected_dir, name + ".status")) as f:
        status = f.read().strip()
    return out, status


def _diff(want, got, limit=60):
    a = want.decode("utf-8", errors="backslashreplace").splitlines(keepends=True)
    b = got.decode("utf-8", errors="backslashreplace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, "expected (qemu-riscv64)", "got", n=2))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more diff lines\n"]
    text = "".join(lines)
    if not text and want != got:         # the difference is only in line endings
        text = f"outputs differ in bytes: expected {want[-20:]!r}, got {got[-20:]!r}\n"
    return text


def compare_outputs(name, want_out, want_status, got_out, got_status):
    """Compare two runs of case NAME after masking; (ok, report)."""
    want_status = status_text(want_status)
    got_status = status_text(got_status)
    a, b = mask(name, want_out), mask(name, got_out)
    problems = []
    if want_status != got_status:
        problems.append(f"status: expected {want_status}, got {got_status}\n")
    if a != b:
        problems.append(f"stdout differs ({len(a)} bytes expected, {len(b)} got, after masking):\n")
        problems.append(_diff(a, b))
    if problems:
        return False, f"{name}: " + "".join(problems)
    return True, f"{name}: ok"


def compare(name, stdout, status, expected_dir=EXPECTED_DIR):
    """Compare the kernel's run of case NAME with the recorded reference.

    stdout: the bytes the program wrote to fd 1; status: see status_text.
    Returns (ok, report): report is one line when ok, a diff otherwise."""
    want_out, want_status = load_expected(name, expected_dir)
    return compare_outputs(name, want_out, want_status, stdout, status)
