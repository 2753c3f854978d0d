/*
 * test_ext2_corrupt.c: every image scripts/fs_corrupt.py damages is mounted
 * (or refused, with a message naming the reason), walked from the root, read,
 * and changed. Nothing may crash (ASan and UBSan watch) or hang (a timeout
 * watches), and the damaged spot must give the error expected there.
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

enum probe {
    PROBE_NONE,
    PROBE_LOOKUP,   /* path_lookup(path) without following a last symlink */
    PROBE_FOLLOW,   /* path_lookup(path) following it */
    PROBE_READ,     /* read the whole file */
    PROBE_READLINK, /* readlink */
    PROBE_CREATE,   /* create the file `path` and write a block into it */
    PROBE_RENAME,   /* rename /names/DDD... (a directory) to `path` */
};

struct corruption_case {
    const char *name;
    const char *refusal; /* NULL: it mounts; else a word the refusal's log line holds */
    enum probe probe;
    const char *path;
    int error; /* what the probe must give */
};

static const struct corruption_case cases[] = {
    {"sb_magic", "bad magic", PROBE_NONE, NULL, 0},
    {"sb_revision", "revision 0", PROBE_NONE, NULL, 0},
    {"sb_block_size", "block size", PROBE_NONE, NULL, 0},
    {"sb_blocks_count", "the device holds", PROBE_NONE, NULL, 0},
    {"sb_inodes_count", "groups of", PROBE_NONE, NULL, 0},
    {"sb_inodes_per_group", "inodes per group", PROBE_NONE, NULL, 0},
    {"sb_first_data_block", "first data block", PROBE_NONE, NULL, 0},
    {"sb_inode_size", "inode size", PROBE_NONE, NULL, 0},
    {"gd_block_bitmap", "block bitmap", PROBE_NONE, NULL, 0},
    {"gd_inode_bitmap", "inode bitmap", PROBE_NONE, NULL, 0},
    {"gd_inode_table", "inode table", PROBE_NONE, NULL, 0},
    {"gd_free_count", "counts out of range", PROBE_NONE, NULL, 0},
    /* The superblock's free counts are only a summary: the groups' are used. */
    {"sb_free_blocks", NULL, PROBE_READ, "/sizes/single_+1", 0},
    {"inode_block_range", NULL, PROBE_READ, "/sizes/direct_+1", -EUCLEAN},
    {"inode_indirect_self", NULL, PROBE_READ, "/sizes/single_+1", -EUCLEAN},
    {"indirect_range", NULL, PROBE_READ, "/sizes/single_+1", -EUCLEAN},
    {"indirect_to_gdt", NULL, PROBE_READ, "/sizes/single_+1", -EUCLEAN},
    {"indirect_to_bitmap", NULL, PROBE_READ, "/sizes/single_+1", -EUCLEAN},
    {"dind_self", NULL, PROBE_READ, "/sizes/dchild_+1", -EUCLEAN},
    {"inode_mode", NULL, PROBE_LOOKUP, "/sizes/small_60", -EUCLEAN},
    {"inode_links_zero", NULL, PROBE_LOOKUP, "/sizes/small_59", -EUCLEAN},
    {"inode_acl_range", NULL, PROBE_LOOKUP, "/sizes/small_511", -EUCLEAN},
    {"dir_size", NULL, PROBE_LOOKUP, "/deep/d0", -EUCLEAN},
    {"dir_hole", NULL, PROBE_LOOKUP, "/deep/d0/d1", -EUCLEAN},
    {"dirent_rec_len_zero", NULL, PROBE_LOOKUP, "/names/zz_after", -EUCLEAN},
    {"dirent_rec_len_past_block", NULL, PROBE_LOOKUP, "/names/zz_after", -EUCLEAN},
    {"dirent_rec_len_unaligned", NULL, PROBE_LOOKUP, "/names/zz_after", -EUCLEAN},
    {"dirent_name_len", NULL, PROBE_LOOKUP, "/names/zz_after", -EUCLEAN},
    {"dirent_inode_range", NULL, PROBE_LOOKUP, "/names/zz_after", -EUCLEAN},
    {"dirent_inode_reserved", NULL, PROBE_LOOKUP, "/names/victim", -EUCLEAN},
    {"symlink_size", NULL, PROBE_READLINK, "/links/fast", -EUCLEAN},
    {"symlink_loop", NULL, PROBE_FOLLOW, "/links/chain1", -ELOOP},
    /* A loop in the tree: paths through it still resolve; walks must not run forever. */
    {"dir_loop", NULL, PROBE_LOOKUP, "/deep/d0/d1/loop/d0/d1/loop/d0/d1/d2", 0},
    {"dotdot_loop", NULL, PROBE_RENAME, "/deep/d0/d1/moved", -ELOOP},
    {"bitmap_metadata_free", NULL, PROBE_CREATE, "/new_file", -EUCLEAN},
    {"inode_bitmap_used_free", NULL, PROBE_CREATE, "/sizes/new_file", -EUCLEAN},
};

/* ---- Walking everything ---------------------------------------------------------------- */

struct walk {
    struct fs_test_mount *m;
    uint32_t visited[4096]; /* directories entered, so a loop is entered once */
    int visited_count;
    int errors; /* operations that failed: expected on a damaged image, only counted */
    int files;
};

static bool walk_seen(struct walk *w, uint32_t ino)
{
    for (int i = 0; i < w->visited_count; i++) {
        if (w->visited[i] == ino)
            return true;
    }
    cr_assert_lt(w->visited_count, 4096);
    w->visited[w->visited_count++] = ino;
    return false;
}

static void walk_file(struct walk *w, struct ext2_inode *inode)
{
    static uint8_t buf[65536];
    struct ext2_stat st;
    ext2_stat(inode, &st);
    w->files++;
    if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFLNK) {
        if (ext2_readlink(inode, (char *)buf, sizeof(buf)) < 0)
            w->errors++;
        return;
    }
    uint64_t offset = 0;
    while (offset < st.size && offset < (8u << 20)) {
        int64_t got = ext2_file_read(inode, offset, buf, sizeof(buf));
        if (got <= 0) {
            w->errors++;
            return;
        }
        offset += (uint64_t)got;
    }
}

static void walk_dir(struct walk *w, struct ext2_inode *dir, int depth)
{
    if (walk_seen(w, ext2_inode_number(dir)) || depth > 64)
        return;
    struct ext2_dirent d;
    uint64_t offset = 0;
    int got;
    while ((got = ext2_readdir(dir, offset, &d)) == 1) {
        cr_assert_gt(d.next_offset, offset, "readdir must move forward");
        offset = d.next_offset;
        if (strcmp(d.name, ".") == 0 || strcmp(d.name, "..") == 0)
            continue;
        struct ext2_inode *child;
        if (ext2_lookup(dir, d.name, &child) != 0) {
            w->errors++;
            continue;
        }
        if ((ext2_inode_mode(child) & EXT2_S_IFMT) == EXT2_S_IFDIR)
            walk_dir(w, child, depth + 1);
        else
            walk_file(w, child);
        ext2_iput(child);
    }
    if (got < 0)
        w->errors++;
}

/* ---- The probes ------------------------------------------------------------------------- */

static int probe(struct fs_test_mount *m, const struct corruption_case *c)
{
    struct ext2_inode *inode = NULL;
    int err = 0;
    switch (c->probe) {
    case PROBE_NONE: return 0;
    case PROBE_LOOKUP:
    case PROBE_FOLLOW:
        err = path_lookup(m->fs, m->root, c->path, c->probe == PROBE_FOLLOW ? PATH_FOLLOW : 0,
                          &inode);
        break;
    case PROBE_READ:
    case PROBE_READLINK: {
        err = path_lookup(m->fs, m->root, c->path, 0, &inode);
        cr_assert_eq(err, 0, "%s: %d", c->path, err);
        static uint8_t buf[1 << 20];
        struct ext2_stat st;
        ext2_stat(inode, &st);
        if (c->probe == PROBE_READLINK) {
            err = ext2_readlink(inode, (char *)buf, sizeof(buf));
        } else {
            /* A read stops short before a bad block; the next one reports it. */
            uint64_t offset = 0;
            int64_t got = 1;
            while (offset < st.size && got > 0) {
                got = ext2_file_read(inode, offset, buf, sizeof(buf));
                offset += got > 0 ? (uint64_t)got : 0;
            }
            err = got < 0 ? (int)got : 0;
        }
        err = err < 0 ? err : 0;
        break;
    }
    case PROBE_CREATE: {
        struct path_parent parent;
        cr_assert_eq(path_lookup_parent(m->fs, m->root, c->path, &parent), 0);
        err = ext2_create(parent.dir, parent.name, 0644, &inode);
        path_parent_release(&parent);
        if (err == 0) {
            static uint8_t block[1024];
            int64_t wrote = ext2_file_write(inode, 0, block, sizeof(block));
            err = wrote < 0 ? (int)wrote : 0;
        }
        break;
    }
    case PROBE_RENAME: {
        struct path_parent to;
        cr_assert_eq(path_lookup_parent(m->fs, m->root, c->path, &to), 0);
        struct ext2_inode *names = fs_test_get(m, "/names", false);
        char dir_name[256];
        memset(dir_name, 'D', 255);
        dir_name[255] = '\0';
        err = ext2_rename(names, dir_name, to.dir, to.name);
        ext2_iput(names);
        path_parent_release(&to);
        break;
    }
    }
    if (inode != NULL)
        ext2_iput(inode);
    return err;
}

/* Remove every name under /sizes that can be reached: frees damaged block maps. */
static void remove_sizes(struct fs_test_mount *m)
{
    struct ext2_inode *sizes;
    if (path_lookup(m->fs, m->root, "/sizes", 0, &sizes) != 0)
        return;
    struct ext2_dirent d;
    char names[64][EXT2_NAME_MAX + 1];
    int count = 0;
    for (uint64_t offset = 0; count < 64 && ext2_readdir(sizes, offset, &d) == 1;
         offset = d.next_offset) {
        if (strcmp(d.name, ".") != 0 && strcmp(d.name, "..") != 0)
            strcpy(names[count++], d.name);
    }
    for (int i = 0; i < count; i++)
        ext2_unlink(sizes, names[i]);
    ext2_iput(sizes);
}

static void check_case(const struct corruption_case *c)
{
    char source[300];
    snprintf(source, sizeof(source), "corrupt/%s.img", c->name);
    const char *image = fs_test_copy_image(source);
    fs_host_log_to_stderr = false;
    fs_host_clear_log();
    struct fs_test_mount m;
    int err = fs_test_try_mount(image, false, &m);
    if (c->refusal != NULL) {
        cr_expect_eq(err, -EINVAL, "%s: mount gave %d, expected a refusal", c->name, err);
        cr_expect(strstr(fs_host_last_log, c->refusal) != NULL, "%s: the message '%s' lacks '%s'",
                  c->name, fs_host_last_log, c->refusal);
        cr_expect(strstr(fs_host_last_log, "refused") != NULL, "%s: '%s'", c->name,
                  fs_host_last_log);
        fs_host_image_close(m.dev);
        bcache_shutdown();
        return;
    }
    cr_assert_eq(err, 0, "%s: mount %d (%s)", c->name, err, fs_host_last_log);
    int got = probe(&m, c);
    cr_expect_eq(got, c->error, "%s: probe of %s gave %d, expected %d", c->name, c->path, got,
                 c->error);
    struct walk w = {.m = &m};
    walk_dir(&w, m.root, 0);
    cr_expect_gt(w.files, 20, "%s: the walk should still reach most files", c->name);
    remove_sizes(&m);
    cr_expect_eq(fs_host_locks_held, 0, "%s: a lock was left held", c->name);
    fs_test_unmount(&m);
}

Test(ext2_corrupt, every_damaged_image, .timeout = 60)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_case(&cases[i]);
        fs_test_remove_copies();
    }
}

/* The table covers every corruption the script knows, and the images really are damaged. */
Test(ext2_corrupt, the_table_matches_the_script_and_e2fsck_agrees)
{
    FILE *list = popen("/usr/bin/python3 " FS_SCRIPT_DIR "/fs_corrupt.py --list", "r");
    cr_assert_not_null(list);
    char line[512];
    int listed = 0;
    while (fgets(line, sizeof(line), list) != NULL) {
        char name[128];
        cr_assert_eq(sscanf(line, "%127s", name), 1);
        bool found = false;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            found = found || strcmp(cases[i].name, name) == 0;
        cr_expect(found, "corruption %s has no test case", name);
        listed++;
        /* e2fsck quietly corrects a superblock summary, as ext2 does; a symlink loop is legal. */
        if (strcmp(name, "sb_free_blocks") == 0 || strcmp(name, "symlink_loop") == 0)
            continue;
        char image[300];
        snprintf(image, sizeof(image), "corrupt/%s.img", name);
        cr_expect_neq(fs_test_e2fsck(fs_test_image(image), NULL, 0), 0,
                      "e2fsck finds nothing wrong with %s", name);
    }
    pclose(list);
    cr_expect_eq(listed, (int)(sizeof(cases) / sizeof(cases[0])));
}
