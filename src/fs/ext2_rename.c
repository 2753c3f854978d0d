/*
 * ext2_rename.c: rename, the most intricate of the name calls. It may
 * replace a target, move a directory (whose ".." must then follow it, and
 * the link counts of both parents with it), and must refuse to move a
 * directory into its own subtree, which would cut it off from the root.
 * The namespace lock makes the whole of it one step for other name calls.
 */
#include "fs/ext2_internal.h"
#include "abi/errno.h"

/* Both sides of a rename, found before anything changes. */
struct ext2_rename {
    struct ext2_inode *old_dir, *new_dir;
    const char *old_name, *new_name;
    struct ext2_dir_slot old_slot, new_slot;
    struct ext2_inode *source; /* what is moved */
    struct ext2_inode *target; /* what is replaced, or NULL */
};

/* The parent of directory `ino`, read from its ".." entry. */
static int ext2_parent_of(struct ext2_fs *fs, uint32_t ino, uint32_t *parent)
{
    struct ext2_inode *dir;
    int err = ext2_iget(fs, ino, &dir);
    if (err != 0)
        return err;
    struct ext2_dir_slot slot;
    mutex_lock(&dir->lock);
    err = ext2_inode_is_dir(dir) ? ext2_dir_find(dir, "..", 2, &slot) : ext2_corrupted(fs);
    mutex_unlock(&dir->lock);
    ext2_iput(dir);
    if (err == -ENOENT)
        err = ext2_corrupted(fs); /* every directory has ".." */
    if (err == 0)
        err = ext2_dir_check_ino(fs, slot.ino);
    if (err == 0)
        *parent = slot.ino;
    return err;
}

/*
 * -EINVAL if `dir` is `moved` or lies below it. The walk climbs ".." to the
 * root; on a sound disk it cannot take more steps than there are
 * directories, so more means a loop in the tree (-ELOOP).
 */
static int ext2_check_not_below(struct ext2_inode *moved, struct ext2_inode *dir)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t limit = ext2_directory_count(fs) + 1;
    uint32_t ino = dir->ino;
    for (uint32_t steps = 0; steps <= limit; steps++) {
        if (ino == moved->ino)
            return -EINVAL;
        if (ino == EXT2_ROOT_INO)
            return 0;
        int err = ext2_parent_of(fs, ino, &ino);
        if (err != 0)
            return err;
    }
    return -ELOOP;
}

/* Whether the move is allowed, by the kinds of source and target. */
static int ext2_rename_check(struct ext2_rename *r)
{
    bool source_is_dir = ext2_inode_is_dir(r->source);
    if (r->target != NULL) {
        bool target_is_dir = ext2_inode_is_dir(r->target);
        if (source_is_dir && !target_is_dir)
            return -ENOTDIR;
        if (!source_is_dir && target_is_dir)
            return -EISDIR;
        if (target_is_dir) {
            bool empty;
            mutex_lock(&r->target->lock);
            int err = ext2_dir_is_empty(r->target, &empty);
            mutex_unlock(&r->target->lock);
            if (err != 0)
                return err;
            if (!empty)
                return -ENOTEMPTY;
        }
    }
    if (!source_is_dir || r->old_dir == r->new_dir)
        return 0;
    if (r->target == NULL && r->new_dir->disk.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    return ext2_check_not_below(r->source, r->new_dir);
}

/* The new name: a new entry, or the target's entry pointed at the source. */
static int ext2_rename_set_new_name(struct ext2_rename *r)
{
    struct ext2_inode *dir = r->new_dir;
    mutex_lock(&dir->lock);
    int err;
    if (r->target != NULL) {
        err = ext2_dir_retarget(dir, &r->new_slot, r->source->ino, r->source->disk.i_mode);
    } else {
        size_t len;
        err = ext2_check_name(r->new_name, &len);
        if (err == 0)
            err = ext2_dir_add(dir, r->new_name, len, r->source->ino, r->source->disk.i_mode);
    }
    mutex_unlock(&dir->lock);
    return err;
}

/* Remove the old name. Found again: adding the new one may have moved records. */
static int ext2_rename_remove_old_name(struct ext2_rename *r)
{
    struct ext2_inode *dir = r->old_dir;
    size_t len;
    int err = ext2_check_name(r->old_name, &len);
    mutex_lock(&dir->lock);
    struct ext2_dir_slot slot;
    if (err == 0)
        err = ext2_dir_find(dir, r->old_name, len, &slot);
    if (err == 0 && slot.ino != r->source->ino)
        err = ext2_corrupted(dir->fs);
    if (err == 0)
        err = ext2_dir_remove(dir, &slot);
    mutex_unlock(&dir->lock);
    return err;
}

/* A directory moved to another parent: its ".." and both parents' link counts follow. */
static int ext2_rename_move_dir(struct ext2_rename *r)
{
    struct ext2_inode *dir = r->source;
    struct ext2_dir_slot slot;
    mutex_lock(&dir->lock);
    int err = ext2_dir_find(dir, "..", 2, &slot);
    if (err == 0)
        err = ext2_dir_retarget(dir, &slot, r->new_dir->ino, EXT2_S_IFDIR);
    mutex_unlock(&dir->lock);
    if (err == 0)
        err = ext2_adjust_links(r->old_dir, -1);
    if (err == 0)
        err = ext2_adjust_links(r->new_dir, +1);
    return err;
}

/* The changes, in an order where running out of space (only possible first) changes nothing. */
static int ext2_rename_apply(struct ext2_rename *r)
{
    bool source_is_dir = ext2_inode_is_dir(r->source);
    int err = ext2_rename_set_new_name(r);
    if (err == 0)
        err = ext2_rename_remove_old_name(r);
    if (err == 0 && r->target != NULL && ext2_inode_is_dir(r->target)) {
        /* The replaced directory loses both its links, and its ".." leaves new_dir. */
        err = ext2_clear_links(r->target);
        if (err == 0)
            err = ext2_adjust_links(r->new_dir, -1);
    } else if (err == 0 && r->target != NULL) {
        err = ext2_adjust_links(r->target, -1);
    }
    if (err == 0 && source_is_dir && r->old_dir != r->new_dir)
        err = ext2_rename_move_dir(r);
    if (err == 0)
        err = ext2_adjust_links(r->source, 0); /* ctime */
    return err;
}

/* Look up both names; the target may be missing. */
static int ext2_rename_prepare(struct ext2_rename *r)
{
    int err = ext2_find_child(r->old_dir, r->old_name, &r->old_slot, &r->source);
    if (err != 0)
        return err;
    err = ext2_find_child(r->new_dir, r->new_name, &r->new_slot, &r->target);
    if (err == -ENOENT) {
        size_t len;
        r->target = NULL;
        err = ext2_check_name(r->new_name, &len);
        if (err == 0 && r->new_dir->disk.i_links_count == 0)
            err = -ENOENT;
    }
    return err;
}

int ext2_rename(struct ext2_inode *old_dir, const char *old_name, struct ext2_inode *new_dir,
                const char *new_name)
{
    if (old_dir->fs != new_dir->fs)
        return -EXDEV;
    if (ext2_name_is_dot_or_dotdot(old_name) || ext2_name_is_dot_or_dotdot(new_name))
        return -EINVAL;
    int err = ext2_namespace_begin(old_dir);
    if (err != 0)
        return err;
    struct ext2_rename r = {.old_dir = old_dir,
                            .new_dir = new_dir,
                            .old_name = old_name,
                            .new_name = new_name,
                            .source = NULL,
                            .target = NULL};
    err = ext2_rename_prepare(&r);
    /* Two names of one inode: POSIX says rename does nothing then. */
    bool same = err == 0 && r.source == r.target;
    if (err == 0 && !same)
        err = ext2_rename_check(&r);
    if (err == 0 && !same)
        err = ext2_rename_apply(&r);
    if (r.target != NULL)
        ext2_iput(r.target);
    if (r.source != NULL)
        ext2_iput(r.source);
    ext2_namespace_end(old_dir);
    return err;
}
