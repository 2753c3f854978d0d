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

/*
 * relatime, as Linux mounts by default: update atime only when older than
 * mtime or ctime. Times here are whole seconds, so within the second of a
 * write atime stays equal to mtime after the update: without the last test,
 * every read in that second would write the inode again for nothing.
 */
static void ext2_file_accessed(struct ext2_inode *inode)
{
    struct ext2_disk_inode *d = &inode->disk;
    if (inode->fs->read_only || (d->i_atime > d->i_mtime && d->i_atime > d->i_ctime))
        return;
    uint32_t now = ext2_now(inode->fs);
    if (d->i_atime == now)
        return;
    d->i_atime = now;
    ext2_inode_write(inode);
}

/* Blocks of zeros, for the holes of a sparse file. */
static const uint8_t ext2_zero_block[BCACHE_MAX_BLOCK_SIZE];

/* Copy part of one logical block to the caller, at `done`: zeros for a hole. */
static int ext2_read_block_part(struct ext2_inode *inode, uint64_t lblock, uint32_t offset,
                                uint64_t done, uint32_t len, const struct ext2_io *io)
{
    uint32_t block;
    int err = ext2_bmap_lookup(inode, lblock, &block);
    if (err != 0)
        return err;
    if (block == 0)
        return io->copy(io->context, (void *)ext2_zero_block, done, len);
    struct bcache_buf *cached;
    err = bcache_read(inode->fs->dev, block, &cached);
    if (err != 0)
        return err;
    err = io->copy(io->context, cached->data + offset, done, len);
    bcache_release(cached);
    return err;
}

int64_t ext2_file_read_io(struct ext2_inode *inode, uint64_t offset, size_t len,
                          const struct ext2_io *io)
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
            err = ext2_read_block_part(inode, position / block_size, in_block, done,
                                       (uint32_t)chunk, io);
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

/* The plain case: file data to and from kernel memory. */
static int ext2_copy_to_memory(void *context, void *block_data, uint64_t done, size_t len)
{
    memcpy((uint8_t *)context + done, block_data, len);
    return 0;
}

static int ext2_copy_from_memory(void *context, void *block_data, uint64_t done, size_t len)
{
    memcpy(block_data, (const uint8_t *)context + done, len);
    return 0;
}

int64_t ext2_file_read(struct ext2_inode *inode, uint64_t offset, void *buf, size_t len)
{
    struct ext2_io io = {.copy = ext2_copy_to_memory, .context = buf};
    return ext2_file_read_io(inode, offset, len, &io);
}

/*
 * Write part of one logical block from the caller's byte `done`, allocating
 * the block if it is a hole. If the copy fails after a block was allocated,
 * the block keeps zeros and *fresh_written says the size must still cover it
 * (a block past the end of a file is what e2fsck would call damage).
 */
static int ext2_write_block_part(struct ext2_inode *inode, uint64_t lblock, uint32_t offset,
                                 uint64_t done, uint32_t len, const struct ext2_io *io,
                                 bool *fresh_written)
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
    err = io->copy(io->context, cached->data + offset, done, len);
    if (err != 0 && fresh) {
        memset(cached->data + offset, 0, len);
        *fresh_written = true;
    }
    bcache_mark_dirty(cached);
    bcache_release(cached);
    return err;
}

int64_t ext2_file_write_io(struct ext2_inode *inode, uint64_t *offset, bool append, size_t len,
                           const struct ext2_io *io)
{
    struct ext2_fs *fs = inode->fs;
    if (fs->read_only)
        return -EROFS;
    uint64_t max_size = ext2_max_file_size(fs);
    mutex_lock(&inode->lock);
    int err = ext2_file_check_type(inode);
    /* O_APPEND: the end is read under the inode's lock, so two appenders never overlap. */
    uint64_t start = append ? ext2_inode_size(inode) : *offset;
    if (err == 0 && start >= max_size)
        err = len == 0 ? 0 : -EFBIG;
    else if (len > max_size - start)
        len = max_size - start;
    uint64_t done = 0;
    uint64_t covered = 0; /* bytes the size must cover: done, or a failed fresh block too */
    while (err == 0 && done < len) {
        uint64_t position = start + done;
        uint32_t in_block = (uint32_t)(position % fs->block_size);
        uint64_t chunk = fs->block_size - in_block;
        if (chunk > len - done)
            chunk = len - done;
        bool fresh_written = false;
        err = ext2_write_block_part(inode, position / fs->block_size, in_block, done,
                                    (uint32_t)chunk, io, &fresh_written);
        if (err == 0)
            done += chunk;
        covered = fresh_written ? done + chunk : done;
    }
    if (covered > 0) {
        if (start + covered > ext2_inode_size(inode))
            ext2_inode_set_size(inode, start + covered);
        ext2_inode_touch(inode, true);
    }
    /* Even after a failure: blocks may have been added to the map. */
    int write_err = ext2_inode_write(inode);
    mutex_unlock(&inode->lock);
    *offset = start + done;
    if (done > 0)
        return (int64_t)done;
    return err != 0 ? err : write_err;
}

int64_t ext2_file_write(struct ext2_inode *inode, uint64_t offset, const void *buf, size_t len)
{
    struct ext2_io io = {.copy = ext2_copy_from_memory, .context = (void *)buf};
    return ext2_file_write_io(inode, &offset, false, len, &io);
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
