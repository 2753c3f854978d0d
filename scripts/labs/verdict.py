"""verdict.py: decide whether one test run passed, from what it printed and its status.

Pure functions, so they can be tested without QEMU. A verdict is a Verdict:
passed or not, a reason code (for lab-check), and a one-line explanation.

The ktest verdict is the anti-forgery check (docs/labs/instructors.md):
the KTAP stream must be complete, must carry this run's nonce, must end with
a "# grade:" line whose tag matches the FNV-1a chain over the nonce and the
stream's structural lines, must list exactly the expected cases, all passed,
none skipped, and QEMU's exit status must be 0.
"""
import re
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
STRUCTURAL = re.compile(r"^(?:    )?(?:KTAP version 1|1\.\.\d+|# Subtest: .*|(?:not )?ok \d+ .*)$"
                        r"|^# Totals: .*$")
GRADE_LINE = re.compile(r"^# grade: nonce=(\S*) pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)"
                        r" tag:([0-9a-f]{16})$")
TOTALS = re.compile(r"^# Totals: pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)$")

FNV_OFFSET_BASIS = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


@dataclass
class Verdict:
    passed: bool
    reason: str        # "ok", or a code such as "tag-mismatch", "case-failed", "timeout"
    message: str       # one line for the score table

    @staticmethod
    def ok(message="passed"):
        return Verdict(True, "ok", message)

    @staticmethod
    def fail(reason, message):
        return Verdict(False, reason, message)


def clean(text):
    """Drop the \\r that OpenSBI adds and any ANSI colour."""
    return ANSI.sub("", text.replace("\r", ""))


def fnv1a(value, data):
    for byte in data:
        value ^= byte
        value = (value * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return value


def ktap_tag(nonce, lines):
    """The tag the ktest runner prints: FNV-1a over the nonce, then each structural line."""
    value = fnv1a(FNV_OFFSET_BASIS, ("nonce:%s\n" % nonce).encode())
    for line in lines:
        value = fnv1a(value, (line + "\n").encode())
    return "%016x" % value


def ktap_module(tree):
    """tests/system/ktap.py of the tree being graded: the same parser make test uses."""
    path = Path(tree) / "tests" / "system"
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
    import ktap  # noqa: E402
    return ktap


def judge_ktest(output, status, nonce, expected_cases, tree, timed_out=False):
    """The verdict on one run of the ktest image."""
    if timed_out:
        return Verdict.fail("timeout", "timed out: the kernel hung or was too slow")
    ktap = ktap_module(tree)
    text = clean(output)
    report = ktap.parse(text)
    if not report.complete:
        return Verdict.fail("incomplete", "incomplete KTAP report: %s" % "; ".join(report.problems))
    lines = text.splitlines()
    start = lines.index("KTAP version 1")
    if start + 1 >= len(lines) or lines[start + 1] != "# nonce: " + nonce:
        return Verdict.fail("no-nonce", "the report does not carry this run's nonce "
                                        "(it was not printed by this run's test runner)")
    grade_lines = [line for line in lines[start:] if line.startswith("# grade:")]
    if len(grade_lines) != 1:
        return Verdict.fail("no-grade-line", "expected one '# grade:' line, found %d"
                            % len(grade_lines))
    grade = GRADE_LINE.match(grade_lines[0])
    if grade is None:
        return Verdict.fail("no-grade-line", "malformed grade line: %r" % grade_lines[0])
    if grade.group(1) != nonce:
        return Verdict.fail("nonce-mismatch", "the grade line carries another run's nonce")
    end = next(i for i in range(start, len(lines)) if TOTALS.match(lines[i]))
    structural = [line for line in lines[start:end + 1] if STRUCTURAL.match(line)]
    if ktap_tag(nonce, structural) != grade.group(6):
        return Verdict.fail("tag-mismatch", "the report's tag does not match its lines: lines "
                                            "were added, changed or printed by other code")
    totals = TOTALS.match(lines[end]).groups()
    if totals != grade.groups()[1:5]:
        return Verdict.fail("tag-mismatch", "the grade line's counts disagree with the totals")
    ids = [case.id for case in report.cases]
    missing = sorted(set(expected_cases) - set(ids))
    unexpected = sorted(set(ids) - set(expected_cases))
    if missing or unexpected or len(ids) != len(set(ids)):
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected " + ", ".join(unexpected))
        if len(ids) != len(set(ids)):
            parts.append("a case ran twice")
        return Verdict.fail("cases", "the cases run differ from the expected list: "
                            + "; ".join(parts))
    skipped = [case.id for case in report.cases if case.skipped]
    if skipped:
        return Verdict.fail("skipped", "skipped (a skip scores 0): " + ", ".join(skipped))
    failed = [case for case in report.cases if not case.ok]
    if failed:
        first = failed[0]
        detail = first.diagnostics[0].strip("# ") if first.diagnostics else "no diagnostics"
        return Verdict.fail("case-failed", "failed: %s (%s)"
                            % (", ".join(c.id for c in failed), detail))
    if status != 0:
        return Verdict.fail("status", "every case passed but QEMU's exit status is %s, not 0"
                            % status)
    return Verdict.ok()


TAP_RESULT = re.compile(r"^(ok|not ok) - (\S+)::(\S+)\s*(?:\(.*?\))?\s*(#\s*SKIP.*)?$")


SANITIZER = re.compile(r"(runtime error: .*|ERROR: \w+Sanitizer: .*)")


def judge_host(status, tap_text, expected_cases, timed_out=False, output=""):
    """The verdict on a Criterion run with --filter and --tap.

    (Criterion's --json report is not valid JSON when a message holds a
    quote, so the TAP report is read: one unindented line per test.)
    """
    if timed_out:
        return Verdict.fail("timeout", "timed out")
    if not tap_text or not tap_text.startswith("TAP version"):
        return Verdict.fail("incomplete", "no Criterion TAP report (crashed before the end? "
                                          "exit status %s)" % status)
    seen = {}
    failures = {}
    current = None
    for line in tap_text.splitlines():
        match = TAP_RESULT.match(line)
        if match:
            current = "%s/%s" % (match.group(2), match.group(3))
            if match.group(4):
                seen[current] = "SKIPPED"
            else:
                seen[current] = "PASSED" if match.group(1) == "ok" else "FAILED"
        elif current and line.strip().startswith(("Assertion failed", "Test crashed", "Timed out"))\
                and current not in failures:
            failures[current] = line.strip()
    missing = [case for case in expected_cases if case not in seen]
    if missing:
        return Verdict.fail("cases", "cases missing from the report: " + ", ".join(missing))
    ran = {name for name, state in seen.items() if state != "SKIPPED"}
    unexpected = sorted(ran - set(expected_cases))
    if unexpected:
        return Verdict.fail("cases", "unexpected cases ran: " + ", ".join(unexpected))
    skipped = [name for name in expected_cases if seen[name] == "SKIPPED"]
    if skipped:
        return Verdict.fail("skipped", "skipped (a skip scores 0): " + ", ".join(skipped))
    bad = [name for name in expected_cases if seen[name] != "PASSED"]
    if bad:
        sanitizer = SANITIZER.search(output or "")
        detail = failures.get(bad[0]) or (sanitizer.group(1) if sanitizer else "crashed, no message")
        return Verdict.fail("case-failed", "failed: %s (%s)" % (", ".join(bad), detail[:200]))
    if status != 0:
        return Verdict.fail("status", "cases passed but the exit status is %s" % status)
    return Verdict.ok()


def _node_of(classname, name):
    """tests.system.test_boot + test_x[64M] -> tests/system/test_boot.py::test_x"""
    return "%s.py::%s" % (classname.replace(".", "/"), name.split("[", 1)[0])


BARE_EXCEPTION = re.compile(r"^[\w.]+:?$")          # "AssertionError:" and nothing after it
TRACEBACK_WHERE = re.compile(r"^(\S+\.py:\d+): ")  # "tests/system/test_x.py:44: AssertionError"


def failure_summary(message, traceback):
    """One line for the score table from a JUnit failure's message and text.

    Usually the message's first line. But `assert ok, out` with a QEMU run's
    output as `out` gives "AssertionError: " and then the whole output, so
    the first line says nothing: then say which line of the test failed,
    where, and pytest's own comparison ("assert 1 == 101") if it has one.
    """
    lines = message.splitlines() or [""]
    first = lines[0].strip()
    if not BARE_EXCEPTION.match(first):
        return first[:200]
    text = (traceback or "").splitlines()
    source = [line[1:].strip() for line in text if line.startswith(">")]
    where = [m.group(1) for m in map(TRACEBACK_WHERE.match, text) if m]
    summary = first.rstrip(":")
    if where:
        summary += " at " + where[-1]
    if source:
        summary += ": " + source[-1]
    last = lines[-1].strip()
    if len(lines) > 1 and last.startswith("assert "):
        summary += " (%s)" % last
    return summary[:200]


def judge_pytest(status, junit_text, nodes, timed_out=False):
    """The verdict on a pytest run of the listed node ids (with --junitxml)."""
    if timed_out:
        return Verdict.fail("timeout", "timed out")
    try:
        root = ElementTree.fromstring(junit_text)
    except (ElementTree.ParseError, TypeError):
        return Verdict.fail("incomplete", "no JUnit report from pytest (exit status %s)" % status)
    wanted = {node.split("[", 1)[0]: node for node in nodes}
    counted = {node: 0 for node in nodes}
    for case in root.iter("testcase"):
        node = _node_of(case.get("classname", ""), case.get("name", ""))
        full = "%s.py::%s" % (case.get("classname", "").replace(".", "/"), case.get("name", ""))
        key = full if full in counted else wanted.get(node)
        if key is None:
            return Verdict.fail("cases", "unexpected test ran: " + full)
        counted[key] += 1
        for kind in ("failure", "error"):
            problem = case.find(kind)
            if problem is not None:
                message = failure_summary(problem.get("message") or kind, problem.text)
                return Verdict.fail("case-failed", "failed: %s (%s)" % (full, message))
        if case.find("skipped") is not None:
            return Verdict.fail("skipped", "skipped (a skip scores 0): " + full)
    missing = [node for node, count in counted.items() if count == 0]
    if missing:
        return Verdict.fail("cases", "did not run: " + ", ".join(missing))
    if status != 0:
        return Verdict.fail("status", "pytest's exit status is %s" % status)
    return Verdict.ok()
