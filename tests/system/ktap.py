"""ktap.py: parse KTAP version 1, as the kernel's ktest runner prints it.

The parser checks the structure as well as reading results: every plan
("1..N") must be met by exactly N result lines, and the stream must end with
the "# Totals" line. A stream cut short (a hang, a crash mid-suite) is
reported as incomplete, never as a pass.
"""
import re
from dataclasses import dataclass, field

RESULT = re.compile(r"^(ok|not ok) (\d+) ([^#]*?)\s*(?:#\s*(SKIP|TODO)\b\s*(.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")
TOTALS = re.compile(r"^# Totals: pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)$")


@dataclass
class Case:
    suite: str
    name: str
    ok: bool
    skipped: bool = False
    reason: str = ""
    diagnostics: list = field(default_factory=list)

    @property
    def id(self):
        return "%s.%s" % (self.suite, self.name)


@dataclass
class Report:
    cases: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    totals_seen: bool = False

    @property
    def complete(self):
        return not self.problems and self.totals_seen

    @property
    def failed(self):
        return [c for c in self.cases if not c.ok]


def parse(text):
    """Parse the KTAP in `text` (other lines, such as the boot banner, are skipped)."""
    report = Report()
    lines = text.splitlines()
    try:
        start = lines.index("KTAP version 1")
    except ValueError:
        report.problems.append("no 'KTAP version 1' line")
        return report
    suites_planned = None
    suites_seen = 0
    suite = None
    planned = None
    seen = 0
    diagnostics = []
    for line in lines[start + 1:]:
        if line.startswith("    "):
            inner = line[4:]
            match = RESULT.match(inner)
            if inner.startswith("# Subtest: "):
                suite, planned, seen, diagnostics = inner[len("# Subtest: "):], None, 0, []
            elif PLAN.match(inner):
                planned = int(PLAN.match(inner).group(1))
            elif match and suite is not None:
                seen += 1
                ok = match.group(1) == "ok"
                skipped = match.group(4) == "SKIP"
                report.cases.append(Case(suite, match.group(3), ok, skipped,
                                         match.group(5) or "", diagnostics))
                diagnostics = []
            elif inner.startswith("#"):
                diagnostics.append(inner)
            continue
        match = RESULT.match(line)
        if PLAN.match(line) and suites_planned is None:
            suites_planned = int(PLAN.match(line).group(1))
        elif match:
            suites_seen += 1
            if suite is None or match.group(3) != suite:
                report.problems.append("suite result %r without its subtest" % line)
            elif planned is None or seen != planned:
                report.problems.append("suite %s planned %s cases but reported %d"
                                       % (suite, planned, seen))
            suite = None
        elif TOTALS.match(line):
            passed, failed, skipped, total = map(int, TOTALS.match(line).groups())
            counted = (sum(c.ok and not c.skipped for c in report.cases), len(report.failed),
                       sum(c.skipped for c in report.cases), len(report.cases))
            if (passed, failed, skipped, total) != counted:
                report.problems.append("totals %s disagree with the cases counted %s"
                                       % ((passed, failed, skipped, total), counted))
            report.totals_seen = True
            break
    if suite is not None:
        report.problems.append("suite %s never finished (stream cut short?)" % suite)
    if suites_planned is None:
        report.problems.append("no top-level plan")
    elif suites_planned != suites_seen:
        report.problems.append("planned %d suites but %d finished" % (suites_planned, suites_seen))
    if not report.totals_seen:
        report.problems.append("no '# Totals' line: the stream ended early")
    return report
