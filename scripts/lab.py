#!/usr/bin/python3
"""lab.py: the course machinery. The Makefile's lab targets call this.

    lab.py handout --lab N --out DIR     a student's tree, as a git repository
    lab.py grade [--lab N] [--tests GLOB] [--json FILE]
                                         score a handout, or lab N in the course tree
    lab.py handin                        zip a handout's files and their diff
    lab.py autograder --lab N --out ZIP  Gradescope's autograder for lab N
    lab.py check [--lab N]               lab-check: prove the labs are sound
    lab.py mutate [--only NAME]          run the mutation catalogue (labs/mutations.toml)
    lab.py regions                       list every region mark in the tree

docs/labs/instructors.md explains all of it.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labs import labfile  # noqa: E402
from labs.handout import HandoutError  # noqa: E402
from labs.labfile import LabFileError  # noqa: E402
from labs.regions import RegionError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def load_lab(number):
    path = ROOT / "labs" / ("lab%s.toml" % number)
    if not path.is_file():
        raise SystemExit("no %s" % path.relative_to(ROOT))
    return labfile.load(path)


def command_handout(args):
    from labs import handout, tree
    lab = load_lab(args.lab)
    if lab.handout:
        raise SystemExit("this is a handout already; make handout runs in the course tree")
    files = handout.build(ROOT, lab)
    handout.write(files, args.out, lab)
    problems = handout.leaks(lab, files, tree.tracked_files(ROOT))
    if problems:
        print("\n".join(problems))
        raise SystemExit("the handout in %s leaks (see above): fix the stubs or the lab file"
                         % args.out)
    print("lab %d handout written to %s (%d files, one commit); no solution text found"
          % (lab.number, args.out, len(files)))


def command_grade(args):
    from labs import grade
    grade.grade_main(ROOT, args.lab, args.tests, args.build, args.json)


def command_grade_tree(args):
    from labs import grade
    lab_path = Path(args.tree) / "labs" / ("lab%s.toml" % args.lab)
    kinds = [k for k in args.kinds.split(",") if k]
    return grade.grade_tree(args.tree, lab_path, args.tests, args.logs, args.json, args.note,
                            kinds=kinds, stop_at_first_failure=args.stop_at_first_failure,
                            keep_logs=args.keep_logs)


def command_autograde(args):
    from labs import grade
    grade.autograde_main(args.source, args.submission, args.json, args.build)


def command_autograder(args):
    from labs import packaging
    packaging.autograder(ROOT, load_lab(args.lab), args.out)


def command_handin(args):
    from labs import packaging
    packaging.handin(ROOT)


def command_check(args):
    from labs import check
    labs = [load_lab(args.lab)] if args.lab else [labfile.load(p) for p in labfile.lab_paths(ROOT)]
    return check.run(ROOT, labs, keep=args.keep)


def command_mutate(args):
    from labs import mutate
    return mutate.run(ROOT, args.only, args.list)


def command_regions(args):
    from labs import regions, tree
    found = regions.scan_tree(tree.tracked_files(ROOT))
    for region in sorted(found.values(), key=lambda r: (r.lab, r.path, r.begin)):
        print("lab %d  %-32s %s:%d-%d" % (region.lab, region.id, region.path, region.begin + 1,
                                          region.end + 1))


def main(argv):
    parser = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("handout")
    p.add_argument("--lab", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=command_handout)

    p = sub.add_parser("grade")
    p.add_argument("--lab", default="")
    p.add_argument("--tests", default="")
    p.add_argument("--json", default="")
    p.add_argument("--build", default="build")
    p.set_defaults(run=command_grade)

    p = sub.add_parser("grade-tree")  # internal: run by the pristine copy
    p.add_argument("--tree", required=True)
    p.add_argument("--lab", required=True)
    p.add_argument("--logs", required=True)
    p.add_argument("--tests", default="")
    p.add_argument("--json", default="")
    p.add_argument("--note", action="append", default=[])
    p.add_argument("--kinds", default="")
    p.add_argument("--stop-at-first-failure", action="store_true")
    p.add_argument("--keep-logs", action="store_true")  # lab-check: replays genuine reports
    p.set_defaults(run=command_grade_tree)

    p = sub.add_parser("autograde")  # internal: run_autograder on Gradescope
    p.add_argument("--source", required=True)
    p.add_argument("--submission", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--build", required=True)
    p.set_defaults(run=command_autograde)

    p = sub.add_parser("autograder")
    p.add_argument("--lab", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=command_autograder)

    p = sub.add_parser("handin")
    p.set_defaults(run=command_handin)

    p = sub.add_parser("check")
    p.add_argument("--lab", default="")
    p.add_argument("--keep", action="store_true", help="keep the work trees in build/lab-check")
    p.set_defaults(run=command_check)

    p = sub.add_parser("mutate")
    p.add_argument("--only", default="", help="a glob on mutation names")
    p.add_argument("--list", action="store_true", help="check and list the catalogue, run nothing")
    p.set_defaults(run=command_mutate)

    p = sub.add_parser("regions")
    p.set_defaults(run=command_regions)

    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except (LabFileError, RegionError, HandoutError) as error:
        print("lab.py: %s" % error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
