"""labfile.py: read and check a lab file (labs/labN.toml); write a handout's copy.

The schema is documented in docs/labs/instructors.md. In short:

    lab = 1                                  number, matches the file name
    title = "..."
    guide = "docs/labs/lab1.md"              becomes the handout's README.md
    chapter = "docs/console.md"              the chapter to read first
    regions = ["id", ...]                    region ids (marks in the source)
    handin = ["answers-lab1.txt"]            handed in besides the region files
    baseline = 0                             the handout's score on its visible tests
    forge_region = "id"                      where lab-check's forger is injected
    forge_at = "line"                        or after this exact line of that region's file
    [calendar]   out = 2025-01-13, due = 2025-01-24T23:59:00
    [timeouts]   build = 600, test = 60      seconds, times GRADE_TIMEOUT_SCALE
    [[test]]     name, group, points, one of ktest/host/pytest/written,
                 cases, timeout, hidden, files, on_handout, bootargs and harts (ktest)
"""
import datetime
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GROUPS = ("functionality", "robustness", "written")
KINDS = ("ktest", "host", "pytest", "written")
TOP_KEYS = {"lab", "title", "guide", "chapter", "regions", "handin", "baseline",
            "forge_region", "forge_at", "leak_allow", "calendar", "timeouts", "test", "handout"}
TEST_KEYS = {"name", "group", "points", "timeout", "hidden", "cases", "files", "on_handout",
             "description", "images", "bootargs", "harts"} | set(KINDS)
NAME = re.compile(r"^[a-z0-9_]+$")


class LabFileError(Exception):
    pass


@dataclass
class HiddenFile:
    source: str          # where the instructors keep it (labs/labN/hidden/...)
    beside: str = ""     # a region id: installed in that region's directory
    dest: str = ""       # or an explicit path in the tree


@dataclass
class Test:
    name: str
    group: str
    points: int
    kind: str
    target: object       # ktest filter, host binary name, pytest node list, or written file
    cases: list
    timeout: float
    hidden: bool = False
    files: list = field(default_factory=list)
    on_handout: str = "fail"
    description: str = ""
    images: list = field(default_factory=list)  # pytest: the images it boots ([] = all)
    bootargs: str = ""   # ktest: more of the kernel command line (e.g. "timer=sbi")
    harts: int = 1       # ktest: QEMU's -smp (the lab 10 cases run on four harts)

    @property
    def automatic(self):
        return self.kind != "written"


@dataclass
class Lab:
    number: int
    title: str
    guide: str
    chapter: str
    regions: list
    handin: list
    baseline: int
    forge_region: str
    calendar: dict
    build_timeout: float
    tests: list
    path: str
    handout: bool = False
    leak_allow: list = field(default_factory=list)
    forge_at: str = ""   # an exact line of forge_region's file: the forger goes after it
    raw: dict = field(default_factory=dict)

    def visible_tests(self):
        return [t for t in self.tests if not t.hidden]

    def automatic_points(self, tests=None):
        return sum(t.points for t in (tests or self.tests) if t.automatic)

    def select(self, pattern):
        """The tests whose name matches a glob, or one of several: T='host_*,boot_banner'."""
        if not pattern:
            return list(self.tests)
        globs = [g.strip() for g in pattern.split(",") if g.strip()]
        chosen = [t for t in self.tests if any(fnmatch.fnmatchcase(t.name, g) for g in globs)]
        if not chosen:
            raise LabFileError("no test of lab %d matches T=%r; its tests: %s"
                               % (self.number, pattern, ", ".join(t.name for t in self.tests)))
        return chosen


def _require(table, key, kind, where):
    if key not in table:
        raise LabFileError("%s: missing '%s'" % (where, key))
    value = table[key]
    if not isinstance(value, kind):
        raise LabFileError("%s: '%s' must be %s" % (where, key, kind.__name__))
    return value


def _test(entry, index, default_timeout, where):
    here = "%s: test #%d" % (where, index + 1)
    unknown = set(entry) - TEST_KEYS
    if unknown:
        raise LabFileError("%s: unknown keys %s" % (here, sorted(unknown)))
    name = _require(entry, "name", str, here)
    here = "%s: test %s" % (where, name)
    if not NAME.match(name):
        raise LabFileError("%s: a test name is lowercase letters, digits and '_'" % here)
    group = _require(entry, "group", str, here)
    if group not in GROUPS:
        raise LabFileError("%s: group must be one of %s" % (here, GROUPS))
    points = _require(entry, "points", int, here)
    kinds = [k for k in KINDS if k in entry]
    if len(kinds) != 1:
        raise LabFileError("%s: needs exactly one of %s" % (here, KINDS))
    kind = kinds[0]
    target = entry[kind]
    cases = entry.get("cases")
    if kind == "ktest":
        if cases is None:
            if any(c in target for c in "*?") or "." not in target:
                raise LabFileError("%s: the filter %r is a glob or a whole suite; list its "
                                   "exact cases in 'cases'" % (here, target))
            cases = [target]
    elif kind == "host":
        if not cases:
            raise LabFileError("%s: a host test lists its Criterion cases as 'suite/test'" % here)
        for case in cases:
            if "/" not in case:
                raise LabFileError("%s: host case %r is not 'suite/test'" % (here, case))
    elif kind == "pytest":
        if isinstance(target, str):
            target = [target]
        cases = list(target)
    elif kind == "written":
        if group != "written":
            raise LabFileError("%s: a written test belongs to group 'written'" % here)
        cases = []
    if kind != "written" and group == "written":
        raise LabFileError("%s: group 'written' is for written answers only" % here)
    files = []
    for item in entry.get("files", []):
        hidden_file = HiddenFile(**item)
        if bool(hidden_file.beside) == bool(hidden_file.dest):
            raise LabFileError("%s: a file needs exactly one of 'beside' or 'dest'" % here)
        files.append(hidden_file)
    bootargs = entry.get("bootargs", "")
    if bootargs and kind != "ktest":
        raise LabFileError("%s: 'bootargs' is for ktest tests" % here)
    if any(word.split("=")[0] in ("ktest.filter", "grade.nonce") for word in bootargs.split()):
        raise LabFileError("%s: 'bootargs' may not set ktest.filter or grade.nonce" % here)
    harts = entry.get("harts", 1)
    if not isinstance(harts, int) or isinstance(harts, bool) or not 1 <= harts <= 8:
        raise LabFileError("%s: 'harts' is a number from 1 to 8" % here)
    if harts != 1 and kind != "ktest":
        raise LabFileError("%s: 'harts' is for ktest tests" % here)
    on_handout = entry.get("on_handout", "fail")
    if on_handout not in ("fail", "pass"):
        raise LabFileError("%s: on_handout is 'fail' or 'pass'" % here)
    return Test(name=name, group=group, points=points, kind=kind, target=target,
                cases=list(cases), timeout=float(entry.get("timeout", default_timeout)),
                hidden=bool(entry.get("hidden", False)), files=files, on_handout=on_handout,
                description=entry.get("description", ""), images=list(entry.get("images", [])),
                bootargs=bootargs, harts=harts)


def parse(text, path):
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LabFileError("%s: %s" % (path, error)) from None
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise LabFileError("%s: unknown keys %s" % (path, sorted(unknown)))
    number = _require(raw, "lab", int, path)
    expected_name = "lab%d.toml" % number
    if Path(path).name != expected_name:
        raise LabFileError("%s: says lab = %d, so it must be named %s" % (path, number,
                                                                         expected_name))
    timeouts = raw.get("timeouts", {})
    default_timeout = float(timeouts.get("test", 60))
    tests = [_test(entry, i, default_timeout, path) for i, entry in enumerate(raw.get("test", []))]
    names = [t.name for t in tests]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise LabFileError("%s: test names used twice: %s" % (path, duplicates))
    if not tests:
        raise LabFileError("%s: a lab needs tests" % path)
    regions = _require(raw, "regions", list, path)
    if not regions and not raw.get("handout"):
        raise LabFileError("%s: a lab needs at least one region" % path)
    lab = Lab(number=number, title=_require(raw, "title", str, path),
              guide=_require(raw, "guide", str, path), chapter=raw.get("chapter", ""),
              regions=list(regions), handin=list(raw.get("handin", [])),
              baseline=int(raw.get("baseline", 0)),
              forge_region=raw.get("forge_region", regions[0] if regions else ""),
              calendar=dict(raw.get("calendar", {})),
              build_timeout=float(timeouts.get("build", 600)), tests=tests, path=str(path),
              handout=bool(raw.get("handout", False)), leak_allow=list(raw.get("leak_allow", [])),
              forge_at=raw.get("forge_at", ""), raw=raw)
    if lab.forge_region and lab.forge_region not in lab.regions:
        raise LabFileError("%s: forge_region %s is not one of its regions" % (path,
                                                                             lab.forge_region))
    for test in tests:
        if test.kind == "written" and test.target not in lab.handin:
            raise LabFileError("%s: written test %s: %s must be in 'handin'"
                               % (path, test.name, test.target))
    return lab


def load(path):
    return parse(Path(path).read_text(), path)


def lab_paths(root):
    """labs/labN.toml files under root, in lab order."""
    found = []
    for path in Path(root, "labs").glob("lab*.toml"):
        match = re.fullmatch(r"lab(\d+)\.toml", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return [p for _, p in sorted(found)]


# ---- Writing the handout's copy ------------------------------------------------

def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"%s"' % escaped
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join("%s = %s" % (k, _toml_value(v)) for k, v in value.items()) + "}"
    raise TypeError("cannot write %r as TOML" % (value,))


def handout_text(lab):
    """The lab file a handout carries: visible tests only, marked as a handout."""
    raw = lab.raw
    lines = ["# Lab %d, as handed out (generated from the course's lab file)." % lab.number,
             "# The grader reads this; editing it does not change your grade.", ""]
    for key in ("lab", "title", "guide", "chapter", "regions", "handin", "baseline"):
        if key == "guide":
            lines.append('guide = "README.md"')
        elif key in raw:
            lines.append("%s = %s" % (key, _toml_value(raw[key])))
    lines.append("handout = true")
    for table in ("calendar", "timeouts"):
        if table in raw:
            lines.append("")
            lines.append("[%s]" % table)
            for key, value in raw[table].items():
                lines.append("%s = %s" % (key, _toml_value(value)))
    for entry in raw.get("test", []):
        if entry.get("hidden"):
            continue
        lines.append("")
        lines.append("[[test]]")
        for key, value in entry.items():
            if key == "files":
                continue
            lines.append("%s = %s" % (key, _toml_value(value)))
    text = "\n".join(lines) + "\n"
    parse(text, lab.path)  # what we write must read back
    return text
