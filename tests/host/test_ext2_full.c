/*
 * test_ext2_full.c: fill a small image until ext2 says -ENOSPC, and check
 * that running out changed nothing it should not have: e2fsck finds the
 * image clean, the files that were there are intact, the free counts are
 * exact, and a write that needed two blocks with one left took neither.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2.h"
#include "fs/path.h"
#include "fs_host_shims.h"
#include "fs_test_util.h"
#include "abi/errno.h"

static void teardown(void)
{
    fs_test_remove_copies();
}

static uint64_t free_inodes(struct fs_test_mount *m)
{
    struct ext2_statfs st;
    ext2_statfs(m->fs, &st);
    return st.free_inodes;
}

/* Write pattern `seed` until the disk is full; returns the bytes written. */
static uint64_t fill(struct ext2_inode *file, uint32_t seed)
{
    static uint8_t chunk[10000];
    uint64_t done = 0;
    for (;;) {
        fs_test_pattern(seed, done, chunk, sizeof(chunk));
        int64_t wrote = ext2_file_write(file, done, chunk, sizeof(chunk));
        if (wrote < 0) {
            cr_assert_eq(wrote, -ENOSPC, "write at %llu: %lld", (unsigned long long)done,
                         (long long)wrote);
            return done;
        }
        done += (uint64_t)wrote;
    }
}

/* The files mke2fs put on the image must all still be there, intact. */
static void expect_original_tree(const char *image)
{
    struct fs_manifest manifest;
    fs_manifest_load("small.manifest", &manifest);
    struct fs_test_mount m;
    fs_test_mount(image, true, &m);
    char problem[512];
    cr_expect_eq(fs_test_check_tree(&m, &manifest, problem, sizeof(problem)), 0, "%s", problem);
    fs_test_unmount(&m);
    fs_manifest_free(&manifest);
}

Test(ext2_full, one_file_fills_the_disk, .fini = teardown)
{
    const char *image = fs_test_copy_image("small.img");
    long long free_before = fs_test_dumpe2fs_field(image, "Free blocks");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/filler");
    uint64_t written = fill(file, 21);
    cr_expect_eq(fs_test_free_blocks(&m), 0);
    /* The data and its indirect blocks took every free block. */
    struct ext2_stat st;
    ext2_stat(file, &st);
    cr_expect_eq(st.size, written);
    cr_expect_eq(st.blocks / 2, (uint64_t)free_before);
    cr_expect_eq(ext2_file_write(file, written, "x", 1), -ENOSPC);
    struct ext2_inode *other = NULL;
    cr_expect_eq(ext2_create(m.root, "late", 0644, &other), 0,
                 "an inode and an entry need no block");
    cr_expect_eq(ext2_file_write(other, 0, "x", 1), -ENOSPC);
    ext2_iput(other);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/filler", 21, written);
    expect_original_tree(image);
}

Test(ext2_full, many_files_fill_the_disk_then_leave_it_as_it_was, .fini = teardown)
{
    const char *image = fs_test_copy_image("small.img");
    long long blocks_before = fs_test_dumpe2fs_field(image, "Free blocks");
    long long inodes_before = fs_test_dumpe2fs_field(image, "Free inodes");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *dir = NULL;
    cr_assert_eq(ext2_mkdir(m.root, "flood", 0755, &dir), 0);
    int created = 0;
    int err = 0;
    while (err == 0) {
        char name[32];
        snprintf(name, sizeof(name), "f%05d", created);
        struct ext2_inode *f;
        err = ext2_create(dir, name, 0644, &f);
        if (err != 0)
            break;
        created++;
        int64_t wrote = ext2_file_write(f, 0, name, 7);
        if (wrote < 0)
            err = (int)wrote;
        ext2_iput(f);
    }
    cr_expect_eq(err, -ENOSPC, "ran out with %d", err);
    cr_expect_gt(created, 10);
    /* A directory cannot be made either, and the failed attempt keeps no inode. */
    uint64_t inodes = free_inodes(&m);
    struct ext2_inode *sub;
    cr_expect_eq(ext2_mkdir(dir, "sub", 0755, &sub), -ENOSPC);
    cr_expect_eq(free_inodes(&m), inodes);
    ext2_iput(dir);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    expect_original_tree(image);
    /* Remove it all: the counts come back exactly. */
    fs_test_mount(image, false, &m);
    dir = fs_test_get(&m, "/flood", false);
    for (int i = 0; i < created; i++) {
        char name[32];
        snprintf(name, sizeof(name), "f%05d", i);
        cr_assert_eq(ext2_unlink(dir, name), 0, "%s", name);
    }
    ext2_iput(dir);
    cr_assert_eq(ext2_rmdir(m.root, "flood"), 0);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    /* (The root directory may have grown by a block for "flood"; it keeps it, as Linux does.) */
    long long blocks_after = fs_test_dumpe2fs_field(image, "Free blocks");
    cr_expect(blocks_after == blocks_before || blocks_after == blocks_before - 1, "%lld vs %lld",
              blocks_after, blocks_before);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free inodes"), inodes_before);
}

/* With one block free, a write that needs an indirect block and a data block must take neither. */
Test(ext2_full, a_two_block_write_with_one_block_left_takes_nothing, .fini = teardown)
{
    const char *image = fs_test_copy_image("small.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *filler = fs_test_create(&m, "/filler");
    uint64_t size = fill(filler, 22);
    struct ext2_inode *probe = fs_test_create(&m, "/probe");
    /* Give back blocks from the end one at a time until exactly one is free. */
    while (fs_test_free_blocks(&m) == 0) {
        size -= size % 1024 != 0 ? size % 1024 : 1024;
        cr_assert_eq(ext2_file_truncate(filler, size), 0);
    }
    cr_assert_eq(fs_test_free_blocks(&m), 1,
                 "freeing a data block freed an indirect one too; try again");
    /* Logical block 12 needs the single-indirect block as well. */
    cr_expect_eq(ext2_file_write(probe, 12 * 1024, "y", 1), -ENOSPC);
    cr_expect_eq(fs_test_free_blocks(&m), 1);
    struct ext2_stat st;
    ext2_stat(probe, &st);
    cr_expect_eq(st.blocks, 0);
    cr_expect_eq(st.size, 0);
    /* Block 0 needs one block: it fits. */
    cr_expect_eq(ext2_file_write(probe, 0, "y", 1), 1);
    cr_expect_eq(fs_test_free_blocks(&m), 0);
    ext2_iput(probe);
    ext2_iput(filler);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/filler", 22, size);
    fs_test_expect_dump(image, "/probe", (const uint8_t *)"y", 1);
}
