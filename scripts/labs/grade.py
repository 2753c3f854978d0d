"""grade.py: score a lab in a pristine copy of its tree.

Two halves:

- prepare(): build the pristine tree in a work directory and copy in ONLY
  the files the lab hands in. The pristine tree is the handout's own first
  commit (in a handout), the reference with the lab's stubs and hidden tests
  (in the course tree), or the autograder's source (on Gradescope). A
  student's edits to tests, graders or the Makefile therefore do not count.
- grade_tree(): run by the pristine copy's own scripts/lab.py, inside the work
  directory. It builds, runs each test with a timeout, judges it
  (verdict.py), prints one line per test and "Score: X/Y" last, and writes
  Gradescope's results.json when asked.
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from labs import labfile, regions, tree, verdict

QEMU = "qemu-system-riscv64"
QEMU_MACHINE = ["-machine", "virt", "-bios", "default", "-m", "128M", "-smp", "1",
                "-nographic", "-no-reboot"]


def machine(harts=1):
    """QEMU_MACHINE with `harts` harts instead of one (a ktest test's 'harts')."""
    command = list(QEMU_MACHINE)
    command[command.index("-smp") + 1] = str(harts)
    return command


# Guest time follows the instruction count, so a test gives the same answer on a
# fast laptop and a loaded grading server (docs/labs/instructors.md).
ICOUNT = ["-icount", "shift=0,sleep=off"]
LOG_TAIL_LINES = 80


def timeout_scale():
    try:
        return float(os.environ.get("GRADE_TIMEOUT_SCALE", "1"))
    except ValueError:
        raise SystemExit("GRADE_TIMEOUT_SCALE must be a number, e.g. 2 or 1.5") from None


def jobs():
    return os.environ.get("GRADE_JOBS", "2")


# ---- Preparing the pristine tree ---------------------------------------------------

def handin_paths(lab, files):
    """The files a student hands in: those holding the lab's regions, then the lab's list."""
    found = regions.scan_tree(files)
    chosen = regions.lab_regions(found, lab.number, lab.regions)
    paths = []
    for region in chosen:
        if region.path not in paths:
            paths.append(region.path)
    for path in lab.handin:
        if path not in paths:
            paths.append(path)
    return paths


def hidden_destination(hidden_file, files):
    if hidden_file.dest:
        return hidden_file.dest
    found = regions.scan_tree(files)
    if hidden_file.beside not in found:
        raise SystemExit("hidden file %s: region %s not found" % (hidden_file.source,
                                                                 hidden_file.beside))
    directory = found[hidden_file.beside].path.rsplit("/", 1)[0]
    return "%s/%s" % (directory, hidden_file.source.rsplit("/", 1)[-1])


def install_hidden(lab, files, sources):
    """Copy each hidden test's files (from `sources`, the course tree) into `files`."""
    for test in lab.tests:
        for hidden_file in test.files:
            if hidden_file.source not in sources:
                raise SystemExit("lab %d, test %s: hidden file %s is not in the course tree "
                                 "(is it committed?)" % (lab.number, test.name,
                                                         hidden_file.source))
            files[hidden_destination(hidden_file, files)] = sources[hidden_file.source]


def reference_pristine(root, lab):
    """The course tree as lab `lab` hands it out, plus its hidden tests and full lab file."""
    from labs import handout
    sources = tree.tracked_files(root)
    files = handout.build(root, lab, sources)
    install_hidden(lab, files, sources)
    files["labs/lab%d.toml" % lab.number] = sources[os.path.relpath(lab.path, root)]
    return files


def overlay(files, student_root, paths):
    """Copy the student's versions of `paths` over the pristine ones."""
    handed, missing = [], []
    for path in paths:
        source = Path(student_root) / path
        if source.is_file():
            files[path] = tree.File(source.read_bytes(), False)
            handed.append(path)
        else:
            missing.append(path)
    return handed, missing


def find_in_submission(submission, path):
    """A handed-in file in a Gradescope submission: at its path, or by its name alone."""
    submission = Path(submission)
    direct = submission / path
    if direct.is_file():
        return direct
    name = path.rsplit("/", 1)[-1]
    matches = [p for p in submission.rglob(name) if p.is_file()]
    # Prefer the deepest match of the same relative path (a repository submitted whole).
    matches = sorted(matches, key=lambda p: (not str(p).endswith(path), len(str(p))))
    return matches[0] if matches else None


# ---- Building ----------------------------------------------------------------------

def build_targets(tests):
    """make targets for the tests, and which targets each test needs."""
    targets, needs = [], {}
    for test in tests:
        if test.kind == "ktest":
            wanted = ["build/ktest.elf"]
        elif test.kind == "host":
            wanted = ["build/host/%s" % test.target]
        elif test.kind == "pytest":
            wanted = (["build/%s.elf" % image for image in test.images] if test.images
                      else ["images"])
            if "kernel" in test.images:
                wanted.append("build/fs.img")  # the kernel's programs live on its disk
        else:
            wanted = []
        needs[test.name] = wanted
        for target in wanted:
            if target not in targets:
                targets.append(target)
    return targets, needs


def artifacts(work, target):
    """The files a target must produce, removed before the build so none is stale."""
    work = Path(work)
    if target == "images":
        images = [work / "build/kernel.elf", work / "build/ktest.elf", work / "build/bench.elf"]
        images += [work / "build/tests" / (p.stem + ".elf")
                   for p in (work / "tests/kernel").glob("*.c")]
        return images
    return [work / target]


def run_process(command, cwd, timeout, env=None, output_path=None):
    """Run with a timeout; kill the whole process group on expiry. Returns (status, text, timed_out)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    timed_out = False
    try:
        raw, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, 9)
        raw, _ = process.communicate()
    text = raw.decode("utf-8", errors="replace")
    return process.returncode, text, timed_out, time.monotonic() - started


def build(work, targets, timeout, log_path):
    """Build the targets (make -k, so one broken target does not hide the others)."""
    for target in targets:
        for artifact in artifacts(work, target):
            if artifact.exists():
                artifact.unlink()
    command = ["make", "-k", "-j%s" % jobs(), "--no-print-directory", "BUILD=build", *targets]
    status, text, timed_out, seconds = run_process(command, work, timeout)
    Path(log_path).write_text("$ %s\n%s\n(exit status %s%s, %.1fs)\n"
                              % (" ".join(command), text, status,
                                 ", timed out" if timed_out else "", seconds))
    built = {target: all(a.exists() for a in artifacts(work, target)) and not timed_out
             for target in targets}
    return built, text


# ---- Running one test ----------------------------------------------------------------

@dataclass
class Result:
    test: labfile.Test
    verdict: verdict.Verdict
    seconds: float
    output: str

    @property
    def score(self):
        return self.test.points if self.verdict.passed else 0


def ktest_append(test, nonce):
    """The kernel command line of a ktest run: its filter, the nonce, and the test's bootargs."""
    return " ".join(filter(None, ["ktest.filter=%s" % test.target, "grade.nonce=%s" % nonce,
                                  test.bootargs]))


def run_ktest(work, test, timeout):
    nonce = secrets.token_hex(16)
    command = [QEMU, *machine(test.harts), *ICOUNT, "-kernel", "build/ktest.elf", "-append",
               ktest_append(test, nonce)]
    status, text, timed_out, seconds = run_process(command, work, timeout)
    judged = verdict.judge_ktest(text, status, nonce, test.cases, work, timed_out)
    return judged, seconds, "$ %s\n%s\n(exit status %s)\n" % (" ".join(command), text, status)


def host_filter(cases):
    if len(cases) == 1:
        return cases[0]
    return "@(%s)" % "|".join(cases)


def run_host(work, test, timeout, scratch):
    report = Path(scratch) / ("%s.tap" % test.name)
    if report.exists():
        report.unlink()
    command = ["build/host/%s" % test.target, "--filter=%s" % host_filter(test.cases),
               "--tap=%s" % report, "--color=never", "-S"]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    status, text, timed_out, seconds = run_process(command, work, timeout, env=env)
    tap_text = report.read_text(errors="replace") if report.exists() else None
    judged = verdict.judge_host(status, tap_text, test.cases, timed_out, output=text)
    return judged, seconds, "$ %s\n%s\n(exit status %s)\n" % (" ".join(command), text, status)


def run_pytest(work, test, timeout, scratch):
    junit = Path(scratch) / ("%s.junit.xml" % test.name)
    if junit.exists():
        junit.unlink()
    command = [sys.executable, "-m", "pytest", "-q",
               "--junitxml=%s" % junit, *test.cases]
    env = dict(os.environ, BUILD="build", PYTHONDONTWRITEBYTECODE="1",
               QEMU_EXTRA_ARGS=" ".join(ICOUNT))
    status, text, timed_out, seconds = run_process(command, work, timeout, env=env)
    junit_text = junit.read_text() if junit.exists() else None
    judged = verdict.judge_pytest(status, junit_text, test.cases, timed_out)
    return judged, seconds, "$ %s\n%s\n(exit status %s)\n" % (" ".join(command), text, status)


def run_test(work, test, built, needs, scratch, build_log):
    missing = [target for target in needs[test.name] if not built.get(target)]
    if missing:
        return Result(test, verdict.Verdict.fail("build", "did not build: %s" % ", ".join(missing)),
                      0.0, "See the build log: %s\n" % build_log)
    timeout = test.timeout * timeout_scale()
    if test.kind == "ktest":
        judged, seconds, output = run_ktest(work, test, timeout)
    elif test.kind == "host":
        judged, seconds, output = run_host(work, test, timeout, scratch)
    else:
        judged, seconds, output = run_pytest(work, test, timeout, scratch)
    if judged.reason == "timeout":
        judged.message = "timed out after %.0fs (GRADE_TIMEOUT_SCALE=%s)" % (
            timeout, os.environ.get("GRADE_TIMEOUT_SCALE", "1"))
    return Result(test, judged, seconds, output)


# ---- The whole lab ---------------------------------------------------------------------

def display(path):
    """A path as the person at the terminal can use it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def written_status(work, test):
    path = Path(work) / test.target
    if not path.is_file():
        return False, "%s is missing" % test.target
    text = path.read_text(errors="replace")
    answered = [line for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith(("#", ">"))]
    if not answered:
        return False, "%s holds no answer yet" % test.target
    return True, "%s handed in (%d lines): graded by hand" % (test.target, len(answered))


def gradescope_json(lab, results, written, seconds, notes):
    tests = []
    for result in results:
        test = result.test
        output = result.verdict.message
        if not result.verdict.passed:
            tail = "\n".join(result.output.splitlines()[-LOG_TAIL_LINES:])
            output += "\n\n" + tail
        tests.append({
            "name": "%s (%s)" % (test.name, test.group),
            "score": result.score,
            "max_score": test.points,
            "status": "passed" if result.verdict.passed else "failed",
            "output": output,
            "tags": [test.group, test.kind],
            "visibility": "after_due_date" if test.hidden else "visible",
            "extra_data": {"reason": result.verdict.reason, "seconds": round(result.seconds, 2),
                           "group": test.group, "hidden": test.hidden},
        })
    for test, ok, message in written:
        tests.append({
            "name": "%s (written, %d points, graded by hand)" % (test.name, test.points),
            "status": "passed" if ok else "failed",
            "output": message + ". These points are given by hand and are not part of the "
                                "automatic score.",
            "tags": ["written"],
            "visibility": "visible",
            "extra_data": {"reason": "written", "group": "written", "points": test.points},
        })
    score = sum(r.score for r in results)
    maximum = sum(r.test.points for r in results)
    summary = ["Lab %d: %s" % (lab.number, lab.title)] + notes
    summary.append("Automatic score: %d/%d. The written part (%d points) is graded by hand."
                   % (score, maximum, sum(t.points for t, _, _ in written)))
    return {"score": score, "execution_time": int(round(seconds)),
            "output": "\n".join(summary), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def grade_tree(work, lab_path, pattern, logs, json_path=None, notes=(), kinds=None,
               stop_at_first_failure=False, keep_logs=False):
    """Build and run the lab's tests in `work` (a prepared pristine tree). Returns the exit status.

    `kinds` and `stop_at_first_failure` are for lab-check, which only needs
    to know that a wrong solution loses points somewhere; `keep_logs` keeps a
    passing test's log too (lab-check replays the reference's genuine reports).
    """
    started = time.monotonic()
    work = Path(work).resolve()
    logs = Path(logs).resolve()
    logs.mkdir(parents=True, exist_ok=True)
    scratch = logs / "scratch"
    scratch.mkdir(exist_ok=True)
    lab = labfile.load(lab_path)
    tests = lab.select(pattern)
    if kinds:
        tests = [t for t in tests if t.kind in kinds]
    if stop_at_first_failure:
        # Cheapest first, so a wrong solution is caught as early as possible.
        order = {"ktest": 0, "host": 1, "pytest": 2, "written": 3}
        tests = sorted(tests, key=lambda t: order[t.kind])
    automatic = [t for t in tests if t.automatic]
    written_tests = [t for t in tests if not t.automatic]
    for note in notes:
        print(note)
    targets, needs = build_targets(automatic)
    build_log = logs / "build.log"
    built, _ = build(work, targets, lab.build_timeout * timeout_scale(), build_log)
    if not all(built.values()):
        print("build: FAILED for %s (log: %s)" % (", ".join(t for t, ok in built.items() if not ok),
                                                  display(build_log)))
    results = []
    for test in automatic:
        result = run_test(work, test, built, needs, scratch, display(build_log))
        log = logs / ("%s.log" % test.name)
        line = "%-4s  %-30s %3d/%-3d %6.1fs" % ("OK" if result.verdict.passed else "FAIL",
                                                test.name + (" [hidden]" if test.hidden else ""),
                                                result.score, test.points, result.seconds)
        if result.verdict.passed and keep_logs:
            log.write_text("%s: passed\n\n%s" % (test.name, result.output))
        elif result.verdict.passed:
            if log.exists():
                log.unlink()
        else:
            log.write_text("%s: %s\n\n%s" % (test.name, result.verdict.message, result.output))
            line += "  %s (log: %s)" % (result.verdict.message, display(log))
        print(line, flush=True)
        results.append(result)
        if stop_at_first_failure and not result.verdict.passed:
            print("(stopping at the first failure)")
            break
    written = []
    for test in written_tests:
        ok, message = written_status(work, test)
        written.append((test, ok, message))
        print("%-4s  %-30s   -/%-3d          %s; not counted in the score below"
              % ("HAND", test.name, test.points, message))
    seconds = time.monotonic() - started
    if json_path:
        document = gradescope_json(lab, results, written, seconds, list(notes))
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(document, indent=2) + "\n")
    score = sum(r.score for r in results)
    maximum = sum(r.test.points for r in results)
    print("Score: %d/%d" % (score, maximum), flush=True)
    return 0 if score == maximum else 1


# ---- The three ways in: handout, course tree, autograder ----------------------------------

def prepare(files, lab, student_root, work, submission=None):
    """Write the pristine tree plus the student's files into `work`. Returns notes to print."""
    paths = handin_paths(lab, files)
    notes = []
    if submission is not None:
        handed, missing = [], []
        for path in paths:
            found = find_in_submission(submission, path)
            if found is None:
                missing.append(path)
            else:
                files[path] = tree.File(found.read_bytes(), False)
                handed.append(path)
    else:
        handed, missing = overlay(files, student_root, paths)
    notes.append("graded from a pristine copy in %s, with your %s"
                 % (display(work), ", ".join(handed) if handed else "(no files)"))
    if missing:
        notes.append("not handed in (the handout's version is used): %s" % ", ".join(missing))
    tree.sync_tree(files, work)
    return notes


def exec_inner(work, lab_number, pattern, logs, json_path, notes):
    """Hand over to the pristine copy's own grader, so edits to this tree's scripts do not count."""
    command = [sys.executable, str(Path(work) / "scripts" / "lab.py"), "grade-tree",
               "--tree", str(work), "--lab", str(lab_number), "--logs", str(logs)]
    if pattern:
        command += ["--tests", pattern]
    if json_path:
        command += ["--json", str(Path(json_path).resolve())]
    for note in notes:
        command += ["--note", note]
    sys.stdout.flush()
    os.execv(sys.executable, command)


def find_handout_lab(files):
    labs = [path for path in files if path.startswith("labs/lab") and path.endswith(".toml")]
    handouts = []
    for path in labs:
        lab = labfile.parse(files[path].text, path)
        if lab.handout:
            handouts.append(lab)
    return handouts[0] if len(handouts) == 1 else None


def grade_main(root, lab_number, pattern, build_dir, json_path):
    """make grade: in a handout (no LAB needed) or in the course tree (LAB=n)."""
    root = Path(root).resolve()
    build_dir = Path(build_dir)
    if not build_dir.is_absolute():
        build_dir = root / build_dir
    work = build_dir / "grade" / "work"
    logs = build_dir / "grade"
    # A handout is recognised by its first commit, not by its working files,
    # which the student may have edited or deleted.
    lab = None
    first = tree.git(root, "rev-list", "--max-parents=0", "HEAD", check=False)
    if first.returncode == 0 and len(first.stdout.split()) == 1:
        files = tree.commit_files(root, first.stdout.decode().strip())
        lab = find_handout_lab(files)
    if lab is not None:
        if lab_number and int(lab_number) != lab.number:
            raise SystemExit("this is the handout of lab %d, not lab %s" % (lab.number, lab_number))
    else:
        own = [labfile.load(p) for p in labfile.lab_paths(root)]
        if any(lab.handout for lab in own):
            raise SystemExit("this handout's first commit is not the handout any more (was the "
                             "history rewritten?): the grader takes the pristine tree from it")
        if not lab_number:
            raise SystemExit("make grade LAB=n: which lab? (%s)"
                             % ", ".join("LAB=%d" % lab.number for lab in own))
        matches = [lab for lab in own if lab.number == int(lab_number)]
        if not matches:
            raise SystemExit("no labs/lab%s.toml" % lab_number)
        lab = matches[0]
        files = reference_pristine(root, lab)
    notes = prepare(files, lab, root, work)
    exec_inner(work, lab.number, pattern, logs, json_path, notes)


def autograde_main(source, submission, json_path, build_dir):
    """run_autograder on Gradescope: /autograder/source/lab is the pristine tree."""
    source = Path(source).resolve()
    files = tree.directory_files(source)
    lab_paths = [p for p in files if p.startswith("labs/lab") and p.endswith(".toml")]
    if len(lab_paths) != 1:
        raise SystemExit("the autograder's source holds %d lab files, expected 1" % len(lab_paths))
    lab = labfile.parse(files[lab_paths[0]].text, lab_paths[0])
    submission = Path(submission)
    zips = list(submission.glob("handin-lab*.zip"))
    if zips:
        unpacked = Path(build_dir) / "submission"
        if unpacked.exists():
            shutil.rmtree(unpacked)
        shutil.unpack_archive(str(zips[0]), str(unpacked))
        submission = unpacked
    work = Path(build_dir) / "work"
    notes = prepare(files, lab, None, work, submission=submission)
    exec_inner(work, lab.number, "", Path(build_dir) / "logs", json_path, notes)


# ---- Variants, for lab-check -----------------------------------------------------------

# Not copied: other graders' trees, and what no lab's grading builds from the
# seed. fsimg holds sparse disk images that a plain copy would write out in
# full (gigabytes); make remakes them in seconds if a test needs them.
SEED_SKIP = ("grade", "lab-check", "mutate", ".pytest_cache", "fsimg", "debug", "stride",
             "list", "test-results")


def seed(work, source_root):
    """Start a work tree from another tree and its build, keeping timestamps.

    Only an optimisation: make then rebuilds just what sync_tree changes
    afterwards (its dependency files name every header), so a graded run is
    the same as from scratch, minutes faster.
    """
    work = Path(work)
    source_root = Path(source_root)
    if work.exists() or not (source_root / "build").is_dir():
        return False
    work.mkdir(parents=True)

    def ignore(directory, names):
        if Path(directory) == source_root / "build":
            return [n for n in names if n in SEED_SKIP or n.startswith("autograder")]
        if Path(directory) == source_root:
            return [n for n in names if n == ".git"]
        return []

    shutil.copytree(source_root, work, symlinks=True, ignore=ignore, dirs_exist_ok=True,
                    copy_function=shutil.copy2)
    return True


def run_variant(files, lab, work, logs, pattern="", kinds=None, stop_at_first_failure=False,
                timeout=None, keep_logs=False):
    """Grade `files` (a complete tree) in `work`, quietly. Returns (results.json, printed text)."""
    tree.sync_tree(files, work)
    logs = Path(logs)
    if logs.exists():
        shutil.rmtree(logs)
    logs.mkdir(parents=True)
    results = logs / "results.json"
    command = [sys.executable, str(Path(work) / "scripts" / "lab.py"), "grade-tree",
               "--tree", str(work), "--lab", str(lab.number), "--logs", str(logs),
               "--json", str(results)]
    if pattern:
        command += ["--tests", pattern]
    if kinds:
        command += ["--kinds", ",".join(kinds)]
    if stop_at_first_failure:
        command += ["--stop-at-first-failure"]
    if keep_logs:
        command += ["--keep-logs"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    text = done.stdout + done.stderr
    if not results.exists():
        raise RuntimeError("the grader wrote no results (exit %s):\n%s" % (done.returncode, text))
    return json.loads(results.read_text()), text
