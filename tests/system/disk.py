"""disk.py: the ext2 oracle for the system tests: e2fsprogs read what the
kernel wrote.

    e2fsck_clean(image)          e2fsck -fn: the file system is sound (asserts, with the report)
    debugfs_dump(image, path)    the bytes of one file, as debugfs reads it
    debugfs_ls(image, path)      the names in a directory
"""
import subprocess
import tempfile
from pathlib import Path

E2FSCK = "/usr/sbin/e2fsck"
DEBUGFS = "/usr/sbin/debugfs"


def e2fsck(image, *options):
    """Run e2fsck with options on image; returns (exit status, output)."""
    done = subprocess.run([E2FSCK, *options, str(image)], capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def e2fsck_clean(image):
    """Assert that `e2fsck -fn` finds nothing wrong (exit status 0)."""
    status, report = e2fsck(image, "-fn")
    assert status == 0, "e2fsck -fn %s: status %d\n%s" % (image, status, report)
    return report


def debugfs(image, request):
    done = subprocess.run([DEBUGFS, "-R", request, str(image)], capture_output=True)
    return done.returncode, done.stdout, done.stderr.decode(errors="replace")


def debugfs_dump(image, path):
    """The contents of `path` in the image, as debugfs dumps it."""
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "dumped"
        status, _, errors = debugfs(image, "dump %s %s" % (path, out))
        if status != 0 or not out.exists() or "File not found" in errors:
            raise FileNotFoundError("debugfs cannot dump %s from %s: %s" % (path, image, errors))
        return out.read_bytes()


def debugfs_ls(image, path):
    """The names in directory `path` of the image."""
    status, out, errors = debugfs(image, "ls -p %s" % path)
    names = []
    for line in out.decode(errors="replace").splitlines():
        fields = line.strip("/").split("/")
        if len(fields) >= 5 and fields[4] not in (".", ".."):
            names.append(fields[4])
    return names
