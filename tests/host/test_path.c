/*
 * test_path.c: path lookup on the generated tree: absolute and relative
 * paths, ".", "..", repeated and trailing slashes, symlinks (fast, slow,
 * absolute, chains, loops, the limit of 40), and every error it returns.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2.h"
#include "fs/path.h"
#include "fs_host_shims.h"
#include "sync/spinlock.h" /* the host shim: fs_host_locks_held */
#include "fs_test_util.h"
#include "abi/errno.h"

static struct fs_test_mount m;

static void setup_read_only(void)
{
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
}

static void teardown(void)
{
    cr_expect_eq(fs_host_locks_held, 0);
    fs_test_unmount(&m);
    fs_test_remove_copies();
}

/* The inode number `path` resolves to from `start`, or the negative error. */
static long resolve_from(struct ext2_inode *start, const char *path, unsigned flags)
{
    struct ext2_inode *inode;
    int err = path_lookup(m.fs, start, path, flags, &inode);
    if (err != 0)
        return err;
    long ino = ext2_inode_number(inode);
    ext2_iput(inode);
    return ino;
}

static long resolve(const char *path)
{
    return resolve_from(m.root, path, PATH_FOLLOW);
}

static long no_follow(const char *path)
{
    return resolve_from(m.root, path, 0);
}

Test(path, absolute_relative_dots_and_slashes, .init = setup_read_only, .fini = teardown)
{
    long root = EXT2_ROOT_INO;
    long deep = resolve("/deep");
    long d1 = resolve("/deep/d0/d1");
    cr_assert_gt(deep, 0);
    cr_assert_gt(d1, 0);
    cr_expect_eq(resolve("/"), root);
    cr_expect_eq(resolve("/.."), root, "the root is its own parent");
    cr_expect_eq(resolve("/../../deep"), deep);
    cr_expect_eq(resolve("//deep///d0//d1/"), d1);
    cr_expect_eq(resolve("/deep/./d0/../d0/d1/."), d1);
    cr_expect_eq(resolve("deep/d0/d1"), d1, "relative to the start (the root here)");
    cr_expect_eq(resolve_from(NULL, "deep/d0/d1", 0), d1, "no start: from the root");
    struct ext2_inode *start = fs_test_get(&m, "/deep/d0", false);
    cr_expect_eq(resolve_from(start, "d1", 0), d1);
    cr_expect_eq(resolve_from(start, "..", 0), deep);
    cr_expect_eq(resolve_from(start, "/deep", 0), deep, "absolute ignores the start");
    ext2_iput(start);
    char path[512] = "/deep";
    for (int i = 0; i < 30; i++)
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "/d%d", i);
    strcat(path, "/bottom");
    cr_expect_gt(resolve(path), 0, "30 levels down");
}

Test(path, errors, .init = setup_read_only, .fini = teardown)
{
    cr_expect_eq(resolve(""), -ENOENT);
    cr_expect_eq(resolve("/nothing"), -ENOENT);
    cr_expect_eq(resolve("/deep/nothing/d0"), -ENOENT);
    cr_expect_eq(resolve("/links/target/x"), -ENOTDIR, "a file in the middle");
    cr_expect_eq(resolve("/links/target/"), -ENOTDIR, "a trailing slash after a file");
    cr_expect_gt(resolve("/deep/"), 0, "a trailing slash after a directory");
    struct ext2_inode *file = fs_test_get(&m, "/links/target", false);
    cr_expect_eq(resolve_from(file, "x", 0), -ENOTDIR, "relative to a file");
    ext2_iput(file);
    char name[300];
    memset(name, 'n', 255);
    strcpy(name + 255, "");
    char path[5000];
    snprintf(path, sizeof(path), "/names/%s", name);
    cr_expect_gt(resolve(path), 0, "a 255-byte name");
    strcat(path, "n");
    cr_expect_eq(resolve(path), -ENAMETOOLONG, "a 256-byte name");
    /* 4095 bytes is the longest path; 4096 is too long even if it resolves. */
    memset(path, 0, sizeof(path));
    path[0] = '/';
    for (int i = 1; i < 4095; i += 2)
        memcpy(path + i, "./", 2);
    path[4095] = '\0';
    path[4094] = '.';
    cr_expect_eq(strlen(path), 4095);
    cr_expect_eq(resolve(path), EXT2_ROOT_INO);
    strcat(path, "/");
    cr_expect_eq(resolve(path), -ENAMETOOLONG);
}

Test(path, symlinks, .init = setup_read_only, .fini = teardown)
{
    long target = no_follow("/links/target");
    cr_assert_gt(target, 0);
    cr_expect_eq(resolve("/links/fast"), target);
    cr_expect_neq(no_follow("/links/fast"), target, "lstat sees the link itself");
    cr_expect_eq(resolve("/links/chain1"), target);
    cr_expect_eq(resolve("/links/absolute"), target);
    cr_expect_eq(resolve("/links/to_dir/d0/d1"), resolve("/deep/d0/d1"));
    cr_expect_eq(no_follow("/links/to_dir/"), resolve("/deep"), "a trailing slash follows");
    cr_expect_eq(resolve("/links/dangling"), -ENOENT);
    cr_expect_gt(no_follow("/links/dangling"), 0);
    cr_expect_eq(resolve("/links/loop_a"), -ELOOP);
    cr_expect_eq(resolve("/links/self"), -ELOOP);
    cr_expect_eq(resolve("/links/self/x"), -ELOOP, "a loop in the middle, followed or not");
    cr_expect_eq(resolve("/links/slow60"), -ENOENT, "the slow link's 60-byte target is missing");
    cr_expect_eq(resolve("/links/fast/x"), -ENOTDIR);
}

Test(path, parent_and_last_component, .init = setup_read_only, .fini = teardown)
{
    struct path_parent p;
    cr_assert_eq(path_lookup_parent(m.fs, m.root, "/deep/d0/new_name", &p), 0);
    cr_expect_eq(ext2_inode_number(p.dir), resolve("/deep/d0"));
    cr_expect_str_eq(p.name, "new_name");
    cr_expect(!p.trailing_slash);
    path_parent_release(&p);
    cr_assert_eq(path_lookup_parent(m.fs, m.root, "/links/to_dir/d0/", &p), 0);
    cr_expect_eq(ext2_inode_number(p.dir), resolve("/deep"), "a symlink on the way is followed");
    cr_expect_str_eq(p.name, "d0");
    cr_expect(p.trailing_slash);
    path_parent_release(&p);
    cr_assert_eq(path_lookup_parent(m.fs, m.root, "/links/dangling", &p), 0);
    cr_expect_str_eq(p.name, "dangling", "the last component is not followed");
    path_parent_release(&p);
    cr_assert_eq(path_lookup_parent(m.fs, m.root, "/", &p), 0);
    cr_expect_eq(ext2_inode_number(p.dir), EXT2_ROOT_INO);
    cr_expect_str_eq(p.name, ".");
    path_parent_release(&p);
    cr_assert_eq(path_lookup_parent(m.fs, m.root, "plain", &p), 0);
    cr_expect_eq(ext2_inode_number(p.dir), EXT2_ROOT_INO);
    path_parent_release(&p);
    cr_expect_eq(path_lookup_parent(m.fs, m.root, "/nothing/x", &p), -ENOENT);
    cr_expect_eq(path_lookup_parent(m.fs, m.root, "/links/target/x", &p), -ENOTDIR);
    cr_expect_eq(path_lookup_parent(m.fs, m.root, "/links/loop_a/x", &p), -ELOOP);
    cr_expect_null(p.dir, "nothing is held after an error");
}

/* 40 links in a row resolve; a 41st is one too many. Targets that grow the path too long fail. */
Test(path, the_symlink_limit_and_long_expansions, .fini = teardown)
{
    const char *image = fs_test_copy_image("b4k.img");
    fs_test_mount(image, false, &m);
    struct ext2_inode *dir = NULL;
    cr_assert_eq(ext2_mkdir(m.root, "chain", 0755, &dir), 0);
    struct ext2_inode *end;
    cr_assert_eq(ext2_create(dir, "end", 0644, &end), 0);
    long end_ino = ext2_inode_number(end);
    ext2_iput(end);
    for (int i = 40; i >= 0; i--) {
        char name[16], target[16];
        snprintf(name, sizeof(name), "l%d", i);
        snprintf(target, sizeof(target), i == 40 ? "end" : "l%d", i + 1);
        cr_assert_eq(ext2_symlink(dir, name, target, NULL), 0);
    }
    cr_expect_eq(resolve("/chain/l1"), end_ino, "40 links");
    cr_expect_eq(resolve("/chain/l0"), -ELOOP, "41 links");
    static char target[4096];
    memset(target, 0, sizeof(target));
    for (int i = 0; i < 3998; i += 2)
        memcpy(target + i, "./", 2);
    cr_assert_eq(ext2_symlink(dir, "long", target, NULL), 0);
    cr_expect_eq(resolve("/chain/long/end"), end_ino, "a 3998-byte target spliced in");
    char path[200];
    snprintf(path, sizeof(path), "/chain/long/%0100d", 0);
    cr_expect_eq(resolve(path), -ENAMETOOLONG, "target plus the rest is over 4095 bytes");
    ext2_iput(dir);
}
