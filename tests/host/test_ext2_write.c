/*
 * test_ext2_write.c: change a copy of a mke2fs image through ext2 and let
 * e2fsprogs judge: after each scenario the image is unmounted, e2fsck -fn
 * must find it clean (exit 0), and debugfs must dump every file written
 * byte for byte as the test wrote it.
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

static struct ext2_inode *dir_of(struct fs_test_mount *m, const char *path)
{
    return fs_test_get(m, path, true);
}

static void make_dir(struct fs_test_mount *m, const char *parent, const char *name)
{
    struct ext2_inode *dir = dir_of(m, parent);
    struct ext2_inode *child = NULL;
    int err = ext2_mkdir(dir, name, 0755, &child);
    cr_assert_eq(err, 0, "mkdir %s/%s: %d", parent, name, err);
    ext2_iput(child);
    ext2_iput(dir);
}

static uint16_t links_of(struct fs_test_mount *m, const char *path)
{
    struct ext2_inode *inode = fs_test_get(m, path, false);
    struct ext2_stat st;
    ext2_stat(inode, &st);
    ext2_iput(inode);
    return st.links;
}

static bool exists(struct fs_test_mount *m, const char *path)
{
    struct ext2_inode *inode;
    int err = path_lookup(m->fs, m->root, path, 0, &inode);
    if (err == 0)
        ext2_iput(inode);
    cr_assert(err == 0 || err == -ENOENT, "lookup %s: %d", path, err);
    return err == 0;
}

/* ---- Files of every size around the block map's edges ------------------------------------ */

static void write_sizes(const char *profile, uint32_t block, uint32_t largest_edge_index)
{
    char image_name[32];
    snprintf(image_name, sizeof(image_name), "%s.img", profile);
    const char *image = fs_test_copy_image(image_name);
    uint64_t apb = block / 4;
    uint64_t edges[] = {1, 12, 12 + apb, 12 + apb + apb};
    uint64_t sizes[16];
    int count = 0;
    sizes[count++] = 0;
    for (uint32_t e = 0; e <= largest_edge_index; e++) {
        for (int delta = -1; delta <= 1; delta++)
            sizes[count++] = edges[e] * block + delta;
    }
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    make_dir(&m, "/", "w");
    for (int i = 0; i < count; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/w/size_%llu", (unsigned long long)sizes[i]);
        struct ext2_inode *file = fs_test_create(&m, path);
        /* An odd chunk size, so writes straddle block edges. */
        fs_test_write_pattern(file, (uint32_t)i, 0, sizes[i], 7001);
        struct ext2_stat st;
        ext2_stat(file, &st);
        cr_expect_eq(st.size, sizes[i]);
        ext2_iput(file);
    }
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    for (int i = 0; i < count; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/w/size_%llu", (unsigned long long)sizes[i]);
        fs_test_expect_dump_pattern(image, path, (uint32_t)i, sizes[i]);
    }
}

Test(ext2_write, sizes_around_every_edge_1k, .fini = teardown)
{
    write_sizes("b1k", 1024, 3);
}

Test(ext2_write, sizes_around_every_edge_4k, .fini = teardown)
{
    write_sizes("b4k", 4096, 2);
}

/* ---- Sparse files: holes stay holes, the far ends of the map work ---------------------------- */

Test(ext2_write, sparse_writes_into_the_triple_indirect_range_1k, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    uint64_t block = 1024, apb = 256;
    uint64_t triple = (12 + apb + apb * apb) * block; /* the first triple-indirect byte */
    uint64_t size = triple + 3 * block + 5;
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/sparse_big");
    fs_test_write_pattern(file, 1, 100, 50, 50);             /* in block 0 */
    fs_test_write_pattern(file, 1, 13 * block - 10, 20, 20); /* across the 1st single-indirect */
    fs_test_write_pattern(file, 1, triple - 700, 3 * block + 705, 1000); /* across double/triple */
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    uint8_t *expected = calloc(1, size);
    fs_test_pattern(1, 100, expected + 100, 50);
    fs_test_pattern(1, 13 * block - 10, expected + 13 * block - 10, 20);
    fs_test_pattern(1, triple - 700, expected + triple - 700, 3 * block + 705);
    fs_test_expect_dump(image, "/sparse_big", expected, size);
    free(expected);
    /* Holes got no block: debugfs maps block 5 to nothing. */
    cr_expect_eq(fs_test_debugfs_bmap(image, "/sparse_big", 5), 0);
}

Test(ext2_write, sparse_write_past_4_gib_4k, .fini = teardown)
{
    const char *image = fs_test_copy_image("b4k.img");
    uint64_t block = 4096, apb = 1024;
    uint64_t triple_block = 12 + apb + apb * apb;
    uint64_t lblocks[] = {triple_block, triple_block + apb * apb + apb + 1, 3};
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/huge");
    for (int i = 0; i < 3; i++)
        fs_test_write_pattern(file, 9, lblocks[i] * block, block, block);
    struct ext2_stat st;
    ext2_stat(file, &st);
    cr_expect_eq(st.size, (lblocks[1] + 1) * block);
    /* 3 data blocks; triple + double + single for the first, double + single for the second, single
     * (none) for the third: */
    cr_expect_eq(st.blocks, (3 + 3 + 2) * (block / 512));
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    uint8_t expected[4096], got[4096];
    for (int i = 0; i < 3; i++) {
        long long physical = fs_test_debugfs_bmap(image, "/huge", lblocks[i]);
        cr_assert_gt(physical, 0, "debugfs bmap of block %llu", (unsigned long long)lblocks[i]);
        fs_test_read_image(image, (uint64_t)physical * block, got, block);
        fs_test_pattern(9, lblocks[i] * block, expected, block);
        cr_expect_arr_eq(got, expected, block, "block %llu", (unsigned long long)lblocks[i]);
    }
    cr_expect_eq(fs_test_debugfs_bmap(image, "/huge", triple_block + 1), 0);
}

/* ---- Truncate ------------------------------------------------------------------------- */

Test(ext2_write, truncate_shrinks_through_every_level_and_grows_with_zeros, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    uint64_t block = 1024, apb = 256;
    uint64_t full = (12 + apb + 2 * apb + 5) * block + 300;
    /* Each step shrinks to one of these; the file is then grown back by writing. */
    uint64_t steps[] = {(12 + apb + apb + 7) * block + 1, (12 + apb) * block + 3, 12 * block + 1,
                        5 * block + 77, 0};
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/t");
    fs_test_write_pattern(file, 3, 0, full, 65536);
    uint8_t *expected = malloc(full);
    fs_test_pattern(3, 0, expected, full);
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(ext2_file_truncate(file, steps[i]), 0);
        struct ext2_stat st;
        ext2_stat(file, &st);
        cr_expect_eq(st.size, steps[i]);
    }
    /* Grow by truncate: everything past 0 reads as zeros (the old tail must not come back). */
    cr_assert_eq(ext2_file_truncate(file, 5 * block + 500), 0);
    uint8_t buf[600];
    cr_assert_eq(ext2_file_read(file, 5 * block - 50, buf, sizeof(buf)), 550);
    for (int i = 0; i < 550; i++)
        cr_assert_eq(buf[i], 0, "byte %d after growth", i);
    /* Shrink inside a block, grow again: the cut-off bytes of that block read as zeros. */
    fs_test_write_pattern(file, 3, 0, 3 * block, 999);
    cr_assert_eq(ext2_file_truncate(file, block + 10), 0);
    cr_assert_eq(ext2_file_truncate(file, 3 * block), 0);
    memset(expected + block + 10, 0, 3 * block - (block + 10));
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump(image, "/t", expected, 3 * block);
    free(expected);
}

Test(ext2_write, unlink_returns_every_block_and_inode, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    long long free_blocks = fs_test_dumpe2fs_field(image, "Free blocks");
    long long free_inodes = fs_test_dumpe2fs_field(image, "Free inodes");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/dense");
    fs_test_write_pattern(file, 4, 0, 700 * 1024, 65536);
    ext2_iput(file);
    file = fs_test_create(&m, "/sparse_file");
    fs_test_write_pattern(file, 4, 70ull << 20, 10, 10);
    ext2_iput(file);
    struct ext2_inode *link = NULL;
    cr_assert_eq(
        ext2_symlink(m.root, "slow",
                     "/"
                     "0123456789012345678901234567890123456789012345678901234567890123456789",
                     &link),
        0);
    ext2_iput(link);
    cr_assert_eq(ext2_unlink(m.root, "dense"), 0);
    cr_assert_eq(ext2_unlink(m.root, "sparse_file"), 0);
    cr_assert_eq(ext2_unlink(m.root, "slow"), 0);
    cr_expect(!exists(&m, "/dense"));
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free blocks"), free_blocks);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free inodes"), free_inodes);
}

/* debugfs -w mknod NAME TYPE...: a device file or FIFO in the root, as mke2fs -d makes them. */
static void debugfs_mknod(const char *image, const char *name, const char *kind)
{
    char command[1024];
    snprintf(command, sizeof(command), "/usr/sbin/debugfs -w -R 'mknod %s %s' '%s' >/dev/null 2>&1",
             name, kind, image);
    cr_assert_eq(fs_test_run(command), 0, "debugfs mknod %s %s", name, kind);
}

/*
 * A device file keeps its number in i_block, not block pointers: /dev/null
 * (1:3) holds 0x103 = 259, a block of the inode table on the 1 KiB image,
 * and freeing it as a map marked the disk damaged (the system-call fuzzer,
 * seed 12345, unlinked /dev/null). Worse, a number that happens to name a
 * data block freed another file's block. Unlinking either must free nothing
 * but the inode.
 */
Test(ext2_write, unlinking_a_device_file_frees_no_blocks, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *victim = fs_test_create(&m, "/victim");
    fs_test_write_pattern(victim, 9, 0, 3000, 3000);
    ext2_iput(victim);
    fs_test_unmount(&m);
    long long data_block = fs_test_debugfs_bmap(image, "/victim", 1);
    cr_assert_gt(data_block, 0);
    cr_assert_lt(data_block, 65536, "the old device encoding holds 8-bit major and minor");
    char kind[64];
    snprintf(kind, sizeof(kind), "b %lld %lld", data_block >> 8, data_block & 0xff);
    debugfs_mknod(image, "null", "c 1 3");
    debugfs_mknod(image, "on_data", kind);
    debugfs_mknod(image, "new_encoding", "c 259 1"); /* a major over 255: i_block[1] */
    debugfs_mknod(image, "fifo", "p");
    fs_test_expect_clean(image);
    long long free_blocks = fs_test_dumpe2fs_field(image, "Free blocks");
    long long free_inodes = fs_test_dumpe2fs_field(image, "Free inodes");
    fs_test_mount(image, false, &m);
    fs_host_clear_log();
    cr_expect_eq(ext2_unlink(m.root, "null"), 0);
    cr_expect_eq(ext2_unlink(m.root, "on_data"), 0);
    cr_expect_eq(ext2_unlink(m.root, "new_encoding"), 0);
    cr_expect_eq(ext2_unlink(m.root, "fifo"), 0);
    /* Damage found while freeing is only logged: the unlink itself succeeds. */
    cr_expect_str_empty(fs_host_last_log);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free blocks"), free_blocks);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free inodes"), free_inodes + 4);
    fs_test_expect_dump_pattern(image, "/victim", 9, 3000);
}

Test(ext2_write, an_unlinked_file_lives_while_held, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    long long free_inodes = fs_test_dumpe2fs_field(image, "Free inodes");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/open");
    fs_test_write_pattern(file, 5, 0, 5000, 5000);
    cr_assert_eq(ext2_unlink(m.root, "open"), 0);
    cr_expect(!exists(&m, "/open"));
    uint8_t buf[5000], expected[5000];
    cr_expect_eq(ext2_file_read(file, 0, buf, sizeof(buf)), 5000);
    fs_test_pattern(5, 0, expected, sizeof(expected));
    cr_expect_arr_eq(buf, expected, sizeof(buf));
    cr_expect_eq(ext2_file_write(file, 5000, "more", 4), 4);
    ext2_iput(file); /* now it goes */
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    cr_expect_eq(fs_test_dumpe2fs_field(image, "Free inodes"), free_inodes);
}

/* ---- Directories ----------------------------------------------------------------------- */

Test(ext2_write, mkdir_rmdir_and_their_errors, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint16_t root_links = links_of(&m, "/");
    make_dir(&m, "/", "a");
    make_dir(&m, "/a", "b");
    make_dir(&m, "/a/b", "c");
    cr_expect_eq(links_of(&m, "/"), root_links + 1);
    cr_expect_eq(links_of(&m, "/a"), 3);
    cr_expect_eq(links_of(&m, "/a/b/c"), 2);
    struct ext2_inode *a = dir_of(&m, "/a"), *out = NULL;
    cr_expect_eq(ext2_mkdir(a, "b", 0755, &out), -EEXIST);
    cr_expect_eq(ext2_rmdir(a, "b"), -ENOTEMPTY);
    cr_expect_eq(ext2_rmdir(a, "."), -EINVAL);
    cr_expect_eq(ext2_rmdir(a, ".."), -ENOTEMPTY);
    cr_expect_eq(ext2_rmdir(a, "missing"), -ENOENT);
    struct ext2_inode *f = fs_test_create(&m, "/a/file");
    ext2_iput(f);
    cr_expect_eq(ext2_rmdir(a, "file"), -ENOTDIR);
    cr_expect_eq(ext2_unlink(a, "b"), -EISDIR);
    struct ext2_inode *b = dir_of(&m, "/a/b");
    cr_expect_eq(ext2_rmdir(b, "c"), 0);
    cr_expect_eq(links_of(&m, "/a/b"), 2);
    ext2_iput(b);
    cr_expect_eq(ext2_rmdir(a, "b"), 0);
    cr_expect_eq(links_of(&m, "/a"), 2);
    /* A removed directory that is still held takes no new names. */
    make_dir(&m, "/a", "gone");
    struct ext2_inode *gone = dir_of(&m, "/a/gone");
    cr_expect_eq(ext2_rmdir(a, "gone"), 0);
    int err = ext2_create(gone, "x", 0644, &out);
    cr_expect_eq(err, -ENOENT, "create in a removed directory: %d", err);
    if (err == 0)
        ext2_iput(out);
    ext2_iput(gone);
    ext2_iput(a);
    char long_name[300];
    memset(long_name, 'L', 256);
    long_name[256] = '\0';
    cr_expect_eq(ext2_mkdir(m.root, long_name, 0755, &out), -ENAMETOOLONG);
    long_name[255] = '\0';
    cr_expect_eq(ext2_mkdir(m.root, long_name, 0755, &out), 0);
    ext2_iput(out);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

Test(ext2_write, a_directory_of_thousands_grows_shrinks_and_reuses_space, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    make_dir(&m, "/", "big");
    struct ext2_inode *dir = dir_of(&m, "/big");
    enum { N = 900 };
    for (int i = 0; i < N; i++) {
        char name[64];
        snprintf(name, sizeof(name), "file_%04d", i);
        struct ext2_inode *f;
        cr_assert_eq(ext2_create(dir, name, 0600, &f), 0, "%s", name);
        ext2_iput(f);
    }
    struct ext2_stat before;
    ext2_stat(dir, &before);
    cr_expect_gt(before.size, 10 * 1024, "the directory should span many blocks");
    for (int i = 0; i < N; i += 2) {
        char name[64];
        snprintf(name, sizeof(name), "file_%04d", i);
        cr_assert_eq(ext2_unlink(dir, name), 0, "%s", name);
    }
    /* New names, which must go into the holes the removals left. */
    for (int i = 0; i < N / 4; i++) {
        char name[64];
        snprintf(name, sizeof(name), "new_%05d", i); /* a 20-byte record: the size of a hole left */
        struct ext2_inode *f;
        cr_assert_eq(ext2_create(dir, name, 0600, &f), 0, "%s", name);
        ext2_iput(f);
    }
    struct ext2_stat after;
    ext2_stat(dir, &after);
    cr_expect_eq(after.size, before.size, "freed space should have been reused");
    int count = 0;
    struct ext2_dirent d;
    for (uint64_t offset = 0; ext2_readdir(dir, offset, &d) == 1; offset = d.next_offset)
        count++;
    cr_expect_eq(count, 2 + N / 2 + N / 4);
    ext2_iput(dir);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

/* An htree-indexed directory (e2fsck -D builds one) is read linearly, and loses its index when
 * changed. */
Test(ext2_write, an_indexed_directory_is_read_and_changed, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    char command[1024];
    snprintf(command, sizeof(command), "/usr/sbin/e2fsck -fyD '%s' >/dev/null 2>&1", image);
    cr_assert_lt(fs_test_run(command), 4, "e2fsck -D");
    snprintf(command, sizeof(command),
             "/usr/sbin/debugfs -R 'stat /many' '%s' 2>/dev/null | grep -q 'Flags: 0x1000'", image);
    cr_assert_eq(fs_test_run(command), 0, "e2fsck -D should have indexed /many");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *f = fs_test_get(&m, "/many/entry_02999", false);
    ext2_iput(f);
    struct ext2_inode *dir = dir_of(&m, "/many");
    int count = 0;
    struct ext2_dirent d;
    for (uint64_t offset = 0; ext2_readdir(dir, offset, &d) == 1; offset = d.next_offset)
        count++;
    cr_expect_eq(count, 3002);
    cr_assert_eq(ext2_unlink(dir, "entry_01234"), 0);
    cr_assert_eq(ext2_create(dir, "a_new_entry", 0644, &f), 0);
    ext2_iput(f);
    ext2_iput(dir);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    cr_expect_neq(fs_test_run(command), 0, "the index flag should be gone");
}

/* ---- Rename --------------------------------------------------------------------------------- */

Test(ext2_write, rename_in_all_its_forms, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    make_dir(&m, "/", "src");
    make_dir(&m, "/", "dst");
    make_dir(&m, "/src", "moving");
    make_dir(&m, "/src/moving", "inner");
    struct ext2_inode *f = fs_test_create(&m, "/src/file");
    fs_test_write_pattern(f, 6, 0, 3000, 3000);
    ext2_iput(f);
    f = fs_test_create(&m, "/dst/victim");
    fs_test_write_pattern(f, 7, 0, 20000, 20000);
    ext2_iput(f);
    make_dir(&m, "/dst", "empty");
    make_dir(&m, "/dst", "full");
    f = fs_test_create(&m, "/dst/full/x");
    ext2_iput(f);
    struct ext2_inode *src = dir_of(&m, "/src"), *dst = dir_of(&m, "/dst");
    struct ext2_inode *moving = dir_of(&m, "/src/moving");
    struct ext2_inode *inner = dir_of(&m, "/src/moving/inner");
    /* within a directory */
    cr_expect_eq(ext2_rename(src, "file", src, "renamed"), 0);
    /* across directories, replacing a file (which is freed) */
    cr_expect_eq(ext2_rename(src, "renamed", dst, "victim"), 0);
    /* the refusals */
    cr_expect_eq(ext2_rename(src, "moving", inner, "x"), -EINVAL);
    cr_expect_eq(ext2_rename(src, "moving", moving, "x"), -EINVAL);
    cr_expect_eq(ext2_rename(src, "moving", dst, "full"), -ENOTEMPTY);
    cr_expect_eq(ext2_rename(src, "moving", dst, "victim"), -ENOTDIR);
    cr_expect_eq(ext2_rename(dst, "victim", dst, "empty"), -EISDIR);
    cr_expect_eq(ext2_rename(src, "nothing", dst, "x"), -ENOENT);
    cr_expect_eq(ext2_rename(src, ".", dst, "x"), -EINVAL);
    /* a directory across, replacing an empty one: ".." and link counts follow */
    uint16_t src_links = links_of(&m, "/src"), dst_links = links_of(&m, "/dst");
    cr_expect_eq(ext2_rename(src, "moving", dst, "empty"), 0);
    cr_expect_eq(links_of(&m, "/src"), src_links - 1);
    cr_expect_eq(links_of(&m, "/dst"), dst_links);
    struct ext2_inode *dotdot = fs_test_get(&m, "/dst/empty/..", false);
    cr_expect_eq(ext2_inode_number(dotdot), ext2_inode_number(dst));
    ext2_iput(dotdot);
    /* a directory across to a new name */
    cr_expect_eq(ext2_rename(dst, "empty", src, "back"), 0);
    cr_expect_eq(links_of(&m, "/src"), src_links);
    cr_expect_eq(links_of(&m, "/dst"), dst_links - 1);
    /* two names of one file: nothing happens */
    f = fs_test_get(&m, "/dst/victim", false);
    cr_expect_eq(ext2_link(dst, "alias", f), 0);
    cr_expect_eq(ext2_rename(dst, "alias", dst, "victim"), 0);
    cr_expect(exists(&m, "/dst/alias"));
    ext2_iput(f);
    ext2_iput(inner);
    ext2_iput(moving);
    ext2_iput(src);
    ext2_iput(dst);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/dst/victim", 6, 3000);
}

/* ---- Links and symlinks ------------------------------------------------------------------------
 */

Test(ext2_write, hard_links_count_and_refuse_directories, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *f = fs_test_create(&m, "/orig");
    fs_test_write_pattern(f, 8, 0, 1234, 1234);
    struct ext2_inode *deep = dir_of(&m, "/deep/d0/d1");
    cr_expect_eq(ext2_link(m.root, "second", f), 0);
    cr_expect_eq(ext2_link(deep, "third", f), 0);
    cr_expect_eq(ext2_link(deep, "third", f), -EEXIST);
    cr_expect_eq(links_of(&m, "/orig"), 3);
    cr_expect_eq(ext2_link(m.root, "dirlink", deep), -EPERM);
    cr_expect_eq(ext2_unlink(m.root, "orig"), 0);
    cr_expect_eq(links_of(&m, "/second"), 2);
    ext2_iput(f);
    ext2_iput(deep);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/deep/d0/d1/third", 8, 1234);
}

Test(ext2_write, link_count_limit_gives_emlink, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    char command[1024];
    snprintf(
        command, sizeof(command),
        "/usr/sbin/debugfs -w -R 'sif /links/target links_count 32000' '%s' >/dev/null 2>&1 && "
        "/usr/sbin/debugfs -w -R 'sif /deep links_count 32000' '%s' >/dev/null 2>&1",
        image, image);
    cr_assert_eq(fs_test_run(command), 0);
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *f = fs_test_get(&m, "/links/target", false);
    cr_expect_eq(ext2_link(m.root, "one_more", f), -EMLINK);
    ext2_iput(f);
    struct ext2_inode *deep = dir_of(&m, "/deep"), *out;
    cr_expect_eq(ext2_mkdir(deep, "sub", 0755, &out), -EMLINK);
    ext2_iput(deep);
    fs_test_unmount(&m);
}

Test(ext2_write, symlinks_fast_and_slow, .fini = teardown)
{
    const char *image = fs_test_copy_image("b4k.img");
    static char targets[4][4096];
    size_t lengths[] = {59, 60, 1000, 4095};
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    for (int i = 0; i < 4; i++) {
        for (size_t k = 0; k < lengths[i]; k++)
            targets[i][k] = (char)('a' + (k * 7 + i) % 26);
        targets[i][lengths[i]] = '\0';
        char name[16];
        snprintf(name, sizeof(name), "s%d", i);
        struct ext2_inode *link;
        cr_assert_eq(ext2_symlink(m.root, name, targets[i], &link), 0, "%s", name);
        struct ext2_stat st;
        ext2_stat(link, &st);
        cr_expect_eq(st.blocks, lengths[i] < 60 ? 0 : 8, "%s: i_blocks", name);
        static char back[4096];
        cr_expect_eq(ext2_readlink(link, back, sizeof(back)), (int)lengths[i]);
        cr_expect_arr_eq(back, targets[i], lengths[i]);
        ext2_iput(link);
    }
    char too_long[4097];
    memset(too_long, 'x', 4096);
    too_long[4096] = '\0';
    cr_expect_eq(ext2_symlink(m.root, "toolong", too_long, NULL), -ENAMETOOLONG);
    cr_expect_eq(ext2_symlink(m.root, "empty", "", NULL), -ENOENT);
    cr_expect_eq(ext2_symlink(m.root, "s0", "x", NULL), -EEXIST);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    char command[8192];
    snprintf(
        command, sizeof(command),
        "/usr/sbin/debugfs -R 'stat /s0' '%s' 2>/dev/null | grep -q 'Fast link dest: \"%.59s\"'",
        image, targets[0]);
    cr_expect_eq(fs_test_run(command), 0, "debugfs should see s0 as a fast link");
    for (int i = 1; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof(name), "/s%d", i);
        fs_test_expect_dump(image, name, (const uint8_t *)targets[i], lengths[i]);
    }
}

/* ---- Timestamps, fsync, -EIO ---------------------------------------------------------------- */

Test(ext2_write, timestamps_come_from_the_clock, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    fs_host_clock_now = 1750000000;
    struct ext2_inode *f = fs_test_create(&m, "/timed");
    fs_host_clock_now = 1750000100;
    fs_test_write_pattern(f, 1, 0, 10, 10);
    fs_host_clock_now = 1750000200;
    uint8_t buf[10];
    cr_assert_eq(ext2_file_read(f, 0, buf, 10),
                 10); /* atime was older than mtime: relatime updates */
    struct ext2_stat st;
    ext2_stat(f, &st);
    cr_expect_eq(st.mtime, 1750000100);
    cr_expect_eq(st.ctime, 1750000100);
    cr_expect_eq(st.atime, 1750000200);
    ext2_iput(f);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    char command[1024];
    snprintf(command, sizeof(command),
             "/usr/sbin/debugfs -R 'stat /timed' '%s' 2>/dev/null | grep -q ' mtime: 0x%08x'",
             image, 1750000100);
    cr_expect_eq(fs_test_run(command), 0, "debugfs should show the mtime");
}

Test(ext2_write, fsync_puts_the_data_on_disk, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *f = fs_test_create(&m, "/synced");
    fs_test_write_pattern(f, 11, 0, 30000, 4096);
    cr_assert_eq(ext2_fsync(f), 0);
    /* Still mounted: debugfs reads the disk as a crash would leave it. */
    fs_test_expect_dump_pattern(image, "/synced", 11, 30000);
    ext2_iput(f);
    fs_test_unmount(&m);
}

Test(ext2_write, io_errors_are_returned_not_crashed_on, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    fs_host_log_to_stderr = false;
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    fs_host_image_fail_reads_after(m.dev, 0);
    struct ext2_inode *f;
    int err = path_lookup(m.fs, m.root, "/deep/d0/d1/d2", 0, &f);
    cr_expect_eq(err, -EIO);
    fs_host_image_fail_reads_after(m.dev, -1);
    f = fs_test_create(&m, "/doomed");
    fs_host_image_fail_writes_after(m.dev, 0);
    /* Written to the cache: fine. The sync then fails. */
    fs_test_write_pattern(f, 1, 0, 3000, 3000);
    cr_expect_eq(ext2_fsync(f), -EIO);
    ext2_iput(f);
    fs_host_image_fail_writes_after(m.dev, -1);
    cr_expect_eq(ext2_sync(m.fs), 0);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

/* ---- A cache far smaller than the work -------------------------------------------------- */

/* Five buffers: metadata and data are evicted and written back in the middle of operations. */
Test(ext2_write, a_tiny_buffer_cache_still_leaves_a_clean_disk, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    cr_assert_eq(fs_test_try_mount_with(image, false, 5, &m), 0);
    struct ext2_inode *big = fs_test_create(&m, "/big");
    fs_test_write_pattern(big, 41, 0, 600 * 1024, 3333); /* into the double-indirect range */
    struct ext2_inode *dir;
    cr_assert_eq(ext2_mkdir(m.root, "crowd", 0755, &dir), 0);
    for (int i = 0; i < 150; i++) {
        char name[32];
        snprintf(name, sizeof(name), "member_%03d", i);
        struct ext2_inode *f;
        cr_assert_eq(ext2_create(dir, name, 0644, &f), 0);
        fs_test_write_pattern(f, (uint32_t)i, 0, (uint64_t)i * 37, 1000);
        ext2_iput(f);
    }
    for (int i = 0; i < 150; i += 3) {
        char name[32];
        snprintf(name, sizeof(name), "member_%03d", i);
        cr_assert_eq(ext2_unlink(dir, name), 0);
    }
    cr_assert_eq(ext2_file_truncate(big, 100 * 1024 + 7), 0);
    cr_assert_eq(ext2_rename(m.root, "crowd", m.root, "renamed_crowd"), 0);
    ext2_iput(dir);
    ext2_iput(big);
    struct bcache_stats stats;
    bcache_get_stats(&stats);
    cr_expect_gt(stats.evictions, 1000, "the cache should have been recycled constantly");
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    fs_test_expect_dump_pattern(image, "/big", 41, 100 * 1024 + 7);
    fs_test_expect_dump_pattern(image, "/renamed_crowd/member_100", 100, 3700);
}

/* ---- The oracle can fail --------------------------------------------------------------- */

/* A wrong byte, a wrong length and a corrupted count must all be caught, or clean runs prove
 * nothing. */
Test(ext2_write, the_oracle_catches_wrong_expectations, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *f = fs_test_create(&m, "/checked");
    fs_test_write_pattern(f, 12, 0, 5000, 5000);
    ext2_iput(f);
    fs_test_unmount(&m);
    uint8_t expected[5001];
    fs_test_pattern(12, 0, expected, sizeof(expected));
    char why[512];
    cr_expect(fs_test_dump_matches(image, "/checked", expected, 5000, why, sizeof(why)), "%s", why);
    expected[4321] ^= 0x40;
    cr_expect(!fs_test_dump_matches(image, "/checked", expected, 5000, why, sizeof(why)),
              "a flipped bit went unnoticed");
    expected[4321] ^= 0x40;
    cr_expect(!fs_test_dump_matches(image, "/checked", expected, 5001, why, sizeof(why)),
              "a wrong length went unnoticed");
    char command[1024];
    snprintf(command, sizeof(command),
             "/usr/sbin/debugfs -w -R 'sif /checked links_count 2' '%s' >/dev/null 2>&1", image);
    cr_assert_eq(fs_test_run(command), 0);
    cr_expect_eq(fs_test_e2fsck(image, NULL, 0), 4, "e2fsck -n should report the wrong link count");
}
