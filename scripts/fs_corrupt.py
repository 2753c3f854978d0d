#!/usr/bin/python3
"""fs_corrupt.py: damage copies of an ext2 image in named ways, for the tests
that check a corrupted disk never crashes or hangs the kernel's ext2 code.

Usage:
    fs_corrupt.py --list                    the corruptions and what each does
    fs_corrupt.py SOURCE.img OUTDIR [NAME ...]
        writes OUTDIR/NAME.img for each NAME (all of them if none is given)

The image is parsed here (superblock, group descriptors, inodes, directories),
so each corruption hits exactly the field it names. The paths refer to the
tree scripts/fs_gen_tree.py makes ("small" profile and up).
"""
import os
import shutil
import struct
import subprocess
import sys


class Ext2:
    """Just enough of ext2 to find a field and change it in place."""

    def __init__(self, path):
        self.f = open(path, "r+b")
        self.sb_offset = 1024
        self.sb = bytearray(self.read(1024, 1024))
        (self.inodes_count, self.blocks_count) = struct.unpack_from("<II", self.sb, 0)
        self.first_data_block = struct.unpack_from("<I", self.sb, 20)[0]
        self.block_size = 1024 << struct.unpack_from("<I", self.sb, 24)[0]
        self.blocks_per_group = struct.unpack_from("<I", self.sb, 32)[0]
        self.inodes_per_group = struct.unpack_from("<I", self.sb, 40)[0]
        self.inode_size = struct.unpack_from("<H", self.sb, 88)[0]
        self.groups = -(-(self.blocks_count - self.first_data_block) // self.blocks_per_group)
        self.gdt = (self.first_data_block + 1) * self.block_size

    def read(self, offset, length):
        self.f.seek(offset)
        return self.f.read(length)

    def write(self, offset, data):
        self.f.seek(offset)
        self.f.write(data)

    def put(self, offset, fmt, value):
        self.write(offset, struct.pack("<" + fmt, value))

    def get(self, offset, fmt):
        return struct.unpack("<" + fmt, self.read(offset, struct.calcsize(fmt)))[0]

    # -- superblock and group descriptors
    def sb_put(self, field_offset, fmt, value):
        self.put(self.sb_offset + field_offset, fmt, value)

    def gd_offset(self, group):
        return self.gdt + 32 * group

    def gd(self, group):
        return struct.unpack_from("<IIIHHH", self.read(self.gd_offset(group), 32))

    # -- inodes
    def inode_offset(self, ino):
        group, index = divmod(ino - 1, self.inodes_per_group)
        table = self.gd(group)[2]
        return table * self.block_size + index * self.inode_size

    def i_block(self, ino, n):
        return self.get(self.inode_offset(ino) + 40 + 4 * n, "I")

    def block_entry_offset(self, block, index):
        return block * self.block_size + 4 * index

    # -- directories (direct blocks suffice for the small directories corrupted here)
    def dir_entries(self, ino):
        size = self.get(self.inode_offset(ino) + 4, "I")
        for lblock in range(size // self.block_size):
            block = self.i_block(ino, lblock)
            base = block * self.block_size
            data = self.read(base, self.block_size)
            offset = 0
            while offset < self.block_size:
                inode, rec_len, name_len, ftype = struct.unpack_from("<IHBB", data, offset)
                name = data[offset + 8:offset + 8 + name_len].decode()
                yield base + offset, inode, rec_len, name_len, name
                if rec_len == 0:
                    break
                offset += rec_len

    def lookup(self, path):
        ino = 2
        for part in [p for p in path.split("/") if p]:
            for _, entry_ino, _, _, name in self.dir_entries(ino):
                if entry_ino and name == part:
                    ino = entry_ino
                    break
            else:
                raise KeyError(path)
        return ino

    def entry(self, dir_path, name):
        """Byte offset of the entry `name` in directory `dir_path`, and the next one's."""
        entries = list(self.dir_entries(self.lookup(dir_path)))
        for i, (offset, ino, rec_len, name_len, entry_name) in enumerate(entries):
            if ino and entry_name == name:
                return offset, rec_len
        raise KeyError(dir_path + "/" + name)

    def bitmap_bit(self, bitmap_block, bit, value):
        offset = bitmap_block * self.block_size + bit // 8
        byte = self.read(offset, 1)[0]
        byte = byte | (1 << (bit % 8)) if value else byte & ~(1 << (bit % 8))
        self.write(offset, bytes([byte]))

    def add_free(self, group, blocks=0, inodes=0):
        """Keep the counts in step with a bitmap change, so only the bitmap lies."""
        gd = self.gd_offset(group)
        self.put(gd + 12, "H", self.get(gd + 12, "H") + blocks)
        self.put(gd + 14, "H", self.get(gd + 14, "H") + inodes)
        self.sb_put(12, "I", self.get(self.sb_offset + 12, "I") + blocks)
        self.sb_put(16, "I", self.get(self.sb_offset + 16, "I") + inodes)

    def close(self):
        self.f.close()


def debugfs_write(image, request):
    subprocess.run(["/usr/sbin/debugfs", "-w", "-R", request, image], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# Each corruption: (description, function(fs, image_path)).
def sb(field_offset, fmt, value):
    return lambda fs, image: fs.sb_put(field_offset, fmt, value(fs) if callable(value) else value)


def gd(field_offset, fmt, value):
    return lambda fs, image: fs.put(fs.gd_offset(0) + field_offset, fmt, value(fs))


def inode_field(path, field_offset, fmt, value):
    def apply(fs, image):
        ino = fs.lookup(path)
        fs.put(fs.inode_offset(ino) + field_offset, fmt, value(fs, ino) if callable(value) else value)
    return apply


def indirect_entry(path, slot, index, value):
    """Entry `index` of the indirect block in i_block[slot] of `path`."""
    def apply(fs, image):
        ino = fs.lookup(path)
        block = fs.i_block(ino, slot)
        fs.put(fs.block_entry_offset(block, index), "I", value(fs, block))
    return apply


def dirent_field(dir_path, name, field_offset, fmt, value):
    def apply(fs, image):
        offset, rec_len = fs.entry(dir_path, name)
        fs.put(offset + field_offset, fmt, value(fs, rec_len) if callable(value) else value)
    return apply


def dir_loop(fs, image):
    fs.close()
    debugfs_write(image, "ln /deep /deep/d0/d1/loop")


def dotdot_loop(fs, image):
    """/deep/d0's ".." names its own child, /deep/d0/d1: climbing ".." never reaches the root."""
    child = fs.lookup("/deep/d0/d1")
    offset, _ = fs.entry("/deep/d0", "..")
    fs.put(offset, "I", child)


def indirect_to_bitmap(fs, image):
    """A single-indirect pointer naming the block bitmap, whose padding (past the last block)
    holds a live data block's number: freeing through it must not reach the bitmap twice."""
    ino = fs.lookup("/sizes/single_+1")
    bitmap = fs.gd(0)[0]
    fs.put(fs.inode_offset(ino) + 40 + 4 * 12, "I", bitmap)
    padding_word = (fs.blocks_per_group // 32) - 1  # the last word: past the image's blocks
    fs.put(fs.block_entry_offset(bitmap, padding_word), "I", fs.i_block(ino, 0))


def symlink_loop(fs, image):
    """/links/chain2 (a fast symlink to "target") now points back at chain1: a two-link loop."""
    ino = fs.lookup("/links/chain2")
    fs.write(fs.inode_offset(ino) + 40, b"chain1")


def bitmap_marks_metadata_free(fs, image):
    bitmap = fs.gd(0)[0]
    fs.bitmap_bit(bitmap, bitmap - fs.first_data_block, 0)
    fs.add_free(0, blocks=1)


def inode_bitmap_marks_used_free(fs, image):
    ino = fs.lookup("/sizes/small_0")
    fs.bitmap_bit(fs.gd(0)[1], ino - 1, 0)
    fs.add_free(0, inodes=1)


CORRUPTIONS = {
    # refused at mount
    "sb_magic": ("superblock magic 0x1234", sb(56, "H", 0x1234)),
    "sb_revision": ("revision 0 (good old)", sb(76, "I", 0)),
    "sb_block_size": ("block size 1024 << 10", sb(24, "I", 10)),
    "sb_blocks_count": ("more blocks than the device", sb(4, "I", 0x7FFFFFFF)),
    "sb_inodes_count": ("inode count not groups * per group", sb(0, "I", lambda fs: fs.inodes_count + 8)),
    "sb_inodes_per_group": ("0 inodes per group", sb(40, "I", 0)),
    "sb_first_data_block": ("first data block 0 with 1 KiB blocks", sb(20, "I", 0)),
    "sb_inode_size": ("inode size 100", sb(88, "H", 100)),
    "sb_free_blocks": ("more free blocks than blocks", sb(12, "I", lambda fs: fs.blocks_count + 1)),
    "gd_block_bitmap": ("group 0's block bitmap past the end", gd(0, "I", lambda fs: fs.blocks_count + 100)),
    "gd_inode_bitmap": ("group 0's inode bitmap at block 0", gd(4, "I", lambda fs: 0)),
    "gd_inode_table": ("group 0's inode table running off the group", gd(8, "I", lambda fs: fs.blocks_count - 2)),
    "gd_free_count": ("group 0 with 60000 free blocks", gd(12, "H", lambda fs: 60000)),
    # mounted, then errors where the damage is
    "inode_block_range": ("a direct block pointer past the end",
                          inode_field("/sizes/direct_+1", 40 + 4 * 3, "I", 0xFFFFFF00)),
    "inode_indirect_self": ("a single-indirect block whose first entry is itself",
                            indirect_entry("/sizes/single_+1", 12, 0, lambda fs, block: block)),
    "indirect_range": ("a single-indirect entry past the end",
                       indirect_entry("/sizes/single_+1", 12, 5, lambda fs, block: fs.blocks_count + 7)),
    "indirect_to_gdt": ("a single-indirect pointer naming the group descriptor block",
                        inode_field("/sizes/single_+1", 40 + 4 * 12, "I",
                                    lambda fs, ino: fs.first_data_block + 1)),
    "indirect_to_bitmap": ("a single-indirect pointer naming the block bitmap", indirect_to_bitmap),
    "dind_self": ("a double-indirect block whose first entry is itself",
                  indirect_entry("/sizes/dchild_+1", 13, 0, lambda fs, block: block)),
    "inode_mode": ("a file whose mode has no valid type", inode_field("/sizes/small_60", 0, "H", 0xF1A4)),
    "inode_links_zero": ("a named file with no links", inode_field("/sizes/small_59", 26, "H", 0)),
    "inode_acl_range": ("an attribute block past the end",
                        inode_field("/sizes/small_511", 104, "I", 0x7FFFFFF0)),
    "dir_size": ("a directory whose size is not whole blocks", inode_field("/deep", 4, "I", 1000)),
    "dir_hole": ("a directory block pointer of 0 inside its size", inode_field("/deep/d0", 40, "I", 0)),
    "dirent_rec_len_zero": ("a record length of 0", dirent_field("/names", "victim", 4, "H", 0)),
    "dirent_rec_len_past_block": ("a record running past its block",
                                  dirent_field("/names", "victim", 4, "H", 4096)),
    "dirent_rec_len_unaligned": ("a record length of 13", dirent_field("/names", "victim", 4, "H", 13)),
    "dirent_name_len": ("a name longer than its record", dirent_field("/names", "victim", 6, "B", 250)),
    "dirent_inode_range": ("an entry naming an inode past the end",
                           dirent_field("/names", "victim", 0, "I", 0x00FFFFFF)),
    "dirent_inode_reserved": ("an entry naming reserved inode 7", dirent_field("/names", "victim", 0, "I", 7)),
    "symlink_size": ("a fast symlink claiming 200 bytes", inode_field("/links/fast", 4, "I", 200)),
    "symlink_loop": ("/links/chain2 rewritten to point back at chain1", symlink_loop),
    "dir_loop": ("a directory entry naming an ancestor: /deep/d0/d1/loop -> /deep", dir_loop),
    "dotdot_loop": ("/deep/d0/.. names /deep/d0/d1", dotdot_loop),
    "bitmap_metadata_free": ("the block bitmap says its own block is free", bitmap_marks_metadata_free),
    "inode_bitmap_used_free": ("the inode bitmap says a file's inode is free", inode_bitmap_marks_used_free),
}


def corrupt(source, outdir, name):
    out = os.path.join(outdir, name + ".img")
    shutil.copyfile(source, out)
    fs = Ext2(out)
    try:
        CORRUPTIONS[name][1](fs, out)
    finally:
        if not fs.f.closed:
            fs.close()


def main():
    if sys.argv[1:] == ["--list"]:
        for name, (description, _) in CORRUPTIONS.items():
            print("%-28s %s" % (name, description))
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    source, outdir, names = sys.argv[1], sys.argv[2], sys.argv[3:] or list(CORRUPTIONS)
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        if name not in CORRUPTIONS:
            sys.exit("fs_corrupt.py: no corruption named %s (see --list)" % name)
        corrupt(source, outdir, name)


if __name__ == "__main__":
    main()
