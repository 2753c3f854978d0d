"""handout.py: cut a lab's handout from the course tree, and check it for leaks.

A handout is the whole reference kernel with the lab's regions replaced by
their stubs. Other labs' marks are removed (their reference code stays: each
lab starts from a working kernel). The lab's guide becomes README.md, the
kernel's README becomes KERNEL.md, and the lab file is rewritten without its
hidden tests. Nothing under labs/ (stubs, wrong solutions, hidden tests, the
mutation catalogue), docs/labs/ or .ci/ is copied.
"""
import os
import posixpath
import re
import subprocess
import textwrap
from pathlib import Path

from labs import labfile, regions, tree

EXCLUDED_PREFIXES = ("labs/", "docs/labs/", ".ci/")
HANDOUT_GITIGNORE = "\n# make handin writes this\n/handin-lab*.zip\n"
LINK = re.compile(r"(\]\()([^)\s]+)(\))")
SIGNIFICANT_CHARACTERS = 12


class HandoutError(Exception):
    pass


def stubs_for(lab, sources):
    """{region id: stub text} from labs/labN/stubs/ID.*"""
    directory = "labs/lab%d/stubs/" % lab.number
    stubs = {}
    for region_id in lab.regions:
        candidates = [p for p in sources if p.startswith(directory)
                      and p[len(directory):].split(".", 1)[0] == region_id
                      and "/" not in p[len(directory):]]
        if len(candidates) != 1:
            raise HandoutError("lab %d: region %s needs exactly one stub %s%s.* (found %d)"
                               % (lab.number, region_id, directory, region_id, len(candidates)))
        stubs[region_id] = sources[candidates[0]].text
    return stubs


def move_markdown(text, old_path, new_path, present, renames=None):
    """Rewrite a markdown file's relative links for its new place; every target must exist.

    `renames` maps a course-tree path to its path in the handout (README.md
    becomes KERNEL.md there, because the guide takes README.md's place).
    """
    renames = renames or {}
    old_dir = posixpath.dirname(old_path)
    new_dir = posixpath.dirname(new_path)

    def rewrite(match):
        target = match.group(2)
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(old_dir, path))
        resolved = renames.get(resolved, resolved)
        if resolved not in present and not any(p.startswith(resolved + "/") for p in present):
            raise HandoutError("%s links to %s, which the handout does not hold"
                               % (old_path, resolved))
        relative = posixpath.relpath(resolved, new_dir or ".")
        return match.group(1) + relative + ("#" + anchor if anchor else "") + match.group(3)

    return LINK.sub(rewrite, text)


def written_questions(lab, guide_text):
    """The numbered questions under the guide's '## Written questions' heading."""
    match = re.search(r"^## Written questions\s*\n(.*?)(?=^## |\Z)", guide_text, re.M | re.S)
    if match is None:
        raise HandoutError("%s has a written part, so its guide needs a '## Written questions' "
                           "section" % lab.path)
    questions = []
    for line in match.group(1).splitlines():
        start = re.match(r"^(\d+)\.\s+(.*)$", line)
        if start:
            questions.append([start.group(1), start.group(2)])
        elif questions and line.startswith((" ", "\t")) and line.strip():
            questions[-1][1] += " " + line.strip()
        elif questions and questions[-1][1] is not None and not line.strip():
            continue
        elif questions:
            break  # the list has ended
    if not questions:
        raise HandoutError("%s: the guide's written questions are not a numbered list" % lab.guide)
    return questions


def answers_template(lab, guide_text, test):
    """answers-labN.txt: the guide's written questions, each followed by room for the answer."""
    lines = ["# Lab %d: written answers (%d points, graded by hand)." % (lab.number, test.points),
             "# Lines starting with '#' or '>' are ignored. Hand in with `make handin`.", ""]
    for number, question in written_questions(lab, guide_text):
        wrapped = textwrap.wrap("%s. %s" % (number, " ".join(question.split())), 74)
        lines.extend("> " + text_line for text_line in wrapped)
        lines.extend(["", "", ""])
    return "\n".join(lines)


def _when(value):
    return str(value).replace("T", " ")[:16]


def tests_table(lab):
    """The {{tests}} part of a guide: the visible tests and their points, from the lab file."""
    kinds = {"ktest": "in-kernel cases", "host": "host test", "pytest": "system test"}
    lines = ["## What the tests check", "",
             "| test | group | points | runs |", "| --- | --- | ---: | --- |"]
    for test in lab.visible_tests():
        if not test.automatic:
            continue
        runs = "%s `%s`" % (kinds[test.kind], test.target if test.kind != "pytest"
                            else ", ".join(c.split("::")[-1] for c in test.cases))
        if test.kind == "host":
            runs += ": " + ", ".join(c.split("/", 1)[1] for c in test.cases)
        if test.description:
            runs += " (%s)" % test.description
        lines.append("| `%s` | %s | %d | %s |" % (test.name, test.group, test.points, runs))
    visible = sum(t.points for t in lab.visible_tests() if t.automatic)
    hidden = [t for t in lab.tests if t.hidden]
    written = [t for t in lab.tests if t.kind == "written"]
    lines.append("")
    lines.append("`make grade` runs the tests above: %d points." % visible)
    if hidden:
        lines.append("Hidden tests worth %d more points (%s) run only on Gradescope; their "
                     "results show after the due date."
                     % (sum(t.points for t in hidden), ", ".join(sorted({t.group for t in hidden}))))
    if written:
        lines.append("The written answers are worth %d points, graded by hand."
                     % sum(t.points for t in written))
    lines.append("Each test scores all its points or none: a case that fails, is skipped, or "
                 "does not finish in time scores 0.")
    return "\n".join(lines)


def expand_guide(text, lab, found):
    """Fill a guide's placeholders: {{tests}}, {{calendar}}, {{file:REGION}}."""
    def file_of(match):
        region = found.get(match.group(1))
        if region is None:
            raise HandoutError("%s: {{file:%s}} names no region" % (lab.guide, match.group(1)))
        return region.path

    text = re.sub(r"\{\{file:([a-z0-9_]+)\}\}", file_of, text)
    calendar = ""
    if lab.calendar:
        calendar = "**Out:** %s. **Due:** %s." % (_when(lab.calendar.get("out", "?")),
                                                _when(lab.calendar.get("due", "?")))
    text = text.replace("{{calendar}}", calendar).replace("{{tests}}", tests_table(lab))
    leftover = re.search(r"\{\{[^}]*\}\}", text)
    if leftover:
        raise HandoutError("%s: unknown placeholder %s" % (lab.guide, leftover.group(0)))
    return text


def build(root, lab, sources=None):
    """The handout's files, {path: File}."""
    sources = sources if sources is not None else tree.tracked_files(root)
    found = regions.scan_tree(sources)
    regions.lab_regions(found, lab.number, lab.regions)
    stubs = stubs_for(lab, sources)
    files = {}
    for path, file in sources.items():
        if path.startswith(EXCLUDED_PREFIXES):
            continue
        if regions.mark_syntax(path) is not None:
            text = regions.transform(file.text, path, lab.number, stubs)
            file = tree.File(text.encode(), file.executable)
        files[path] = file
    if lab.guide not in sources:
        raise HandoutError("lab %d: its guide %s is not in the tree (committed?)" % (lab.number,
                                                                                    lab.guide))
    present = set(files) | {"KERNEL.md", "README.md"} | set(lab.handin)
    if "README.md" in files:
        files["KERNEL.md"] = files.pop("README.md")
    guide = expand_guide(sources[lab.guide].text, lab, found)
    files["README.md"] = tree.File(move_markdown(guide, lab.guide, "README.md", present,
                                                 {"README.md": "KERNEL.md"}).encode())
    files["labs/lab%d.toml" % lab.number] = tree.File(labfile.handout_text(lab).encode())
    for test in lab.tests:
        if test.kind == "written" and test.target not in files:
            files[test.target] = tree.File(answers_template(lab, guide, test).encode())
    ignore = files.get(".gitignore", tree.File(b"")).text
    files[".gitignore"] = tree.File((ignore + HANDOUT_GITIGNORE).encode())
    return files


def write(files, out, lab):
    """Write the handout as a git repository with one commit."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise HandoutError("%s exists and is not empty" % out)
    tree.write_tree(files, out)
    env = dict(os.environ, GIT_AUTHOR_NAME="Course staff", GIT_AUTHOR_EMAIL="staff@course.invalid",
               GIT_COMMITTER_NAME="Course staff", GIT_COMMITTER_EMAIL="staff@course.invalid",
               GIT_AUTHOR_DATE="2000-01-01T00:00:00Z", GIT_COMMITTER_DATE="2000-01-01T00:00:00Z")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                    ["commit", "-q", "-m", "Lab %d handout: %s" % (lab.number, lab.title)]):
        subprocess.run(["git", "-C", str(out), *command], check=True, env=env)


# ---- Leak check --------------------------------------------------------------------

def normalize(line):
    return " ".join(line.split())


def significant(line):
    return len(line.replace(" ", "")) >= SIGNIFICANT_CHARACTERS


def solution_lines(lab, sources):
    """The lines of the lab's reference bodies that count as solution text.

    A line counts unless it is trivially common: under 12 characters once
    spaces are removed (`}`, `break;`, `n = 0;`), or present in the course
    tree's code outside this lab's regions (a student reads it there
    anyway), or listed in the lab file's leak_allow.
    """
    found = regions.scan_tree(sources)
    own = regions.lab_regions(found, lab.number, lab.regions)
    own_by_path = {}
    for region in own:
        own_by_path.setdefault(region.path, []).append(region)
    outside = set()
    for path, file in sources.items():
        if regions.mark_syntax(path) is None or path.startswith(EXCLUDED_PREFIXES):
            continue
        lines = file.text.splitlines()
        inside = set()
        for region in own_by_path.get(path, []):
            inside.update(range(region.begin, region.end + 1))
        outside.update(normalize(line) for index, line in enumerate(lines) if index not in inside)
    allowed = {normalize(line) for line in lab.leak_allow}
    solution = {}
    for region in own:
        body = region.body(sources[region.path].text.splitlines())
        for line in body:
            key = normalize(line)
            if significant(key) and key not in outside and key not in allowed:
                solution.setdefault(key, "%s (%s)" % (region.id, region.path))
    return solution


def leaks(lab, handout_files, sources):
    """Every problem found in a handout, as readable lines (an empty list is a clean handout)."""
    problems = []
    own_lab_file = "labs/lab%d.toml" % lab.number
    for path in handout_files:
        if path.startswith(EXCLUDED_PREFIXES) and path != own_lab_file:
            problems.append("instructors' file in the handout: %s" % path)
    solution = solution_lines(lab, sources)
    hidden_words = set()
    for test in lab.tests:
        if test.hidden:
            hidden_words.add(test.name)
            hidden_words.update(case.split(".")[0] for case in test.cases if test.kind == "ktest")
            hidden_words.update(f.source.rsplit("/", 1)[-1] for f in test.files)
    for path, file in sorted(handout_files.items()):
        text = file.text
        for number, line in enumerate(text.splitlines(), 1):
            key = normalize(line)
            if key in solution:
                problems.append("%s:%d: solution text from region %s: %s"
                                % (path, number, solution[key], key))
        for word in hidden_words:
            if re.search(r"\b%s\b" % re.escape(word), text):
                problems.append("%s: names the hidden test %r" % (path, word))
    return problems
