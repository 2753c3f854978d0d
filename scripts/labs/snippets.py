"""snippets.py: change code by exact snippet, not by line number or patch.

Used by the mutation catalogue (labs/mutations.toml) and by each lab's
known-wrong solutions (labs/labN/wrong.toml). An edit names where it applies:

    file = "src/trap/trap.S"     a path; if the file has moved, the one
                                 tracked file of the same name that holds the
                                 snippet is used, with a warning to update
    region = "format_write_integer"   or a region id: its body, wherever it is

then `find` (an exact snippet that must occur exactly once there) and
`replace`. A snippet that is missing or ambiguous is an error, never a
silent no-op: an edit that no longer applies must be fixed, not skipped.
"""
from dataclasses import dataclass

from labs import regions, tree


class SnippetError(Exception):
    pass


@dataclass
class Edit:
    name: str
    find: str
    replace: str
    file: str = ""
    region: str = ""


def edit_from(entry, where):
    name = entry.get("name", "?")
    for key in ("find", "replace"):
        if not isinstance(entry.get(key), str):
            raise SnippetError("%s: %s needs '%s' (a string)" % (where, name, key))
    if bool(entry.get("file")) == bool(entry.get("region")):
        raise SnippetError("%s: %s needs exactly one of 'file' or 'region'" % (where, name))
    if entry["find"] == entry["replace"]:
        raise SnippetError("%s: %s replaces its snippet with itself" % (where, name))
    return Edit(name=name, find=entry["find"], replace=entry["replace"],
                file=entry.get("file", ""), region=entry.get("region", ""))


def locate(edit, files):
    """(path, start, end): the character range of the text `edit.find` must be searched in."""
    if edit.region:
        found = regions.scan_tree(files)
        if edit.region not in found:
            raise SnippetError("%s: no region %s in the tree" % (edit.name, edit.region))
        region = found[edit.region]
        text = files[region.path].text
        lines = text.splitlines(keepends=True)
        start = sum(len(line) for line in lines[:region.begin + 1])
        end = sum(len(line) for line in lines[:region.end])
        return region.path, start, end, []
    warnings = []
    path = edit.file
    if path not in files:
        name = path.rsplit("/", 1)[-1]
        holders = [p for p in files if p.rsplit("/", 1)[-1] == name and edit.find in files[p].text]
        if len(holders) != 1:
            raise SnippetError("%s: %s does not exist, and %d other files named %s hold the "
                               "snippet; update the entry" % (edit.name, path, len(holders), name))
        warnings.append("%s: %s has moved to %s; update the entry" % (edit.name, path, holders[0]))
        path = holders[0]
    return path, 0, len(files[path].text), warnings


def apply(edit, files):
    """A copy of `files` with the edit made. Returns (files, path, warnings)."""
    path, start, end, warnings = locate(edit, files)
    text = files[path].text
    count = text.count(edit.find, start, end)
    if count != 1:
        where = "region %s" % edit.region if edit.region else path
        raise SnippetError("%s: the snippet occurs %d times in %s (must be exactly once):\n%s"
                           % (edit.name, count, where, edit.find))
    position = text.index(edit.find, start, end)
    changed = text[:position] + edit.replace + text[position + len(edit.find):]
    result = dict(files)
    result[path] = tree.File(changed.encode(), files[path].executable)
    return result, path, warnings
