/*
 * ext2_namei.c: the calls that add or remove names: create, mkdir, unlink,
 * rmdir and link (rename and symlink have files of their own). Each runs
 * under fs->namespace_lock, takes one inode lock at a time, and orders its
 * steps so that a failure part way (-ENOSPC) leaves nothing half done.
 */
#include "console/console.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"

int ext2_namespace_begin(struct ext2_inode *dir)
{
    if (dir->fs->read_only)
        return -EROFS;
    mutex_lock(&dir->fs->namespace_lock);
    return 0;
}

void ext2_namespace_end(struct ext2_inode *dir)
{
    mutex_unlock(&dir->fs->namespace_lock);
}

/* Add or remove a link: the count, ctime, and the inode written back. */
int ext2_adjust_links(struct ext2_inode *inode, int delta)
{
    mutex_lock(&inode->lock);
    int links = inode->disk.i_links_count + delta;
    inode->disk.i_links_count = (uint16_t)(links < 0 ? 0 : links);
    ext2_inode_touch(inode, false);
    /* A link that goes reaches the disk before the entry's removal (docs/ext2.md). */
    int err = delta < 0 ? ext2_inode_write_first(inode) : ext2_inode_write(inode);
    mutex_unlock(&inode->lock);
    return err;
}

int ext2_clear_links(struct ext2_inode *inode)
{
    mutex_lock(&inode->lock);
    inode->disk.i_links_count = 0;
    ext2_inode_touch(inode, false);
    int err = ext2_inode_write_first(inode);
    mutex_unlock(&inode->lock);
    return err;
}

/* The entry `name` of `dir` and the inode it names (a new reference). */
int ext2_find_child(struct ext2_inode *dir, const char *name, struct ext2_dir_slot *slot,
                    struct ext2_inode **child)
{
    size_t len;
    int err = ext2_check_name(name, &len);
    if (err != 0)
        return err;
    mutex_lock(&dir->lock);
    if (!ext2_inode_is_dir(dir))
        err = -ENOTDIR;
    else
        err = ext2_dir_find(dir, name, len, slot);
    mutex_unlock(&dir->lock);
    if (err == 0)
        err = ext2_dir_check_ino(dir->fs, slot->ino);
    if (err == 0)
        err = ext2_iget(dir->fs, slot->ino, child);
    return err;
}

/* ---- Creating ------------------------------------------------------------------------ */

/* Whether `dir` can take a new name: a directory, not removed, below the link limit. */
static int ext2_check_dir_open(struct ext2_inode *dir, bool is_dir)
{
    if (!ext2_inode_is_dir(dir))
        return -ENOTDIR;
    if (dir->disk.i_links_count == 0)
        return -ENOENT; /* removed while someone still held it */
    if (is_dir && dir->disk.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK; /* the new directory's ".." would be one link too many */
    return 0;
}

/* May `name` be created in `dir`? Its length in *len. */
static int ext2_check_new_name(struct ext2_inode *dir, const char *name, bool is_dir, size_t *len)
{
    int err = ext2_check_name(name, len);
    if (err != 0)
        return err;
    struct ext2_dir_slot slot;
    mutex_lock(&dir->lock);
    err = ext2_check_dir_open(dir, is_dir);
    if (err == 0) {
        err = ext2_dir_find(dir, name, *len, &slot);
        /* Here "not found" is the good answer. */
        if (err == 0)
            err = -EEXIST;
        else if (err == -ENOENT)
            err = 0;
    }
    mutex_unlock(&dir->lock);
    return err;
}

/* Put a new inode's name into `dir`; a new directory's ".." adds a link to `dir`. */
static int ext2_link_new(struct ext2_inode *dir, const char *name, size_t len,
                         struct ext2_inode *child, bool is_dir)
{
    mutex_lock(&dir->lock);
    int err = ext2_dir_add(dir, name, len, child->ino, child->disk.i_mode);
    if (err == 0 && is_dir) {
        dir->disk.i_links_count++;
        err = ext2_inode_write(dir);
    }
    mutex_unlock(&dir->lock);
    return err;
}

/*
 * A new inode of `mode` named `name` in `dir`: allocate it near its parent,
 * let `fill` give it contents (a directory's first block, a symlink's
 * target) while nothing names it yet, then add the entry. If a step fails,
 * the inode is dropped with no links, which frees whatever it got.
 */
int ext2_make_node(struct ext2_inode *dir, const char *name, uint16_t mode,
                   int (*fill)(struct ext2_inode *child, const void *arg), const void *arg,
                   struct ext2_inode **out)
{
    struct ext2_fs *fs = dir->fs;
    bool is_dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
    size_t len;
    int err = ext2_check_new_name(dir, name, is_dir, &len);
    uint32_t ino;
    if (err == 0)
        err = ext2_inode_alloc(fs, dir->ino, is_dir, &ino);
    if (err != 0)
        return err;
    struct ext2_inode *child;
    err = ext2_inode_new(fs, ino, mode, &child);
    if (err != 0) {
        ext2_inode_free(fs, ino, is_dir);
        return err;
    }
    if (fill != NULL)
        err = fill(child, arg);
    int write_err = ext2_inode_write(child);
    mutex_unlock(&child->lock);
    if (err == 0)
        err = write_err;
    if (err == 0)
        err = ext2_link_new(dir, name, len, child, is_dir);
    if (err != 0) {
        ext2_clear_links(child);
        ext2_iput(child);
        return err;
    }
    *out = child;
    return 0;
}

/* Return the new inode to the caller, or drop it if the caller did not want it. */
static int ext2_hand_out(int err, struct ext2_inode *child, struct ext2_inode **out)
{
    if (err != 0)
        return err;
    if (out != NULL)
        *out = child;
    else
        ext2_iput(child);
    return 0;
}

int ext2_create(struct ext2_inode *dir, const char *name, uint16_t mode, struct ext2_inode **out)
{
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    struct ext2_inode *child = NULL;
    uint16_t file_mode = EXT2_S_IFREG | (mode & 07777);
    err = ext2_make_node(dir, name, file_mode, NULL, NULL, &child);
    ext2_namespace_end(dir);
    return ext2_hand_out(err, child, out);
}

/* mkdir's fill: "." and ".." in the first block; "." is the second link. */
static int ext2_fill_directory(struct ext2_inode *child, const void *arg)
{
    const struct ext2_inode *parent = arg;
    child->disk.i_links_count = 2;
    return ext2_dir_init(child, parent->ino);
}

int ext2_mkdir(struct ext2_inode *dir, const char *name, uint16_t mode, struct ext2_inode **out)
{
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    struct ext2_inode *child = NULL;
    uint16_t dir_mode = EXT2_S_IFDIR | (mode & 07777);
    err = ext2_make_node(dir, name, dir_mode, ext2_fill_directory, dir, &child);
    ext2_namespace_end(dir);
    return ext2_hand_out(err, child, out);
}

/* ---- Removing -------------------------------------------------------------------------- */

/* Remove the entry at `slot` from `dir`. */
static int ext2_remove_entry(struct ext2_inode *dir, const struct ext2_dir_slot *slot)
{
    mutex_lock(&dir->lock);
    int err = ext2_dir_remove(dir, slot);
    mutex_unlock(&dir->lock);
    return err;
}

int ext2_unlink(struct ext2_inode *dir, const char *name)
{
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    struct ext2_dir_slot slot;
    struct ext2_inode *child = NULL;
    err = ext2_find_child(dir, name, &slot, &child);
    if (err == 0 && ext2_inode_is_dir(child))
        err = -EISDIR;
    if (err == 0)
        err = ext2_remove_entry(dir, &slot);
    if (err == 0)
        err = ext2_adjust_links(child, -1);
    if (child != NULL)
        ext2_iput(child); /* frees the file if that was its last name and nobody has it open */
    ext2_namespace_end(dir);
    return err;
}

static int ext2_check_removable_dir(struct ext2_inode *dir, struct ext2_inode *child)
{
    if (!ext2_inode_is_dir(child))
        return -ENOTDIR;
    if (child == dir)
        return -EINVAL;
    if (child->ino == EXT2_ROOT_INO)
        return -EBUSY;
    bool empty;
    mutex_lock(&child->lock);
    int err = ext2_dir_is_empty(child, &empty);
    mutex_unlock(&child->lock);
    if (err == 0 && !empty)
        err = -ENOTEMPTY;
    return err;
}

int ext2_rmdir(struct ext2_inode *dir, const char *name)
{
    if (ext2_name_is_dot_or_dotdot(name))
        return name[1] == '\0' ? -EINVAL : -ENOTEMPTY;
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    struct ext2_dir_slot slot;
    struct ext2_inode *child = NULL;
    err = ext2_find_child(dir, name, &slot, &child);
    if (err == 0)
        err = ext2_check_removable_dir(dir, child);
    if (err == 0)
        err = ext2_remove_entry(dir, &slot);
    if (err == 0)
        err = ext2_adjust_links(dir, -1); /* the child's ".." */
    if (err == 0)
        err = ext2_clear_links(child); /* its entry and its "." both go */
    if (child != NULL)
        ext2_iput(child);
    ext2_namespace_end(dir);
    return err;
}

/* ---- Hard links ------------------------------------------------------------------------ */

static int ext2_check_link_target(struct ext2_inode *dir, struct ext2_inode *target)
{
    if (target->fs != dir->fs)
        return -EXDEV;
    if (ext2_inode_is_dir(target))
        return -EPERM;
    mutex_lock(&target->lock);
    int err = 0;
    if (target->disk.i_links_count == 0)
        err = -ENOENT;
    else if (target->disk.i_links_count >= EXT2_LINK_MAX)
        err = -EMLINK;
    mutex_unlock(&target->lock);
    return err;
}

int ext2_link(struct ext2_inode *dir, const char *name, struct ext2_inode *target)
{
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    size_t len;
    err = ext2_check_link_target(dir, target);
    if (err == 0)
        err = ext2_check_new_name(dir, name, false, &len);
    if (err == 0)
        err = ext2_link_new(dir, name, len, target, false);
    if (err == 0)
        err = ext2_adjust_links(target, +1);
    ext2_namespace_end(dir);
    return err;
}
