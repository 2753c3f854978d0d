"""packaging.py: make handin (a student's zip) and make autograder (Gradescope's zip).

handin-labN.zip holds the files the lab hands in, at their paths, plus
handin.diff (everything changed since the handout's commit) and handin.txt
(lab, commit, date). It refuses a tree with uncommitted changes, so what is
handed in is a commit the student can name.

autograder-labN.zip follows Gradescope's specification: setup.sh and
run_autograder at the root, and lab/, the pristine tree (the handout plus
the hidden tests and the full lab file). run_autograder grades
/autograder/submission and writes /autograder/results/results.json.
"""
import datetime
import io
import zipfile
from pathlib import Path

from labs import grade, labfile, tree

SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# The packages are those scripts/install-deps.sh lists, plus the basic tools.
set -euxo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends make gcc libc6-dev git python3 zip unzip
sh /autograder/source/lab/scripts/install-deps.sh
"""

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission. AUTOGRADER_ROOT (default /autograder)
# lets the staff try it on their own machine.
set -u
root="${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$root/results"
rm -f "$root/results/results.json"
cd "$root/source/lab"
/usr/bin/python3 scripts/lab.py autograde --source "$root/source/lab" --submission "$root/submission" \
    --json "$root/results/results.json" --build "$root/work"
status=$?
if [ ! -s "$root/results/results.json" ]; then
    # The grader itself broke: score 0 with a message, and the log in stdout for the staff.
    printf '{"score": 0, "output": "The autograder could not grade this submission (status %s). The course staff can see why.", "tests": []}\n' "$status" > "$root/results/results.json"
fi
exit 0
"""


def _git(root, *args):
    return tree.git(root, *args).stdout.decode(errors="replace")


def handin(root):
    root = Path(root)
    labs = [labfile.load(p) for p in labfile.lab_paths(root)]
    labs = [lab for lab in labs if lab.handout]
    if len(labs) != 1:
        raise SystemExit("make handin runs in a lab's handout (this tree has no handout lab file)")
    lab = labs[0]
    dirty = _git(root, "status", "--porcelain").splitlines()
    if dirty:
        raise SystemExit("make handin: commit your work first; uncommitted changes:\n  "
                         + "\n  ".join(dirty))
    base = tree.root_commit(root)
    head = _git(root, "rev-parse", "HEAD").strip()
    pristine = tree.commit_files(root, base)
    paths = grade.handin_paths(lab, pristine)
    diff = _git(root, "diff", base, "HEAD")
    out = root / ("handin-lab%d.zip" % lab.number)
    notes = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            full = root / path
            if not full.is_file():
                notes.append("missing: %s" % path)
                continue
            if full.read_bytes() == pristine.get(path, tree.File(b"")).data:
                notes.append("unchanged since the handout: %s" % path)
            archive.writestr(path, full.read_bytes())
        archive.writestr("handin.diff", diff)
        archive.writestr("handin.txt", "lab %d\nhandout %s\ncommit %s\ndate %s\nfiles %s\n"
                         % (lab.number, base, head,
                            datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                            " ".join(paths)))
    out.write_bytes(buffer.getvalue())
    for note in notes:
        print("make handin: warning: " + note)
    print("wrote %s: %s, handin.diff (%d lines against the handout), handin.txt"
          % (out.name, ", ".join(p for p in paths if (root / p).is_file()),
             len(diff.splitlines())))


def autograder(root, lab, out):
    files = grade.reference_pristine(root, lab)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        for path, file in sorted(files.items()):
            info = zipfile.ZipInfo("lab/" + path)
            info.external_attr = (0o755 if file.executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.data)
    hidden = sum(t.points for t in lab.tests if t.hidden)
    automatic = sum(t.points for t in lab.tests if t.automatic)
    written = sum(t.points for t in lab.tests if not t.automatic)
    print("wrote %s (%d files): set the assignment's autograder points to %d (%d of them "
          "hidden until the due date) and add a manual question of %d points for the "
          "written answers" % (out, len(files) + 2, automatic, hidden, written))
