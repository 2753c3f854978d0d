"""regions.py: the lab region marks in the source, and their stubs.

A region is the part of the reference kernel that a lab's students write.
It is marked by one comment line before it and one after it:

    /* LAB 1 BEGIN: format_write_integer */       C, headers, assembly (.S), kernel.ld
    ...the reference code...
    /* LAB 1 END: format_write_integer */

    # LAB 1 BEGIN: some_id      (and "# LAB 1 END: some_id") in Python, make, shell

A mark is alone on its line (indentation allowed). The id is lowercase
letters, digits and '_', unique in the whole tree, and a region is found by
its id wherever its file lives, so files can move without a lab file
changing. A region's stub, the code the handout carries instead, is the file
labs/labN/stubs/ID.* (any extension); it replaces the body between the marks.
"""
import re
from dataclasses import dataclass

C_LIKE = (".c", ".h", ".S", ".ld")
HASH_LIKE = (".py", ".mk", ".sh")
HASH_NAMES = ("Makefile",)

C_MARK = re.compile(r"^\s*/\* LAB (\d+) (BEGIN|END): ([a-z0-9_]+) \*/\s*$")
HASH_MARK = re.compile(r"^\s*# LAB (\d+) (BEGIN|END): ([a-z0-9_]+)\s*$")
# In C-like files, a comment that looks like a mark but is not one is an error,
# so a typo fails loudly instead of leaving a region unmarked.
LOOSE_MARK = re.compile(r"LAB\s+\d+\s+(BEGIN|END)\b")


class RegionError(Exception):
    """A mark is malformed, unmatched, nested or duplicated, or a region is missing."""


@dataclass
class Region:
    lab: int
    id: str
    path: str
    begin: int  # index of the BEGIN line in the file's lines
    end: int    # index of the END line

    def body(self, lines):
        return lines[self.begin + 1:self.end]


def mark_syntax(path):
    """The mark pattern for a file, or None when marks are not looked for in it."""
    name = path.rsplit("/", 1)[-1]
    if path.endswith(C_LIKE):
        return C_MARK
    if path.endswith(HASH_LIKE) or name in HASH_NAMES:
        return HASH_MARK
    return None


def scan_text(path, text):
    """The regions in one file's text, in order. Raises RegionError on bad marks."""
    pattern = mark_syntax(path)
    if pattern is None:
        return []
    regions = []
    open_region = None
    for index, line in enumerate(text.splitlines()):
        match = pattern.match(line)
        if match is None:
            if pattern is C_MARK and LOOSE_MARK.search(line) and "/*" in line:
                raise RegionError("%s:%d: looks like a lab mark but is not one: %r"
                                  % (path, index + 1, line.strip()))
            continue
        lab, kind, region_id = int(match.group(1)), match.group(2), match.group(3)
        if kind == "BEGIN":
            if open_region is not None:
                raise RegionError("%s:%d: region %s begins inside region %s"
                                  % (path, index + 1, region_id, open_region.id))
            open_region = Region(lab, region_id, path, index, -1)
        else:
            if open_region is None or open_region.id != region_id or open_region.lab != lab:
                raise RegionError("%s:%d: END of lab %d region %s does not close an open region"
                                  % (path, index + 1, lab, region_id))
            open_region.end = index
            regions.append(open_region)
            open_region = None
    if open_region is not None:
        raise RegionError("%s:%d: region %s never ends" % (path, open_region.begin + 1,
                                                           open_region.id))
    return regions


def scan_tree(files):
    """All regions in a tree, {id: Region}. `files` maps path -> tree.File (or bytes)."""
    found = {}
    for path in sorted(files):
        if mark_syntax(path) is None:
            continue
        data = files[path]
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data.text
        for region in scan_text(path, text):
            if region.id in found:
                other = found[region.id]
                raise RegionError("region id %s is used twice: %s:%d and %s:%d"
                                  % (region.id, other.path, other.begin + 1, path,
                                     region.begin + 1))
            found[region.id] = region
    return found


def lab_regions(all_regions, lab, ids):
    """The regions a lab file names, checked against the marks' lab numbers."""
    chosen = []
    for region_id in ids:
        region = all_regions.get(region_id)
        if region is None:
            raise RegionError("lab %d names region %s, but no file has its marks" % (lab, region_id))
        if region.lab != lab:
            raise RegionError("region %s is marked LAB %d, but lab %d names it"
                              % (region_id, region.lab, lab))
        chosen.append(region)
    marked = sorted(r.id for r in all_regions.values() if r.lab == lab)
    missing = sorted(set(marked) - set(ids))
    if missing:
        raise RegionError("regions marked LAB %d but not in its lab file: %s"
                          % (lab, ", ".join(missing)))
    return chosen


def transform(text, path, keep_lab, stubs):
    """The text a handout holds for one file.

    Regions of lab `keep_lab` keep their marks and get their stub as the body;
    every other lab's marks are removed and its reference body stays, so a
    student sees plain code there. `stubs` maps region id -> stub text.
    """
    regions = scan_text(path, text)
    if not regions:
        return text
    lines = text.splitlines(keepends=True)
    out = []
    position = 0
    for region in regions:
        out.extend(lines[position:region.begin])
        if region.lab == keep_lab:
            stub = stubs[region.id]
            if stub and not stub.endswith("\n"):
                stub += "\n"
            out.append(lines[region.begin])
            out.append(stub)
            out.append(lines[region.end])
        else:
            out.extend(lines[region.begin + 1:region.end])
        position = region.end + 1
    out.extend(lines[position:])
    return "".join(out)


def strip_all_marks(text, path):
    """The text with every lab's mark lines removed and all reference bodies kept."""
    return transform(text, path, keep_lab=None, stubs={})
