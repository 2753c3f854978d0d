"""check.py: make lab-check, the proof that every lab is sound.

For each lab:

 1. its files: the lab file, its region marks and stubs, its guide;
 2. the reference scores full marks (make grade LAB=n, hidden tests included);
 3. the handout: it carries no solution text, hidden test or instructors'
    file (handout.leaks); it builds without a warning; it boots (every
    ktest-kind test gets a complete, genuine KTAP report); it scores exactly
    the baseline its lab file declares; every test marked on_handout="fail"
    fails there;
 4. forged handouts score 0, each stopped by the anti-forgery check itself
    (not by a crash), and each would have passed without that check;
 5. every known-wrong solution (labs/labN/wrong.toml) loses points.

Work trees live in build/lab-check/labN/. The first one is seeded from the
course tree's own build/ (CI runs make test first), the others from it, so
only what differs is rebuilt.
"""
import concurrent.futures
import json
import os
import queue
import re
import secrets
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

from labs import forge, grade, handout, regions, snippets, tree, verdict


class Failure(Exception):
    pass


class Report:
    def __init__(self, lab):
        self.lab = lab
        self.problems = []
        self.started = time.monotonic()

    def step(self, text):
        print("  %-64s" % text, end="", flush=True)
        self.step_started = time.monotonic()

    def line(self, text, ok, detail, seconds):
        """A step that ran elsewhere (Steps), printed whole."""
        print("  %-64s%s %5.1fs%s" % (text, "ok  " if ok else "FAIL", seconds,
                                      ("  " + detail) if detail else ""), flush=True)
        if not ok:
            self.problems.append(detail)

    def done(self, ok, detail=""):
        print("%s %5.1fs%s" % ("ok  " if ok else "FAIL", time.monotonic() - self.step_started,
                               ("  " + detail) if detail else ""), flush=True)
        if not ok:
            self.problems.append(detail)


def load_wrong(root, lab):
    path = Path(root) / ("labs/lab%d/wrong.toml" % lab.number)
    if not path.is_file():
        return []
    entries = tomllib.loads(path.read_text()).get("wrong", [])
    wrongs = []
    for entry in entries:
        edit = snippets.edit_from(entry, str(path))
        wrongs.append((edit, entry.get("why", ""), list(entry.get("loses", []))))
    return wrongs


def record_genuine(logs, lab):
    """A genuine report per ktest test, for the replay forgery: from the reference's own run.

    The reference run kept every test's log (keep_logs), and it passed, so
    each holds a complete report with its run's nonce and a valid tag.
    """
    recorded = {}
    for test in lab.tests:
        if test.kind != "ktest":
            continue
        log = Path(logs) / ("%s.log" % test.name)
        if not log.exists():
            raise Failure("recording a genuine report for %s: the reference run left no log"
                          % test.name)
        lines = verdict.clean(log.read_text(errors="replace")).splitlines()
        try:
            start = lines.index("KTAP version 1")
            end = next(i for i, line in enumerate(lines) if line.startswith("# grade:"))
        except (ValueError, StopIteration):
            raise Failure("recording a genuine report for %s: no complete report in %s"
                          % (test.name, log)) from None
        recorded[test.name] = "\n".join(lines[start:end + 1]) + "\n"
    return recorded


def control_passes(log_text, test, work):
    """Would this forged run have passed with the nonce and tag not checked?"""
    ktap = verdict.ktap_module(work)
    status_match = re.search(r"\(exit status (-?\d+)\)\s*$", log_text)
    status = int(status_match.group(1)) if status_match else None
    report = ktap.parse(verdict.clean(log_text))
    ids = [c.id for c in report.cases]
    return (report.complete and sorted(ids) == sorted(test.cases)
            and all(c.ok and not c.skipped for c in report.cases) and status == 0)


def stopped_by_a_stub(handout_dir, name, lab):
    """Did this handout run reach the tests, and end in a panic of one of the lab's own stubs?

    A stub that can be no simpler working design (lab 5's switch_context: there
    is no way to switch threads without saving registers) panics with a message
    naming its lab, "(lab N)". The report it cuts short still counts as booted:
    the kernel reached the tests, and the test fails, which is what a stub is for.
    """
    log = Path(handout_dir) / "build" / "grade" / ("%s.log" % name.split(" (")[0])
    if not log.exists():
        return False
    text = verdict.clean(log.read_text(errors="replace"))
    return ("KTAP version 1" in text
            and re.search(r"^PANIC .*\(lab %d\)" % lab.number, text, re.M) is not None)


def jobs():
    """How many variants lab-check grades at once (LAB_CHECK_JOBS, default 2: the CI's cores)."""
    try:
        return max(1, int(os.environ.get("LAB_CHECK_JOBS", "2")))
    except ValueError:
        raise SystemExit("LAB_CHECK_JOBS must be a whole number, e.g. 1 or 2") from None


class Steps:
    """Steps that may run in parallel, printed in the order they were added, as each is known.

    A step is a title and a function returning (ok, detail). Its time is its own
    run time, measured where it ran, so lines stay comparable with and without
    parallelism.
    """

    def __init__(self, report, pool):
        self.report = report
        self.pool = pool
        self.pending = []

    def add(self, title, function, *args):
        def timed():
            started = time.monotonic()
            try:
                ok, detail = function(*args)
            except (snippets.SnippetError, RuntimeError, ValueError,
                    subprocess.TimeoutExpired) as error:
                ok, detail = False, "%s: %s" % (type(error).__name__, error)
            return ok, detail, time.monotonic() - started
        self.pending.append((title, self.pool.submit(timed)))

    def flush(self):
        for title, future in self.pending:
            ok, detail, seconds = future.result()
            self.report.line(title, ok, detail, seconds)
        self.pending = []


def check_lab(root, lab, base, keep):
    report = Report(lab)
    print("lab %d: %s" % (lab.number, lab.title), flush=True)
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    ref_work = base / "reference"
    ref_logs = base / "logs"
    automatic = [t for t in lab.tests if t.automatic]
    full = sum(t.points for t in automatic)
    workers = jobs()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    steps = Steps(report, pool)

    # 1. The lab's files, and the handout's leak check (no build needed).
    report.step("lab file, regions, stubs, guide; handout has no leak")
    sources = tree.tracked_files(root)
    handout_files = handout.build(root, lab, sources)
    problems = handout.leaks(lab, handout_files, sources)
    report.done(not problems, "; ".join(problems[:5]))

    reference_files = grade.reference_pristine(root, lab)
    ref_handin = {path: sources[path] for path in grade.handin_paths(lab, reference_files)
                  if path in sources}

    # 2 and 3 side by side: the reference in its work tree, the handout through its own
    # make grade in another, both seeded from the course tree's build.
    def reference_full_marks():
        grade.seed(ref_work, root)
        reference_graded = dict(reference_files)
        reference_graded.update(ref_handin)
        document, text = grade.run_variant(reference_graded, lab, ref_work,
                                           ref_logs / "reference", keep_logs=True)
        return (document["score"] == full,
                "" if document["score"] == full
                else "reference scored %s/%d:\n%s" % (document["score"], full, text))

    handout_dir = base / "handout"
    if handout_dir.exists():
        shutil.rmtree(handout_dir)
    handout.write(handout_files, handout_dir, lab)
    results_path = base / "handout-results.json"
    handout_run = {}

    def handout_baseline():
        grade.seed(handout_dir / "build" / "grade" / "work", root)
        done = subprocess.run(["make", "--no-print-directory", "grade", "JSON=%s" % results_path],
                              cwd=handout_dir, capture_output=True, text=True)
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        if not results_path.exists():
            return False, "make grade wrote no results:\n" + done.stdout + done.stderr
        document = json.loads(results_path.read_text())
        handout_run["document"] = document
        expected_last = "Score: %d/%d" % (lab.baseline, sum(t.points for t in lab.visible_tests()
                                                            if t.automatic))
        ok = document["score"] == lab.baseline and last == expected_last
        return ok, "" if ok else "last line %r, expected %r" % (last, expected_last)

    steps.add("reference scores %d/%d" % (full, full), reference_full_marks)
    steps.add("handout: make grade scores its baseline %d" % lab.baseline, handout_baseline)
    steps.flush()
    if "document" not in handout_run:
        pool.shutdown()
        return report
    document = handout_run["document"]

    report.step("handout builds without warnings and boots")
    build_log = (handout_dir / "build" / "grade" / "build.log").read_text()
    warnings = [line for line in build_log.splitlines() if "warning:" in line]
    broken = [t["name"] for t in document["tests"]
              if t.get("extra_data", {}).get("reason") in ("build", "timeout", "no-nonce",
                                                          "tag-mismatch")
              or (t.get("extra_data", {}).get("reason") == "incomplete"
                  and not stopped_by_a_stub(handout_dir, t["name"], lab))]
    report.done(not warnings and not broken,
                "; ".join(warnings[:3] + ["did not run properly: %s" % ", ".join(broken)]
                          if broken else warnings[:3]))

    report.step("every graded test fails on the handout")
    passing = [t["name"] for t in document["tests"] if t.get("status") == "passed"
               and "score" in t]
    should_fail = {"%s (%s)" % (t.name, t.group) for t in lab.visible_tests()
                   if t.automatic and t.on_handout == "fail"}
    wrongly = sorted(should_fail & set(passing))
    report.done(not wrongly, "pass on the handout: %s" % ", ".join(wrongly) if wrongly else "")

    # 4 and 5: forged handouts and known-wrong solutions, spread over the workers,
    # each with a work tree of its own (the reference's, and copies of it).
    recorded = record_genuine(ref_logs / "reference", lab)
    trees = queue.Queue()
    trees.put(ref_work)
    for number in range(1, workers):
        extra = base / ("reference-%d" % (number + 1))
        if extra.exists():
            shutil.rmtree(extra)
        grade.seed(extra, ref_work)
        trees.put(extra)

    def in_a_tree(function, *args):
        work = trees.get()
        try:
            return function(work, *args)
        finally:
            trees.put(work)

    # forge_region = "": no region of the lab runs at boot (and no forge_at), so its
    # code can only print inside the runner's report, where the tag already stops it.
    region = regions.scan_tree(handout_files)[lab.forge_region] if lab.forge_region else None
    ktest_tests = [t for t in lab.tests if t.kind == "ktest"]
    expected_reason = {"canned": "no-nonce", "echo": "tag-mismatch", "replay": "no-nonce"}

    def forged_scores_zero(work, variant):
        table = forge.reports(lab, variant, recorded)
        # The handout (with the hidden tests, as on Gradescope) and a forged region file.
        forged = dict(reference_files)
        forged[region.path] = tree.File(
            forge.inject(handout_files[region.path].text, region, table,
                         at=lab.forge_at).encode())
        logs = ref_logs / ("forged-" + variant)
        # Only the ktest tests: the forger acts on a ktest run's command line alone, so
        # every other test scores on a forged handout what it scores on the handout,
        # where the step above saw each of them fail.
        document, text = grade.run_variant(forged, lab, work, logs, kinds=["ktest"])
        problems = []
        if document["score"] != 0:
            problems.append("scored %s" % document["score"])
        other = [t["name"] for t in handout_run["document"]["tests"]
                 if "score" in t and t["score"] != 0 and not any(
                     t["name"].startswith(k.name + " (") for k in ktest_tests)]
        if other:
            problems.append("the handout itself scores on %s" % ", ".join(other))
        for test in ktest_tests:
            entry = next(t for t in document["tests"] if t["name"].startswith(test.name + " ("))
            reason = entry["extra_data"]["reason"]
            if reason != expected_reason[variant] and not (variant == "replay"
                                                           and reason == "nonce-mismatch"):
                problems.append("%s failed for %r, not %r" % (test.name, reason,
                                                              expected_reason[variant]))
            log = logs / ("%s.log" % test.name)
            if not control_passes(log.read_text() if log.exists() else "", test, work):
                problems.append("%s: the forged report would not have passed anyway "
                                "(the forger is broken, so this proves nothing)" % test.name)
        return not problems, "; ".join(problems[:4])

    for variant in ("canned", "echo", "replay") if region is not None else ():
        steps.add("forged handout (%s report) scores 0" % variant,
                  in_a_tree, forged_scores_zero, variant)
    if region is None:
        steps.add("forged handouts", lambda: (True, "none: forge_region is empty (no region of "
                                                    "this lab runs at boot)"))

    wrongs = load_wrong(root, lab)

    def wrong_loses(work, edit, why, loses):
        changed, path, _ = snippets.apply(edit, sources)
        variant_files = dict(reference_files)
        variant_files[path] = changed[path]
        for other in ref_handin:
            if other != path:
                variant_files[other] = sources[other]
        logs = ref_logs / ("wrong-" + edit.name)
        if loses:
            # Only the tests it must fail: each of them has to notice.
            document, text = grade.run_variant(variant_files, lab, work, logs,
                                               pattern=",".join(loses))
            failed = {t["name"].split(" (")[0] for t in document["tests"]
                      if t.get("status") == "failed"}
            missing = [name for name in loses if name not in failed]
            return (bool(failed) and not missing,
                    "still passes %s" % ", ".join(missing) if missing
                    else "caught by %s" % ", ".join(sorted(failed)))
        document, text = grade.run_variant(variant_files, lab, work, logs,
                                           stop_at_first_failure=True)
        lost = [t["name"].split(" (")[0] for t in document["tests"]
                if t.get("status") == "failed" and "score" in t]
        return bool(lost), ("caught by %s" % lost[0] if lost else
                            "scored full marks: the tests do not notice (%s)" % why)

    for edit, why, loses in wrongs:
        steps.add("wrong: %s loses points" % edit.name, in_a_tree, wrong_loses, edit, why, loses)
    forged_steps = 3 if region is not None else 1
    pending_wrongs = steps.pending[forged_steps:]
    steps.pending = steps.pending[:forged_steps]
    steps.flush()
    report.step("at least five known-wrong solutions (%d)" % len(wrongs))
    report.done(len(wrongs) >= 5, "labs/lab%d/wrong.toml has %d" % (lab.number, len(wrongs)))
    steps.pending = pending_wrongs
    steps.flush()
    pool.shutdown()
    if not keep:
        # The work trees hold a whole build each; the logs stay in logs/.
        shutil.rmtree(handout_dir, ignore_errors=True)
        while not trees.empty():
            shutil.rmtree(trees.get(), ignore_errors=True)
    report.seconds = time.monotonic() - report.started
    print("lab %d: %s in %.0fs" % (lab.number, "OK" if not report.problems else
                                   "%d problems" % len(report.problems), report.seconds),
          flush=True)
    return report


def run(root, labs, keep=False):
    started = time.monotonic()
    base = Path(root) / "build" / "lab-check"
    failed = []
    timings = []
    print("lab-check: %d lab%s, %d variants at a time (LAB_CHECK_JOBS)"
          % (len(labs), "" if len(labs) == 1 else "s", jobs()), flush=True)
    for lab in labs:
        lab_started = time.monotonic()
        try:
            result = check_lab(root, lab, base / ("lab%d" % lab.number), keep)
        except (Failure, snippets.SnippetError, RuntimeError, ValueError) as error:
            print("lab %d: FAILED: %s" % (lab.number, error))
            failed.append(lab.number)
            timings.append((lab.number, time.monotonic() - lab_started, "FAILED"))
            continue
        if result.problems:
            failed.append(lab.number)
        timings.append((lab.number, time.monotonic() - lab_started,
                        "ok" if not result.problems else "FAILED"))
    seconds = time.monotonic() - started
    print("lab-check timings: " + ", ".join("lab %d %.0fs%s" % (number, took,
                                                               "" if status == "ok" else " (FAILED)")
                                           for number, took, status in timings)
          + "; total %.0fs" % seconds, flush=True)
    if failed:
        print("lab-check: FAILED for lab %s (%.0fs)" % (", ".join(map(str, failed)), seconds))
        return 1
    print("lab-check: %d lab%s sound (%.0fs)" % (len(labs), "" if len(labs) == 1 else "s", seconds))
    return 0
