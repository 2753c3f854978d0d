#!/usr/bin/python3
"""fs_gen_tree.py: build a directory tree for the ext2 host tests, describe it
in a manifest, and turn it into an image with the real mke2fs -d.

The tree holds files of every size around the block map's boundaries for the
chosen block size (the last direct block, the first and last single-, double-
and triple-indirect ones), sparse files, deep directories, 255-byte names,
one directory with thousands of entries, fast and slow symlinks, symlink
loops, and hard links. Every timestamp and mode is fixed, so the manifest
states exact values the test can check.

Manifest, one line per name (paths have no spaces):
    f MODE NLINK SIZE MTIME CRC32 PATH      a regular file (CRC32 of all of it, or -)
    x OFFSET LENGTH CRC32                   a data range of the file above (big sparse files)
    d MODE NLINK - MTIME - PATH             a directory
    l MODE 1 SIZE MTIME - PATH TARGET       a symbolic link
A file whose CRC32 is "-" is described by its x lines instead: the bytes
outside them are zeros.

Usage: fs_gen_tree.py PROFILE OUTDIR      (PROFILE: b1k, b2k, b4k, small)
writes OUTDIR/PROFILE.tree/, OUTDIR/PROFILE.manifest and OUTDIR/PROFILE.img
"""
import os
import random
import shutil
import subprocess
import sys
import zlib

MTIME = 1600000000  # every file's mtime is MTIME + its index in the manifest
BIG_FILE = 8 << 20  # files larger than this are described by ranges, not a whole CRC

PROFILES = {
    # block size, image size in KiB, inode count, entries in /many, extra mke2fs options
    "b1k": dict(block=1024, size_kib=24 * 1024, inodes=4096, many=3000, opts=[]),
    "b2k": dict(block=2048, size_kib=24 * 1024, inodes=1024, many=300, opts=[]),
    "b4k": dict(block=4096, size_kib=40 * 1024, inodes=2048, many=1000, opts=[]),
    # a small image for the full-disk test and the corruption images
    "small": dict(block=1024, size_kib=2048, inodes=256, many=40, opts=[]),
}


def content(path, length):
    """Deterministic, incompressible bytes: no block of them is all zeros."""
    return random.Random(path).randbytes(length)


class Tree:
    def __init__(self, root):
        self.root = root
        self.lines = []
        self.files = {}  # path -> manifest line index, for hard links

    def stamp(self, rel, mode):
        full = os.path.join(self.root, rel)
        os.chmod(full, mode) if not os.path.islink(full) else None
        t = MTIME + len(self.lines)
        os.utime(full, (t, t), follow_symlinks=False)
        return t

    def file(self, rel, size, mode=0o644):
        full = os.path.join(self.root, rel)
        with open(full, "wb") as f:
            f.write(content(rel, size))
        t = self.stamp(rel, mode)
        self.lines.append(["f", "%04o" % mode, 1, size, t, "%08x" % zlib.crc32(content(rel, size)),
                           "/" + rel])

    def sparse(self, rel, size, ranges, mode=0o644):
        """A file of `size` bytes with data only in `ranges` [(offset, length)]."""
        full = os.path.join(self.root, rel)
        with open(full, "wb") as f:
            f.truncate(size)
            for offset, length in ranges:
                f.seek(offset)
                f.write(content(rel + str(offset), length))
        t = self.stamp(rel, mode)
        if size <= BIG_FILE:
            data = bytearray(size)
            for offset, length in ranges:
                data[offset:offset + length] = content(rel + str(offset), length)
            self.lines.append(["f", "%04o" % mode, 1, size, t, "%08x" % zlib.crc32(bytes(data)),
                               "/" + rel])
            return
        self.lines.append(["f", "%04o" % mode, 1, size, t, "-", "/" + rel])
        for offset, length in ranges:
            self.lines.append(["x", offset, length,
                               "%08x" % zlib.crc32(content(rel + str(offset), length))])

    def dir(self, rel, mode=0o755):
        os.makedirs(os.path.join(self.root, rel), exist_ok=True)
        self.lines.append(["d", "%04o" % mode, 0, "-", 0, "-", "/" + rel])
        return len(self.lines) - 1

    def symlink(self, rel, target):
        os.symlink(target, os.path.join(self.root, rel))
        t = self.stamp(rel, 0o777)
        self.lines.append(["l", "0777", 1, len(target.encode()), t, "-", "/" + rel, target])

    def hardlink(self, existing, rel):
        """A second name; link counts are read back from the tree in finish()."""
        os.link(os.path.join(self.root, existing), os.path.join(self.root, rel))
        for line in self.lines:
            if line[0] == "f" and line[6] == "/" + existing:
                copy = list(line)
                copy[6] = "/" + rel
                self.lines.append(copy)
                break

    def finish(self):
        """Link counts, and directory times, set last: adding names changes them."""
        for line in self.lines:
            if line[0] == "f":
                line[2] = os.lstat(os.path.join(self.root, line[6].lstrip("/"))).st_nlink
        for line in self.lines:
            if line[0] != "d":
                continue
            full = os.path.join(self.root, line[6].lstrip("/"))
            subdirs = sum(1 for e in os.scandir(full) if e.is_dir(follow_symlinks=False))
            line[2] = 2 + subdirs
        for line in reversed(self.lines):
            if line[0] == "d":
                mode = int(line[1], 8)
                os.chmod(os.path.join(self.root, line[6].lstrip("/")), mode)
                t = MTIME + self.lines.index(line)
                os.utime(os.path.join(self.root, line[6].lstrip("/")), (t, t))
                line[4] = t

    def write_manifest(self, path):
        with open(path, "w") as f:
            for line in self.lines:
                f.write(" ".join(str(x) for x in line) + "\n")


def build(profile, outdir):
    p = PROFILES[profile]
    block = p["block"]
    apb = block // 4
    tree_dir = os.path.join(outdir, profile + ".tree")
    shutil.rmtree(tree_dir, ignore_errors=True)
    os.makedirs(tree_dir)
    t = Tree(tree_dir)

    t.dir("sizes")
    small = [0, 1, 59, 60, 511, 512, 513, block - 1, block, block + 1, 2 * block]
    for size in small:
        t.file("sizes/small_%d" % size, size)
    direct_end = 12 * block
    single_end = (12 + apb) * block
    double_child = (12 + apb + apb) * block
    double_end = (12 + apb + apb * apb) * block
    dense_limit = 6 << 20 if profile != "small" else 300 << 10
    for edge, name in [(direct_end, "direct"), (single_end, "single"), (double_child, "dchild")]:
        for delta in (-1, 0, 1):
            size = edge + delta
            if size <= dense_limit:
                t.file("sizes/%s_%+d" % (name, delta), size)
            else:  # too big to store whole: data in the first block and around the edge
                t.sparse("sizes/%s_%+d" % (name, delta), size,
                         [(0, block), (edge - 2 * block, min(3 * block, size - (edge - 2 * block)))])
    if profile != "small":
        # around the double/triple edge, and well into the triple-indirect range: sparse
        for delta in (-1, 0, 1):
            size = double_end + delta
            start = double_end - 2 * block
            t.sparse("sizes/triple_%+d" % delta, size,
                     [(0, 100), (start, size - start)])
        deep_triple = double_end + (apb * apb + apb + 3) * block
        t.sparse("sizes/triple_deep", deep_triple + 7,
                 [(double_end, block), (deep_triple - block, block + 7)])

    t.dir("sparse")
    t.sparse("sparse/hole_first", 5 * block + 10, [(4 * block, block + 10)])
    t.sparse("sparse/hole_last", 9 * block, [(0, block)])
    t.sparse("sparse/hole_middle", 20 * block, [(0, 100), (19 * block, block)])
    t.sparse("sparse/all_hole", 3 * block, [])

    t.dir("deep")
    path = "deep"
    for i in range(30 if profile != "small" else 8):
        path += "/d%d" % i
        t.dir(path)
    t.file(path + "/bottom", 777)

    t.dir("names")
    t.file("names/" + "n" * 255, 255)
    t.dir("names/" + "D" * 255)
    t.file("names/" + "D" * 255 + "/inside", 3)
    t.file("names/with.dots..and-dashes_", 10)
    t.file("names/victim", 5)  # scripts/fs_corrupt.py damages this entry
    t.file("names/zz_after", 6)

    t.dir("many")
    for i in range(p["many"]):
        t.file("many/entry_%05d" % i, i % 7)

    t.dir("links")
    t.file("links/target", 1000)
    t.symlink("links/fast", "target")
    t.symlink("links/fast59", "t" * 59)
    t.symlink("links/slow60", "s" * 60)
    t.symlink("links/slow_long", "/" + "/".join(["x" * 50] * 10))
    t.symlink("links/to_dir", "../deep")
    t.symlink("links/absolute", "/links/target")
    t.symlink("links/dangling", "no_such_file")
    t.symlink("links/chain1", "chain2")
    t.symlink("links/chain2", "target")
    t.symlink("links/loop_a", "loop_b")
    t.symlink("links/loop_b", "loop_a")
    t.symlink("links/self", "self")
    t.file("links/hard_a", 4321)
    t.dir("links/other")
    t.hardlink("links/hard_a", "links/hard_b")
    t.hardlink("links/hard_a", "links/other/hard_c")

    t.dir("modes")
    for mode in (0o600, 0o640, 0o755, 0o700, 0o4755, 0o1777 & 0o777):
        t.file("modes/m%04o" % mode, 17, mode)

    t.finish()
    t.write_manifest(os.path.join(outdir, profile + ".manifest"))

    image = os.path.join(outdir, profile + ".img")
    with open(image, "wb") as f:  # mke2fs would announce the file it creates
        f.truncate(0)
    subprocess.run(["/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block),
                    "-N", str(p["inodes"]), "-E", "root_owner=0:0", "-d", tree_dir] + p["opts"] +
                   [image, "%dk" % p["size_kib"]], check=True,
                   env=dict(os.environ, MKE2FS_DEVICE_SECTSIZE="512", E2FSPROGS_FAKE_TIME=str(MTIME)))
    # The oracle must agree the image is sound before anything is tested on it.
    subprocess.run(["/usr/sbin/e2fsck", "-fn", image], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in PROFILES:
        sys.exit("usage: fs_gen_tree.py {%s} OUTDIR" % ",".join(PROFILES))
    os.makedirs(sys.argv[2], exist_ok=True)
    build(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
