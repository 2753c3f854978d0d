/*
 * test_ext2_read.c: mount images that the real mke2fs -d built from a known
 * tree (scripts/fs_gen_tree.py) and check every name against the manifest:
 * type, mode, links, size, mtime, contents, symlink targets, listings. Also
 * that the checker itself catches wrong expectations.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/bcache.h"
#include "fs/ext2.h"
#include "fs/path.h"
#include "fs_host_shims.h"
#include "sync/spinlock.h" /* the host shim: fs_host_locks_held */
#include "fs_test_util.h"
#include "abi/errno.h"

static void teardown(void)
{
    fs_test_remove_copies();
}

static void check_profile(const char *profile)
{
    char image[64], manifest_name[64], problem[512];
    snprintf(image, sizeof(image), "%s.img", profile);
    snprintf(manifest_name, sizeof(manifest_name), "%s.manifest", profile);
    struct fs_manifest manifest;
    fs_manifest_load(manifest_name, &manifest);
    cr_assert_gt(manifest.count, 50);
    struct fs_test_mount m;
    fs_test_mount(fs_test_image(image), true, &m);
    int mismatches = fs_test_check_tree(&m, &manifest, problem, sizeof(problem));
    cr_expect_eq(mismatches, 0, "%s: %d mismatches, first: %s", profile, mismatches, problem);
    cr_assert_eq(fs_host_locks_held, 0);
    fs_test_unmount(&m);
    fs_manifest_free(&manifest);
}

Test(ext2_read, tree_with_1k_blocks, .fini = teardown)
{
    check_profile("b1k");
}

Test(ext2_read, tree_with_2k_blocks, .fini = teardown)
{
    check_profile("b2k");
}

Test(ext2_read, tree_with_4k_blocks, .fini = teardown)
{
    check_profile("b4k");
}

/* The checker must report wrong expectations, or a passing tree proves nothing. */
Test(ext2_read, checker_catches_wrong_expectations, .fini = teardown)
{
    struct fs_manifest manifest;
    fs_manifest_load("b1k.manifest", &manifest);
    int changed = 0;
    for (size_t i = 0; i < manifest.count; i++) {
        struct fs_manifest_entry *e = &manifest.entries[i];
        if (strcmp(e->path, "/sizes/single_+1") == 0) {
            e->crc ^= 1; /* one bit of the checksum */
            changed++;
        } else if (strcmp(e->path, "/sizes/small_513") == 0) {
            e->size = 512; /* one byte of size */
            changed++;
        } else if (strcmp(e->path, "/links/slow60") == 0) {
            e->target[0] ^= 0x20; /* one letter of a symlink */
            changed++;
        }
    }
    cr_assert_eq(changed, 3);
    struct fs_test_mount m;
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
    char problem[512];
    /* The size change also breaks that file's checksum: 4 mismatches for 3 changes. */
    cr_expect_eq(fs_test_check_tree(&m, &manifest, problem, sizeof(problem)), 4, "first: %s",
                 problem);
    fs_test_unmount(&m);
    fs_manifest_free(&manifest);
}

Test(ext2_read, statfs_agrees_with_dumpe2fs, .fini = teardown)
{
    const char *image = fs_test_image("b4k.img");
    struct fs_test_mount m;
    fs_test_mount(image, true, &m);
    struct ext2_statfs st;
    ext2_statfs(m.fs, &st);
    cr_expect_eq(st.block_size, 4096);
    cr_expect_eq((long long)st.blocks, fs_test_dumpe2fs_field(image, "Block count"));
    cr_expect_eq((long long)st.free_blocks, fs_test_dumpe2fs_field(image, "Free blocks"));
    cr_expect_eq((long long)st.inodes, fs_test_dumpe2fs_field(image, "Inode count"));
    cr_expect_eq((long long)st.free_inodes, fs_test_dumpe2fs_field(image, "Free inodes"));
    cr_expect(st.read_only);
    fs_test_unmount(&m);
}

Test(ext2_read, reads_at_and_past_the_end, .fini = teardown)
{
    struct fs_test_mount m;
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
    struct ext2_inode *file = fs_test_get(&m, "/sizes/small_513", false);
    uint8_t buf[2048];
    cr_expect_eq(ext2_file_read(file, 0, buf, sizeof(buf)), 513);
    cr_expect_eq(ext2_file_read(file, 500, buf, sizeof(buf)), 13);
    cr_expect_eq(ext2_file_read(file, 513, buf, sizeof(buf)), 0);
    cr_expect_eq(ext2_file_read(file, 1ull << 40, buf, sizeof(buf)), 0);
    cr_expect_eq(ext2_file_read(file, 0, buf, 0), 0);
    ext2_iput(file);
    struct ext2_inode *dir = fs_test_get(&m, "/sizes", false);
    cr_expect_eq(ext2_file_read(dir, 0, buf, sizeof(buf)), -EISDIR);
    cr_expect_eq(ext2_readlink(dir, (char *)buf, sizeof(buf)), -EINVAL);
    ext2_iput(dir);
    struct ext2_inode *hole = fs_test_get(&m, "/sparse/hole_middle", false);
    memset(buf, 0xAA, sizeof(buf));
    cr_expect_eq(ext2_file_read(hole, 5000, buf, 1024), 1024);
    for (int i = 0; i < 1024; i++)
        cr_assert_eq(buf[i], 0, "byte %d of a hole", 5000 + i);
    ext2_iput(hole);
    fs_test_unmount(&m);
}

Test(ext2_read, writes_refused_on_a_read_only_mount, .fini = teardown)
{
    struct fs_test_mount m;
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
    struct ext2_inode *file = fs_test_get(&m, "/sizes/small_1", false);
    cr_expect_eq(ext2_file_write(file, 0, "x", 1), -EROFS);
    cr_expect_eq(ext2_file_truncate(file, 0), -EROFS);
    ext2_iput(file);
    struct ext2_inode *out;
    cr_expect_eq(ext2_create(m.root, "new", 0644, &out), -EROFS);
    cr_expect_eq(ext2_unlink(m.root, "sizes"), -EROFS);
    fs_test_unmount(&m);
}

/* A read-write mount marks the disk in use, then clean again at unmount, counting the mount. */
Test(ext2_read, mount_and_unmount_leave_the_image_clean, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Mount count"), 1, "mount writes the count at once");
    cr_assert_eq(ext2_sync(m.fs), 0);
    char command[1024], output[4096];
    snprintf(command, sizeof(command),
             "/usr/sbin/dumpe2fs -h '%s' 2>/dev/null | grep -q '^Filesystem state: *not clean$'",
             image);
    cr_expect_eq(fs_test_run(command), 0, "while mounted, the state should be 'not clean'");
    fs_test_unmount(&m);
    snprintf(command, sizeof(command),
             "/usr/sbin/dumpe2fs -h '%s' 2>/dev/null | grep -q '^Filesystem state: *clean$'",
             image);
    cr_expect_eq(fs_test_run(command), 0, "after unmount, the state should be 'clean'");
    cr_expect_eq(fs_test_e2fsck(image, output, sizeof(output)), 0, "%s", output);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Mount count"), 1);
}

Test(ext2_read, unmount_refused_while_an_inode_is_held, .fini = teardown)
{
    struct fs_test_mount m;
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
    cr_expect_eq(ext2_unmount(m.fs), -EBUSY);
    fs_test_unmount(&m);
}
