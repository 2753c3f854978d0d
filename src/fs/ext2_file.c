/*
 * ext2_file.c: reading, writing and truncating regular files, one block at
 * a time through the block map and the buffer cache. A hole reads as zeros
 * and gets a block only when written. Sizes and i_blocks are kept exact, as
 * e2fsck checks both.
 */
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"

/* Only regular files are read and written here: directories have their own calls. */
static int ext2_file_check_type(const struct ext2_inode *inode)
{
    uint16_t type = inode->disk.i_mode & EXT2_S_IFMT;
    if (type == EXT2_S_IFDIR)
        return -EISDIR;
    if (type != EXT2_S_IFREG)
        return -EINVAL;
    return 0;
}

/* relatime, as Linux mounts by default: update atime only when older than mtime or ctime. */
static void ext2_file_accessed(struct ext2_inode *inode)
{
    struct ext2_disk_inode *d = &inode->disk;
    if (inode->fs->read_only || (d->i_atime > d->i_mtime && d->i_atime > d->i_ctime))
        return;
    d->i_atime = ext2_now(inode->fs);
    ext2_inode_write(inode);
}

/* Copy part of one logical block into buf: zeros for a hole. */
static int ext2_read_block_part(struct ext2_inode *inode, uint64_t lblock, uint32_t offset,
                                uint8_t *buf, uint32_t len)
{
    uint32_t block;
    int err = ext2_bmap_lookup(inode, lblock, &block);
    if (err != 0)
        return err;
    if (block == 0) {
        memset(buf, 0, len);
        return 0;
    }
    struct bcache_buf *cached;
    err = bcache_read(inode->fs->dev, block, &cached);
    if (err != 0)
        return err;
    memcpy(buf, cached->data + offset, len);
    bcache_release(cached);
    return 0;
}

int64_t ext2_file_read(struct ext2_inode *inode, uint64_t offset, void *buf, size_t len)
{
    uint32_t block_size = inode->fs->block_size;
    mutex_lock(&inode->lock);
    int err = ext2_file_check_type(inode);
    uint64_t size = ext2_inode_size(inode);
    uint64_t done = 0;
    if (err == 0 && offset < size) {
        if (len > size - offset)
            len = size - offset;
        while (done < len) {
            uint64_t position = offset + done;
            uint32_t in_block = (uint32_t)(position % block_size);
            uint64_t chunk = block_size - in_block;
            if (chunk > len - done)
                chunk = len - done;
            err = ext2_read_block_part(inode, position / block_size, in_block,
                                       (uint8_t *)buf + done, (uint32_t)chunk);
            if (err != 0)
                break;
            done += chunk;
        }
        if (done > 0)
            ext2_file_accessed(inode);
    }
    mutex_unlock(&inode->lock);
    return done > 0 ? (int64_t)done : err;
}

/* Write part of one logical block, allocating it if it is a hole. */
static int ext2_write_block_part(struct ext2_inode *inode, uint64_t lblock, uint32_t offset,
                                 const uint8_t *data, uint32_t len)
{
    struct ext2_fs *fs = inode->fs;
    uint32_t block;
    bool fresh;
    int err = ext2_bmap_alloc(inode, lblock, &block, &fresh);
    if (err != 0)
        return err;
    /* A new block, or one overwritten whole, need not be read first. */
    struct bcache_buf *cached;
    if (fresh || len == fs->block_size)
        err = bcache_get_zeroed(fs->dev, block, &cached);
    else
        err = bcache_read(fs->dev, block, &cached);
    if (err != 0)
        return err;
    memcpy(cached->data + offset, data, len);
    bcache_mark_dirty(cached);
    bcache_release(cached);
    return 0;
}

int64_t ext2_file_write(struct ext2_inode *inode, uint64_t offset, const void *buf, size_t len)
{
    struct ext2_fs *fs = inode->fs;
    if (fs->read_only)
        return -EROFS;
    uint64_t max_size = ext2_max_file_size(fs);
    if (offset >= max_size)
        return len == 0 ? 0 : -EFBIG;
    if (len > max_size - offset)
        len = max_size - offset;
    mutex_lock(&inode->lock);
    int err = ext2_file_check_type(inode);
    uint64_t done = 0;
    while (err == 0 && done < len) {
        uint64_t position = offset + done;
        uint32_t in_block = (uint32_t)(position % fs->block_size);
        uint64_t chunk = fs->block_size - in_block;
        if (chunk > len - done)
            chunk = len - done;
        err = ext2_write_block_part(inode, position / fs->block_size, in_block,
                                    (const uint8_t *)buf + done, (uint32_t)chunk);
        if (err == 0)
            done += chunk;
    }
    if (done > 0) {
        if (offset + done > ext2_inode_size(inode))
            ext2_inode_set_size(inode, offset + done);
        ext2_inode_touch(inode, true);
    }
    /* Even after a failure: blocks may have been added to the map. */
    int write_err = ext2_inode_write(inode);
    mutex_unlock(&inode->lock);
    if (done > 0)
        return (int64_t)done;
    return err != 0 ? err : write_err;
}

/* Zero the part of the last block past the new end, so a later growth reads zeros there. */
static int ext2_zero_tail(struct ext2_inode *inode, uint64_t size)
{
    uint32_t block_size = inode->fs->block_size;
    uint32_t in_block = (uint32_t)(size % block_size);
    if (in_block == 0)
        return 0;
    uint32_t block;
    int err = ext2_bmap_lookup(inode, size / block_size, &block);
    if (err != 0 || block == 0)
        return err;
    struct bcache_buf *cached;
    err = bcache_read(inode->fs->dev, block, &cached);
    if (err != 0)
        return err;
    memset(cached->data + in_block, 0, block_size - in_block);
    bcache_mark_dirty(cached);
    bcache_release(cached);
    return 0;
}

/* Set the size, freeing blocks past it and zeroing the tail of the last one (lock held). */
static int ext2_truncate_locked(struct ext2_inode *inode, uint64_t size)
{
    uint32_t block_size = inode->fs->block_size;
    int err = 0;
    if (size < ext2_inode_size(inode)) {
        uint64_t first_unused = (size + block_size - 1) / block_size;
        err = ext2_bmap_truncate(inode, first_unused);
        if (err == 0)
            err = ext2_zero_tail(inode, size);
    }
    ext2_inode_set_size(inode, size);
    ext2_inode_touch(inode, true);
    int write_err = ext2_inode_write(inode);
    return err != 0 ? err : write_err;
}

int ext2_file_truncate(struct ext2_inode *inode, uint64_t size)
{
    if (inode->fs->read_only)
        return -EROFS;
    if (size > ext2_max_file_size(inode->fs))
        return -EFBIG;
    mutex_lock(&inode->lock);
    int err = ext2_file_check_type(inode);
    if (err == 0)
        err = ext2_truncate_locked(inode, size);
    mutex_unlock(&inode->lock);
    return err;
}

int ext2_fsync(struct ext2_inode *inode)
{
    return bcache_sync_device(inode->fs->dev);
}
