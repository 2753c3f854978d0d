/*
 * ext2_symlink.c: symbolic links. A target shorter than 60 bytes is stored
 * in the inode itself, in the 60 bytes of i_block (a "fast" symlink, no
 * block at all); a longer one gets one data block. i_size is the target's
 * length, without a NUL, and may not reach the block size.
 */
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"

/* ext2_make_node's fill for a symlink: child->lock held, nothing names it yet. */
static int ext2_fill_symlink(struct ext2_inode *child, const void *arg)
{
    /* LAB 11 BEGIN: symlink_fill */
    const char *target = arg;
    size_t len = strlen(target);
    if (len <= EXT2_FAST_SYMLINK_MAX) {
        memcpy(child->disk.i_block, target, len);
        ext2_inode_set_size(child, len);
        return 0;
    }
    uint32_t block;
    bool fresh;
    int err = ext2_bmap_alloc(child, 0, &block, &fresh);
    if (err != 0)
        return err;
    struct bcache_buf *buf;
    err = bcache_get_zeroed(child->fs->dev, block, &buf);
    if (err != 0)
        return err;
    memcpy(buf->data, target, len);
    bcache_release(buf);
    ext2_inode_set_size(child, len);
    return 0;
    /* LAB 11 END: symlink_fill */
}

int ext2_symlink(struct ext2_inode *dir, const char *name, const char *target,
                 struct ext2_inode **out)
{
    size_t len = strnlen(target, dir->fs->block_size);
    if (len == 0)
        return -ENOENT;
    if (len >= dir->fs->block_size)
        return -ENAMETOOLONG;
    int err = ext2_namespace_begin(dir);
    if (err != 0)
        return err;
    struct ext2_inode *child = NULL;
    err = ext2_make_node(dir, name, EXT2_S_IFLNK | 0777, ext2_fill_symlink, target, &child);
    ext2_namespace_end(dir);
    if (err != 0)
        return err;
    if (out != NULL)
        *out = child;
    else
        ext2_iput(child);
    return 0;
}

/* Copy the target of a locked symlink: its length, or -EUCLEAN if the inode disagrees with itself.
 */
static int ext2_readlink_locked(struct ext2_inode *inode, char *buf, size_t size)
{
    /* LAB 11 BEGIN: symlink_readlink */
    uint64_t len = ext2_inode_size(inode);
    if (len == 0 || len >= inode->fs->block_size)
        return ext2_corrupted(inode->fs);
    size_t copy = len < size ? (size_t)len : size;
    if (ext2_inode_is_fast_symlink(inode)) {
        if (len > EXT2_FAST_SYMLINK_MAX)
            return ext2_corrupted(inode->fs);
        memcpy(buf, inode->disk.i_block, copy);
        return (int)copy;
    }
    uint32_t block;
    int err = ext2_bmap_lookup(inode, 0, &block);
    if (err != 0)
        return err;
    if (block == 0)
        return ext2_corrupted(inode->fs);
    struct bcache_buf *cached;
    err = bcache_read(inode->fs->dev, block, &cached);
    if (err != 0)
        return err;
    memcpy(buf, cached->data, copy);
    bcache_release(cached);
    return (int)copy;
    /* LAB 11 END: symlink_readlink */
}

int ext2_readlink(struct ext2_inode *inode, char *buf, size_t size)
{
    mutex_lock(&inode->lock);
    int result = -EINVAL;
    if ((inode->disk.i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
        result = ext2_readlink_locked(inode, buf, size);
    mutex_unlock(&inode->lock);
    return result;
}
