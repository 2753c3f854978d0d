/*
 * test_ext2_features.c: the feature flags decide what may be mounted. An
 * incompatible feature this code lacks is refused, and the message names it;
 * a read-only-compatible one mounts read-only; compatible ones (a journal,
 * dir_index) are ignored. The formats mke2fs can make without the default
 * features (no filetype, 128-byte inodes, no large_file) are read and written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/bcache.h"
#include "fs/ext2.h"
#include "fs/path.h"
#include "fs_host_shims.h"
#include "fs_test_util.h"
#include "abi/errno.h"

static char made[4][512];
static int made_count;

static void teardown(void)
{
    for (int i = 0; i < made_count; i++)
        unlink(made[i]);
    made_count = 0;
    fs_test_remove_copies();
}

/* A fresh image of the small tree, made by mke2fs with `options`. */
static const char *make_image(const char *options)
{
    cr_assert_lt(made_count, 4);
    char *image = made[made_count++];
    snprintf(image, 512, "%s/tmp/feature.%d.%d.img", FS_IMAGE_DIR, (int)getpid(), made_count);
    char command[2048];
    snprintf(command, sizeof(command),
             "mkdir -p '%s/tmp' && rm -f '%s' && /usr/sbin/mke2fs -q -F %s -b 1024 -N 256 -d "
             "'%s/small.tree' '%s' 4M >/dev/null 2>&1",
             FS_IMAGE_DIR, image, options, FS_IMAGE_DIR, image);
    cr_assert_eq(fs_test_run(command), 0, "%s", command);
    return image;
}

static void set_feature(const char *image, const char *feature)
{
    char command[1024];
    snprintf(command, sizeof(command), "/usr/sbin/debugfs -w -R 'feature %s' '%s' >/dev/null 2>&1",
             feature, image);
    cr_assert_eq(fs_test_run(command), 0, "%s", command);
}

/* Mounting must fail with -EINVAL and a message naming `feature`. */
static void expect_refused(const char *image, const char *feature)
{
    fs_host_log_to_stderr = false;
    fs_host_clear_log();
    struct fs_test_mount m;
    int err = fs_test_try_mount(image, false, &m);
    cr_expect_eq(err, -EINVAL, "mount gave %d", err);
    char quoted[64];
    snprintf(quoted, sizeof(quoted), "'%s'", feature);
    cr_expect(strstr(fs_host_last_log, quoted) != NULL, "the message '%s' should name %s",
              fs_host_last_log, quoted);
    if (err == 0)
        fs_test_unmount(&m);
    else {
        fs_host_image_close(m.dev);
        bcache_shutdown();
    }
}

/* Check every file of the small tree, as test_ext2_read does. */
static void expect_small_tree(struct fs_test_mount *m)
{
    struct fs_manifest manifest;
    fs_manifest_load("small.manifest", &manifest);
    char problem[512];
    cr_expect_eq(fs_test_check_tree(m, &manifest, problem, sizeof(problem)), 0, "%s", problem);
    fs_manifest_free(&manifest);
}

/* Write a file and a directory, unmount, and let e2fsck and debugfs judge. */
static void write_and_check(const char *image)
{
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *dir = NULL, *file;
    cr_assert_eq(ext2_mkdir(m.root, "newdir", 0755, &dir), 0);
    cr_assert_eq(ext2_create(dir, "newfile", 0644, &file), 0);
    fs_test_write_pattern(file, 31, 0, 300000, 8192);
    ext2_iput(file);
    struct ext2_inode *links = fs_test_get(&m, "/links", false);
    cr_assert_eq(ext2_unlink(links, "target"), 0);
    ext2_iput(links);
    ext2_iput(dir);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/newdir/newfile", 31, 300000);
}

/* ---- Refused ---------------------------------------------------------------------- */

Test(ext2_features, extents_made_by_mke2fs_are_refused, .fini = teardown)
{
    expect_refused(make_image("-t ext2 -O extent"), "extent");
}

Test(ext2_features, a_whole_ext4_is_refused, .fini = teardown)
{
    expect_refused(make_image("-t ext4"), "extent");
}

Test(ext2_features, a_journal_needing_recovery_is_refused, .fini = teardown)
{
    const char *image = make_image("-t ext3");
    set_feature(image, "needs_recovery");
    expect_refused(image, "needs_recovery");
}

Test(ext2_features, meta_bg_set_by_debugfs_is_refused, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_feature(image, "meta_bg");
    expect_refused(image, "meta_bg");
}

Test(ext2_features, an_unknown_incompatible_bit_is_refused_by_number, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_feature(image, "FEATURE_I30");
    expect_refused(image, "FEATURE_I30");
}

/* ---- Read-only ---------------------------------------------------------------------- */

/* Mounted read-only, reads work, writes give -EROFS, and the image is not changed by a byte. */
static void expect_read_only(const char *image, const char *feature)
{
    char command[1200];
    snprintf(command, sizeof(command), "cp '%s' '%s.before'", image, image);
    cr_assert_eq(fs_test_run(command), 0);
    fs_host_log_to_stderr = false;
    fs_host_clear_log();
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    cr_expect(ext2_is_read_only(m.fs));
    cr_expect(strstr(fs_host_last_log, feature) != NULL, "the message '%s' should name %s",
              fs_host_last_log, feature);
    expect_small_tree(&m);
    struct ext2_inode *file = fs_test_get(&m, "/sizes/small_1", false), *out;
    cr_expect_eq(ext2_file_write(file, 0, "z", 1), -EROFS);
    ext2_iput(file);
    cr_expect_eq(ext2_mkdir(m.root, "d", 0755, &out), -EROFS);
    fs_test_unmount(&m);
    snprintf(command, sizeof(command), "cmp -s '%s' '%s.before'; s=$?; rm -f '%s.before'; exit $s",
             image, image, image);
    cr_expect_eq(fs_test_run(command), 0, "a read-only mount changed the image");
}

Test(ext2_features, huge_file_mounts_read_only, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_feature(image, "huge_file");
    expect_read_only(image, "'huge_file'");
}

Test(ext2_features, an_unknown_ro_compat_bit_mounts_read_only, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_feature(image, "FEATURE_R30");
    expect_read_only(image, "'FEATURE_R30'");
}

Test(ext2_features, a_read_only_device_or_option_mounts_read_only, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    struct fs_test_mount m;
    fs_test_mount(image, true, &m);
    cr_expect(ext2_is_read_only(m.fs));
    fs_test_unmount(&m);
}

/* ---- Formats without the default features ------------------------------------------- */

Test(ext2_features, no_filetype_feature, .fini = teardown)
{
    const char *image = make_image("-t ext2 -O ^filetype");
    struct fs_test_mount m;
    fs_test_mount(image, true, &m);
    struct ext2_dirent d;
    cr_assert_eq(ext2_readdir(m.root, 0, &d), 1);
    cr_expect_eq(d.type, 0, "without filetype, entries carry no type (DT_UNKNOWN)");
    fs_test_unmount(&m);
    write_and_check(image);
}

Test(ext2_features, small_128_byte_inodes, .fini = teardown)
{
    const char *image = make_image("-t ext2 -I 128");
    cr_assert_eq(fs_test_dumpe2fs_field(image, "Inode size"), 128);
    struct fs_test_mount m;
    fs_test_mount(image, true, &m);
    expect_small_tree(&m);
    fs_test_unmount(&m);
    write_and_check(image);
}

Test(ext2_features, an_ext3_journal_is_ignored, .fini = teardown)
{
    write_and_check(make_image("-t ext3"));
}

Test(ext2_features, without_large_file_files_stop_below_2_gib, .fini = teardown)
{
    const char *image = make_image("-t ext2 -O ^large_file");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    cr_expect_eq(ext2_max_file_size(m.fs), 0x7FFFFFFFull);
    struct ext2_inode *file = fs_test_create(&m, "/limit");
    cr_expect_eq(ext2_file_write(file, 0x7FFFFFFEull, "ab", 2), 1, "only the byte below the limit");
    cr_expect_eq(ext2_file_write(file, 0x7FFFFFFFull, "c", 1), -EFBIG);
    cr_expect_eq(ext2_file_truncate(file, 0x80000000ull), -EFBIG);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

Test(ext2_features, the_largest_file_on_4k_blocks, .fini = teardown)
{
    const char *image = fs_test_copy_image("b4k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t max = ext2_max_file_size(m.fs);
    cr_expect_gt(max, 1ull << 40, "large_file with 4 KiB blocks allows files of terabytes");
    struct ext2_inode *file = fs_test_create(&m, "/edge");
    cr_expect_eq(ext2_file_write(file, max - 1, "e", 1), 1);
    cr_expect_eq(ext2_file_write(file, max, "f", 1), -EFBIG);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

/* ---- The state in the superblock ------------------------------------------------------ */

static void set_state(const char *image, int state)
{
    char command[1024];
    snprintf(command, sizeof(command),
             "/usr/sbin/debugfs -w -R 'ssv state %d' '%s' >/dev/null 2>&1", state, image);
    cr_assert_eq(fs_test_run(command), 0, "%s", command);
}

Test(ext2_features, a_disk_marked_with_errors_mounts_read_only, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_state(image, 3); /* valid, but with errors */
    fs_host_log_to_stderr = false;
    fs_host_clear_log();
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    cr_expect(ext2_is_read_only(m.fs));
    cr_expect(strstr(fs_host_last_log, "run e2fsck") != NULL, "%s", fs_host_last_log);
    fs_test_unmount(&m);
}

Test(ext2_features, a_disk_not_cleanly_unmounted_mounts_with_a_warning, .fini = teardown)
{
    const char *image = make_image("-t ext2");
    set_state(image, 0); /* as a crash leaves it */
    fs_host_log_to_stderr = false;
    fs_host_clear_log();
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    cr_expect(!ext2_is_read_only(m.fs));
    cr_expect(strstr(fs_host_last_log, "e2fsck -p") != NULL, "%s", fs_host_last_log);
    fs_test_unmount(&m);
    /* Unmount puts back the state it found: still not clean, until e2fsck says so. */
    char command[1024];
    snprintf(command, sizeof(command),
             "/usr/sbin/dumpe2fs -h '%s' 2>/dev/null | grep -q '^Filesystem state: *not clean$'",
             image);
    cr_expect_eq(fs_test_run(command), 0);
}
