"""mutate.py: make mutate, the mutation catalogue (labs/mutations.toml) against the whole kernel.

Each entry makes one small, plausible bug by exact snippet (snippets.py)
and names the tests that should notice it:

    ktest:GLOB         boot the ktest image with ktest.filter=GLOB; any failure notices
    ktest@N:GLOB       the same on N harts (-smp N), for what only several harts show
    host:NAME[/GLOB]   run build/host/NAME, with --filter=GLOB (Criterion's "suite/test")
    pytest:NODE [NODE] run pytest nodes or files of tests/system (space-separated: one run)

The mutant is "killed" when one of its tests fails (or times out, or the
build fails), and "survives" when all pass. Before any mutant, every test
named in the catalogue must pass on the unmutated tree. An entry with
survives = true is a known gap: it is reported, but only an unexpected
survivor (or a known one that is now killed) makes the run fail.

Runs in build/mutate/work, a copy of the tracked tree seeded from build/.
"""
import fnmatch
import os
import re
import secrets
import sys
import time
import tomllib
from pathlib import Path

from labs import grade, snippets, tree, verdict

CATALOGUE = "labs/mutations.toml"
KINDS = ("ktest", "host", "pytest")


def spec_kind(spec):
    """(kind, harts) of a notice spec: "ktest@4:smp*" is a ktest on four harts."""
    kind = spec.split(":", 1)[0]
    base, _, harts = kind.partition("@")
    if base == "ktest" and harts.isdigit() and 1 <= int(harts) <= 8:
        return base, int(harts)
    return kind, 1


class Mutation:
    def __init__(self, entry, where):
        self.edit = snippets.edit_from(entry, where)
        self.name = self.edit.name
        self.subsystem = entry.get("subsystem", "?")
        self.why = entry.get("why", "")
        self.survives = bool(entry.get("survives", False))
        self.notice = list(entry.get("notice", []))
        self.timeout = float(entry.get("timeout", 120))
        if not self.notice:
            raise snippets.SnippetError("%s: %s names no test that should notice it"
                                        % (where, self.name))
        for spec in self.notice:
            if spec_kind(spec)[0] not in KINDS or ":" not in spec:
                raise snippets.SnippetError("%s: %s: %r is not kind:selector with kind one of %s"
                                            % (where, self.name, spec, KINDS))


def load(root):
    path = Path(root) / CATALOGUE
    entries = tomllib.loads(path.read_text()).get("mutation", [])
    mutations = [Mutation(entry, CATALOGUE) for entry in entries]
    names = [m.name for m in mutations]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise snippets.SnippetError("%s: names used twice: %s" % (CATALOGUE, duplicates))
    return mutations


def targets_for(specs):
    wanted = []
    for spec in specs:
        kind, selector = spec.split(":", 1)
        kind = spec_kind(spec)[0]
        if kind == "ktest":
            target = "build/ktest.elf"
        elif kind == "host":
            target = "build/host/%s" % selector.split("/", 1)[0]
        else:
            target = "images"
        if target not in wanted:
            wanted.append(target)
    return wanted


def run_spec(work, spec, timeout):
    """Run one notice test. Returns (passed, one-line detail)."""
    kind, selector = spec.split(":", 1)
    kind, harts = spec_kind(spec)
    if kind == "ktest":
        nonce = secrets.token_hex(8)
        command = [grade.QEMU, *grade.machine(harts), *grade.ICOUNT, "-kernel", "build/ktest.elf",
                   "-append", "ktest.filter=%s grade.nonce=%s" % (selector, nonce)]
        status, text, timed_out, _ = grade.run_process(command, work, timeout)
        if timed_out:
            return False, "timed out"
        ktap = verdict.ktap_module(work)
        report = ktap.parse(verdict.clean(text))
        if not report.complete:
            return False, "incomplete KTAP (%s)" % "; ".join(report.problems)[:120]
        if not report.cases:
            return False, "no case ran"
        failed = [c.id for c in report.cases if not c.ok]
        if failed or status != 0:
            return False, "failed: %s (status %s)" % (", ".join(failed[:3]), status)
        return True, "%d cases pass" % len(report.cases)
    if kind == "host":
        binary, _, pattern = selector.partition("/")
        command = ["build/host/%s" % binary]
        if pattern:
            command.append("--filter=%s" % pattern)  # Criterion's suite/test glob
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
        status, text, timed_out, _ = grade.run_process(command, work, timeout, env=env)
        if timed_out:
            return False, "timed out"
        synthesis = re.search(r"Synthesis: Tested: (\d+) \| Passing: (\d+)", text)
        if status != 0:
            return False, "exit status %s" % status
        if synthesis is None or synthesis.group(1) == "0":
            return False, "no test ran"
        return True, "%s tests pass" % synthesis.group(1)
    command = [sys.executable, "-m", "pytest", "-q", "-x", *selector.split()]
    env = dict(os.environ, BUILD="build", PYTHONDONTWRITEBYTECODE="1",
               QEMU_EXTRA_ARGS=" ".join(grade.ICOUNT))
    status, text, timed_out, _ = grade.run_process(command, work, timeout, env=env)
    if timed_out:
        return False, "timed out"
    summary = text.strip().splitlines()[-1] if text.strip() else ""
    return status == 0, summary[:120]


def build(work, specs, timeout):
    wanted = targets_for(specs)
    built, _ = grade.build(work, wanted, timeout, Path(work) / "build" / "mutate-build.log")
    return all(built.values())


def run(root, only, list_only):
    started = time.monotonic()
    root = Path(root)
    if not (root / CATALOGUE).is_file():
        raise SystemExit("make mutate needs %s (the course tree, not a handout)" % CATALOGUE)
    mutations = load(root)
    sources = tree.tracked_files(root)
    problems = []
    mutants = []
    for mutation in mutations:
        try:
            changed, path, warnings = snippets.apply(mutation.edit, sources)
        except snippets.SnippetError as error:
            problems.append(str(error))
            continue
        for warning in warnings:
            print("warning: " + warning)
        mutants.append((mutation, changed, path))
    if problems:
        print("\n".join("catalogue: " + p for p in problems))
        raise SystemExit("make mutate: %d entries no longer apply; fix them in %s"
                         % (len(problems), CATALOGUE))
    if only:
        mutants = [m for m in mutants if fnmatch.fnmatchcase(m[0].name, only)]
    if list_only:
        for mutation, _, path in mutants:
            print("%-40s %-10s %s%s" % (mutation.name, mutation.subsystem, path,
                                        "  (known survivor)" if mutation.survives else ""))
        print("%d mutations apply cleanly" % len(mutants))
        return 0
    work = root / "build" / "mutate" / "work"
    grade.seed(work, root)
    tree.sync_tree(sources, work)
    specs = []
    for mutation, _, _ in mutants:
        for spec in mutation.notice:
            if spec not in specs:
                specs.append(spec)
    print("baseline: building and running the %d tests the catalogue names" % len(specs),
          flush=True)
    if not build(work, specs, 900 * grade.timeout_scale()):
        raise SystemExit("make mutate: the unmutated tree does not build (%s)"
                         % (work / "build" / "mutate-build.log"))
    for spec in specs:
        passed, detail = run_spec(work, spec, 300 * grade.timeout_scale())
        if not passed:
            raise SystemExit("make mutate: %s fails on the unmutated tree (%s); the catalogue "
                             "cannot judge mutants with it" % (spec, detail))
    print("baseline: all pass (%.0fs)" % (time.monotonic() - started), flush=True)
    killed, survived, broken = [], [], []
    try:
        for mutation, changed, path in mutants:
            begun = time.monotonic()
            tree.sync_tree(changed, work)
            if not build(work, mutation.notice, 900 * grade.timeout_scale()):
                # A mutant the compiler rejects tests nothing: the entry must be fixed.
                broken.append(mutation)
                print("%-8s %-40s %-9s %5.1fs does not build (%s): fix the entry"
                      % ("BROKEN", mutation.name, mutation.subsystem, time.monotonic() - begun,
                         Path(work) / "build" / "mutate-build.log"), flush=True)
                continue
            else:
                outcome, detail = "survived", ""
                for spec in mutation.notice:
                    passed, why = run_spec(work, spec, mutation.timeout * grade.timeout_scale())
                    if not passed:
                        outcome, detail = "killed", "by %s: %s" % (spec, why)
                        break
            (killed if outcome == "killed" else survived).append(mutation)
            note = ""
            if outcome == "survived" and mutation.survives:
                note = "  (known survivor)"
            elif outcome == "survived":
                note = "  (UNEXPECTED: a test is missing)"
            elif mutation.survives:
                note = "  (was a known survivor: set survives = false)"
            print("%-8s %-40s %-9s %5.1fs %s%s" % (outcome.upper(), mutation.name,
                                                   mutation.subsystem, time.monotonic() - begun,
                                                   detail[:100], note), flush=True)
    finally:
        tree.sync_tree(sources, work)
    total = len(killed) + len(survived)
    print()
    print("survivors:")
    for mutation in survived:
        print("  %-40s %s%s" % (mutation.name, mutation.why,
                                "" if mutation.survives else "  [unexpected]"))
    if not survived:
        print("  none")
    print("mutation score: %d/%d killed (%.0f%%) in %.0fs"
          % (len(killed), total, 100.0 * len(killed) / total if total else 0,
             time.monotonic() - started))
    if broken:
        print("broken entries (the mutant does not compile): %s"
              % ", ".join(m.name for m in broken))
    unexpected = [m for m in survived if not m.survives]
    stale = [m for m in killed if m.survives]
    return 1 if unexpected or stale or broken else 0
