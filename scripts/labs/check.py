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
import json
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


def record_genuine(work, lab):
    """A genuine report per ktest test, from the reference image, for the replay forgery."""
    recorded = {}
    for test in lab.tests:
        if test.kind != "ktest":
            continue
        nonce = secrets.token_hex(16)
        command = [grade.QEMU, *grade.QEMU_MACHINE, *grade.ICOUNT, "-kernel", "build/ktest.elf",
                   "-append", grade.ktest_append(test, nonce)]
        status, text, timed_out, _ = grade.run_process(command, work, 60)
        text = verdict.clean(text)
        judged = verdict.judge_ktest(text, status, nonce, test.cases, work, timed_out)
        if not judged.passed:
            raise Failure("recording a genuine report for %s: %s" % (test.name, judged.message))
        lines = text.splitlines()
        start = lines.index("KTAP version 1")
        end = next(i for i, line in enumerate(lines) if line.startswith("# grade:"))
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


def check_lab(root, lab, base, keep):
    report = Report(lab)
    print("lab %d: %s" % (lab.number, lab.title), flush=True)
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    ref_work = base / "reference"
    ref_logs = base / "logs"
    automatic = [t for t in lab.tests if t.automatic]
    full = sum(t.points for t in automatic)

    # 1. The lab's files, and the handout's leak check (no build needed).
    report.step("lab file, regions, stubs, guide; handout has no leak")
    sources = tree.tracked_files(root)
    handout_files = handout.build(root, lab, sources)
    problems = handout.leaks(lab, handout_files, sources)
    report.done(not problems, "; ".join(problems[:5]))

    # 2. The reference scores full marks.
    report.step("reference scores %d/%d" % (full, full))
    grade.seed(ref_work, root)
    reference_files = grade.reference_pristine(root, lab)
    ref_handin = {path: sources[path] for path in grade.handin_paths(lab, reference_files)
                  if path in sources}
    reference_graded = dict(reference_files)
    reference_graded.update(ref_handin)
    document, text = grade.run_variant(reference_graded, lab, ref_work, ref_logs / "reference")
    report.done(document["score"] == full, "reference scored %s/%d:\n%s"
                % (document["score"], full, text) if document["score"] != full else "")

    # 3. The handout, through its own make grade.
    handout_dir = base / "handout"
    if handout_dir.exists():
        shutil.rmtree(handout_dir)
    handout.write(handout_files, handout_dir, lab)
    report.step("handout: make grade scores its baseline %d" % lab.baseline)
    grade.seed(handout_dir / "build" / "grade" / "work", ref_work)
    results_path = base / "handout-results.json"
    done = subprocess.run(["make", "--no-print-directory", "grade", "JSON=%s" % results_path],
                          cwd=handout_dir, capture_output=True, text=True)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if not results_path.exists():
        report.done(False, "make grade wrote no results:\n" + done.stdout + done.stderr)
        return report
    document = json.loads(results_path.read_text())
    expected_last = "Score: %d/%d" % (lab.baseline, sum(t.points for t in lab.visible_tests()
                                                         if t.automatic))
    report.done(document["score"] == lab.baseline and last == expected_last,
                "" if document["score"] == lab.baseline and last == expected_last
                else "last line %r, expected %r" % (last, expected_last))

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

    # 4. Forged handouts.
    region = regions.scan_tree(handout_files)[lab.forge_region]
    recorded = record_genuine(ref_work, lab)
    ktest_tests = [t for t in lab.tests if t.kind == "ktest"]
    expected_reason = {"canned": "no-nonce", "echo": "tag-mismatch", "replay": "no-nonce"}
    for variant in ("canned", "echo", "replay"):
        whole = variant == "echo"
        report.step("forged handout (%s report)%s scores 0" % (variant, ", all tests" if whole
                                                               else ""))
        table = forge.reports(lab, variant, recorded)
        # The handout (with the hidden tests, as on Gradescope) and a forged region file.
        forged = dict(reference_files)
        forged[region.path] = tree.File(
            forge.inject(handout_files[region.path].text, region, table,
                         at=lab.forge_at).encode())
        document, text = grade.run_variant(forged, lab, ref_work, ref_logs / ("forged-" + variant),
                                           kinds=None if whole else ["ktest"])
        problems = []
        if document["score"] != 0:
            problems.append("scored %s" % document["score"])
        for test in ktest_tests:
            entry = next(t for t in document["tests"] if t["name"].startswith(test.name + " ("))
            reason = entry["extra_data"]["reason"]
            if reason != expected_reason[variant] and not (variant == "replay"
                                                           and reason == "nonce-mismatch"):
                problems.append("%s failed for %r, not %r" % (test.name, reason,
                                                              expected_reason[variant]))
            log = ref_logs / ("forged-" + variant) / ("%s.log" % test.name)
            if not control_passes(log.read_text() if log.exists() else "", test, ref_work):
                problems.append("%s: the forged report would not have passed anyway "
                                "(the forger is broken, so this proves nothing)" % test.name)
        report.done(not problems, "; ".join(problems[:4]))

    # 5. Known-wrong solutions.
    wrongs = load_wrong(root, lab)
    report.step("at least five known-wrong solutions (%d)" % len(wrongs))
    report.done(len(wrongs) >= 5, "labs/lab%d/wrong.toml has %d" % (lab.number, len(wrongs)))
    for edit, why, loses in wrongs:
        report.step("wrong: %s loses points" % edit.name)
        try:
            changed, path, warnings = snippets.apply(edit, sources)
        except snippets.SnippetError as error:
            report.done(False, str(error))
            continue
        variant_files = dict(reference_files)
        variant_files[path] = changed[path]
        for other in ref_handin:
            if other != path:
                variant_files[other] = sources[other]
        if loses:
            # Only the tests it must fail: each of them has to notice.
            document, text = grade.run_variant(variant_files, lab, ref_work,
                                               ref_logs / ("wrong-" + edit.name),
                                               pattern=",".join(loses))
            failed = {t["name"].split(" (")[0] for t in document["tests"]
                      if t.get("status") == "failed"}
            missing = [name for name in loses if name not in failed]
            report.done(bool(failed) and not missing,
                        "still passes %s" % ", ".join(missing) if missing
                        else "caught by %s" % ", ".join(sorted(failed)))
        else:
            document, text = grade.run_variant(variant_files, lab, ref_work,
                                               ref_logs / ("wrong-" + edit.name),
                                               stop_at_first_failure=True)
            lost = [t["name"].split(" (")[0] for t in document["tests"]
                    if t.get("status") == "failed" and "score" in t]
            report.done(bool(lost), "caught by %s" % lost[0] if lost else
                        "scored full marks: the tests do not notice (%s)" % why)
    if not keep:
        # The work trees hold a whole build each; the logs stay in logs/.
        shutil.rmtree(handout_dir, ignore_errors=True)
        shutil.rmtree(ref_work, ignore_errors=True)
    print("lab %d: %s in %.0fs" % (lab.number, "OK" if not report.problems else
                                   "%d problems" % len(report.problems),
                                   time.monotonic() - report.started), flush=True)
    return report


def run(root, labs, keep=False):
    started = time.monotonic()
    base = Path(root) / "build" / "lab-check"
    failed = []
    for lab in labs:
        try:
            result = check_lab(root, lab, base / ("lab%d" % lab.number), keep)
        except (Failure, snippets.SnippetError, RuntimeError, ValueError) as error:
            print("lab %d: FAILED: %s" % (lab.number, error))
            failed.append(lab.number)
            continue
        if result.problems:
            failed.append(lab.number)
    seconds = time.monotonic() - started
    if failed:
        print("lab-check: FAILED for lab %s (%.0fs)" % (", ".join(map(str, failed)), seconds))
        return 1
    print("lab-check: %d lab%s sound (%.0fs)" % (len(labs), "" if len(labs) == 1 else "s", seconds))
    return 0
