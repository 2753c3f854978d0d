"""tree.py: source trees as {path: File}, read from git or disk, written back.

A tree is a plain dict from a relative path ("src/main.c") to a File (its
bytes and whether it is executable). Handouts, pristine grading copies and
mutation copies are all built this way, so nothing depends on where a file
lives in the kernel's folders.
"""
import io
import os
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class File:
    data: bytes
    executable: bool = False

    @property
    def text(self):
        return self.data.decode("utf-8", errors="replace")


def git(root, *args, check=True, **kwargs):
    return subprocess.run(["git", "-C", str(root), *args], check=check, capture_output=True,
                          **kwargs)


def tracked_files(root):
    """The files git tracks in the working tree at `root`, as they are on disk now.

    Only tracked files: an untracked file (a scratch note, a build product)
    never reaches a handout by accident.
    """
    listing = git(root, "ls-files", "-z", "--stage").stdout.decode()
    files = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode = meta.split()[0]
        if mode == "160000":  # a submodule: not part of the kernel
            continue
        full = Path(root) / path
        if not full.is_file():  # deleted in the working tree
            continue
        files[path] = File(full.read_bytes(), os.access(full, os.X_OK))
    return files


def commit_files(root, commit):
    """The files of one commit, read with git archive."""
    archive = git(root, "archive", "--format=tar", commit).stdout
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                data = tar.extractfile(member).read()
                files[member.name] = File(data, bool(member.mode & 0o111))
    return files


def root_commit(root):
    """The first commit of the repository at `root` (a handout has exactly one of its own)."""
    result = git(root, "rev-list", "--max-parents=0", "HEAD", check=False)
    if result.returncode != 0:
        raise SystemExit("%s is not a git repository with a commit: the grader takes the "
                         "pristine handout from its first commit" % root)
    commits = result.stdout.decode().split()
    if len(commits) != 1:
        raise SystemExit("%s has %d root commits; expected the handout's one"
                         % (root, len(commits)))
    return commits[0]


def directory_files(root, skip=("build", ".git")):
    """Every file under `root` (for an autograder's source, which is not a repository)."""
    root = Path(root)
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        relative_dir = Path(dirpath).relative_to(root)
        if relative_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            full = Path(dirpath) / name
            files[str(relative_dir / name) if str(relative_dir) != "." else name] = File(
                full.read_bytes(), os.access(full, os.X_OK))
    return files


def write_tree(files, destination):
    """Write a tree into an empty (or new) directory."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for path, file in sorted(files.items()):
        target = destination / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
        if file.executable:
            target.chmod(0o755)


def sync_tree(files, destination, keep=("build",)):
    """Make `destination` hold exactly `files`, outside the directories in `keep`.

    Files whose bytes already match are left alone, so make's timestamps stay
    valid and only what changed is rebuilt; a file that is rewritten gets the
    current time, newer than any object built from its old content.
    """
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for path, file in files.items():
        target = destination / path
        if target.is_file() and target.read_bytes() == file.data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        target.write_bytes(file.data)
        os.utime(target, (now, now))
        target.chmod(0o755 if file.executable else 0o644)
    for dirpath, dirnames, filenames in os.walk(destination, topdown=True):
        relative_dir = Path(dirpath).relative_to(destination)
        if relative_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in keep]
        for name in filenames:
            relative = str(relative_dir / name) if str(relative_dir) != "." else name
            if relative not in files:
                (Path(dirpath) / name).unlink()
