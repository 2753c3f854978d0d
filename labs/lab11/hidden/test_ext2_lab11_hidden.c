/*
 * test_ext2_lab11_hidden.c: lab 11's hidden cases (instructors only; the
 * grader copies this file into tests/host/, where host.mk builds any
 * test_ext2_*.c). The visible cases use 1 KiB blocks; these use 2 and 4 KiB
 * ones, truncate inside the triple-indirect range, make symlinks on 4 KiB
 * blocks, and check that a file's blocks are allocated near its inode.
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

/* Blocks the file holds, in units of the file system's block. */
static uint64_t blocks_of(struct ext2_inode *inode, uint32_t block)
{
    struct ext2_stat st;
    ext2_stat(inode, &st);
    return st.blocks / (block / 512);
}

static void write_block(struct ext2_inode *file, uint32_t seed, uint64_t lblock, uint32_t block)
{
    uint8_t *data = malloc(block);
    fs_test_pattern(seed, lblock * block, data, block);
    cr_assert_eq(ext2_file_write(file, lblock * block, data, block), (int64_t)block,
                 "write of block %llu", (unsigned long long)lblock);
    free(data);
}

static void expect_read_back(struct ext2_inode *file, uint32_t seed, uint64_t lblock,
                             uint32_t block)
{
    uint8_t *data = malloc(block), *back = malloc(block);
    fs_test_pattern(seed, lblock * block, data, block);
    cr_expect_eq(ext2_file_read(file, lblock * block, back, block), (int64_t)block);
    cr_expect_arr_eq(back, data, block, "block %llu read back", (unsigned long long)lblock);
    free(data);
    free(back);
}

static void expect_on_disk(const char *image, const char *path, uint32_t seed, uint64_t lblock,
                           uint32_t block)
{
    long long physical = fs_test_debugfs_bmap(image, path, lblock);
    cr_expect_gt(physical, 0, "debugfs maps block %llu to %lld", (unsigned long long)lblock,
                 physical);
    if (physical <= 0)
        return;
    uint8_t *expected = malloc(block), *got = malloc(block);
    fs_test_pattern(seed, lblock * block, expected, block);
    fs_test_read_image(image, (uint64_t)physical * block, got, block);
    cr_expect_arr_eq(got, expected, block, "%s block %llu on disk", path,
                     (unsigned long long)lblock);
    free(expected);
    free(got);
}

/* One block at each edge of every level, on an image with `block`-byte blocks. */
static void every_level(const char *profile, uint32_t block)
{
    char name[32];
    snprintf(name, sizeof(name), "%s.img", profile);
    const char *image = fs_test_copy_image(name);
    uint64_t apb = block / 4;
    uint64_t single = 12, dbl = single + apb, triple = dbl + apb * apb;
    uint64_t lblocks[] = {
        11, single, dbl - 1, dbl, dbl + apb + 2, triple - 1, triple, triple + apb * apb + apb + 1};
    int count = (int)(sizeof(lblocks) / sizeof(lblocks[0]));
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t start = fs_test_free_blocks(&m);
    struct ext2_inode *file = fs_test_create(&m, "/levels");
    for (int i = 0; i < count; i++)
        write_block(file, 31, lblocks[i], block);
    for (int i = 0; i < count; i++)
        expect_read_back(file, 31, lblocks[i], block);
    /* 8 data; single; double + children 0, 1, apb-1; triple + doubles 0, 1 + their singles 0. */
    uint64_t held = 8 + 1 + 4 + 5;
    cr_expect_eq(blocks_of(file, block), held, "%s: %llu blocks held", profile,
                 (unsigned long long)blocks_of(file, block));
    cr_expect_eq(fs_test_free_blocks(&m), start - held);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    for (int i = 0; i < count; i++)
        expect_on_disk(image, "/levels", 31, lblocks[i], block);
    cr_expect_eq(fs_test_debugfs_bmap(image, "/levels", dbl + 1), 0);
}

Test(bmap_hidden, every_level_with_2k_and_4k_blocks, .fini = teardown)
{
    every_level("b2k", 2048);
    every_level("b4k", 4096);
}

Test(bmap_hidden, truncate_inside_the_triple_range, .fini = teardown)
{
    const uint32_t block = 1024;
    const uint64_t apb = 256, triple = 12 + apb + apb * apb;
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t start = fs_test_free_blocks(&m);
    struct ext2_inode *file = fs_test_create(&m, "/deep_sparse");
    uint64_t offsets[] = {0, 1, apb, apb * apb, apb * apb + 5};
    for (int i = 0; i < 5; i++)
        write_block(file, 32, triple + offsets[i], block);
    /* 5 data; triple; doubles 0 and 1; singles (0,0), (0,1), (1,0). */
    cr_expect_eq(fs_test_free_blocks(&m), start - (5 + 1 + 2 + 3));
    /* Keep up to apb*apb: the last data block goes, its single stays (it still maps one). */
    cr_assert_eq(ext2_file_truncate(file, (triple + apb * apb + 1) * block), 0);
    cr_expect_eq(fs_test_free_blocks(&m), start - (4 + 1 + 2 + 3));
    /* Keep block 0 only: double 1 and its single go, single (0,1) goes. */
    cr_assert_eq(ext2_file_truncate(file, (triple + 1) * block), 0);
    cr_expect_eq(fs_test_free_blocks(&m), start - (1 + 1 + 1 + 1));
    expect_read_back(file, 32, triple, block);
    /* Into the double range: the whole triple tree goes. */
    cr_assert_eq(ext2_file_truncate(file, (triple - 3) * block), 0);
    cr_expect_eq(fs_test_free_blocks(&m), start);
    cr_expect_eq(blocks_of(file, block), 0);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

Test(bmap_hidden, symlinks_on_4k_blocks, .fini = teardown)
{
    const char *image = fs_test_copy_image("b4k.img");
    static const size_t lengths[] = {59, 60, 4095};
    static char targets[3][4096];
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t start = fs_test_free_blocks(&m);
    for (int i = 0; i < 3; i++) {
        memset(targets[i], 'a' + i, lengths[i]);
        targets[i][lengths[i]] = '\0';
        char name[32];
        snprintf(name, sizeof(name), "h%d", i);
        cr_assert_eq(ext2_symlink(m.root, name, targets[i], NULL), 0, "%s", name);
    }
    cr_expect_eq(fs_test_free_blocks(&m), start - 2);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    /* Mounted again: read back exactly, with buffers of the length and one byte less. */
    fs_test_mount(image, false, &m);
    static char back[4100];
    for (int i = 0; i < 3; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/h%d", i);
        struct ext2_inode *link = fs_test_get(&m, path, false);
        memset(back, '#', sizeof(back));
        cr_expect_eq(ext2_readlink(link, back, lengths[i]), (int)lengths[i], "%s", path);
        cr_expect_arr_eq(back, targets[i], lengths[i]);
        memset(back, '#', sizeof(back));
        cr_expect_eq(ext2_readlink(link, back, lengths[i] - 1), (int)lengths[i] - 1, "%s", path);
        cr_expect_eq(back[lengths[i] - 1], '#', "%s: readlink wrote past the buffer", path);
        ext2_iput(link);
    }
    /* Removing them gives back the slow links' blocks. */
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof(name), "h%d", i);
        cr_expect_eq(ext2_unlink(m.root, name), 0);
    }
    cr_expect_eq(fs_test_free_blocks(&m), start);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

/* A file's blocks come from its inode's group (the allocation goal), not from the disk's start. */
Test(bmap_hidden, blocks_lie_in_the_inode_group, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    long long inodes_per_group = fs_test_dumpe2fs_field(image, "Inodes per group");
    long long blocks_per_group = fs_test_dumpe2fs_field(image, "Blocks per group");
    long long first_data = fs_test_dumpe2fs_field(image, "First block");
    cr_assert_gt(inodes_per_group, 0);
    cr_assert_gt(blocks_per_group, 0);
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    /* New directories spread over the groups: find one outside group 0. */
    struct ext2_inode *dir = NULL;
    uint32_t group = 0;
    char name[32] = "";
    for (int i = 0; i < 64 && group == 0; i++) {
        snprintf(name, sizeof(name), "spread%d", i);
        if (dir != NULL)
            ext2_iput(dir);
        cr_assert_eq(ext2_mkdir(m.root, name, 0755, &dir), 0);
        group = (ext2_inode_number(dir) - 1) / (uint32_t)inodes_per_group;
    }
    cr_assert_gt(group, 0, "no directory outside group 0");
    struct ext2_inode *file = NULL;
    cr_assert_eq(ext2_create(dir, "near", 0644, &file), 0);
    uint32_t file_group = (ext2_inode_number(file) - 1) / (uint32_t)inodes_per_group;
    for (uint64_t b = 0; b < 20; b++)
        write_block(file, 33, b, 1024);
    ext2_iput(file);
    ext2_iput(dir);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    char path[64];
    snprintf(path, sizeof(path), "/%s/near", name);
    for (uint64_t b = 0; b < 20; b += 19) {
        long long physical = fs_test_debugfs_bmap(image, path, b);
        cr_assert_gt(physical, 0);
        long long in_group = (physical - first_data) / blocks_per_group;
        cr_expect_eq(in_group, (long long)file_group,
                     "block %llu of %s is %lld, in group %lld; the inode is in group %u",
                     (unsigned long long)b, path, physical, in_group, file_group);
    }
}
