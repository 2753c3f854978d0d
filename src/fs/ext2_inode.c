/*
 * ext2_inode.c: inodes in memory. The inode cache keeps one ext2_inode per
 * inode number in use, reference counted (ext2_iget/ext2_iput); each holds
 * a copy of the on-disk inode, read from the inode table on first use and
 * written back by ext2_inode_write. The last reference to an inode with no
 * links left frees it: its blocks, its extended-attribute block, its number.
 */
#include "console/console.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"

/* ---- Where an inode lives on disk ------------------------------------------------ */

/* The inode table block holding `ino`, and the byte offset in it. ino must be in range. */
static void ext2_inode_location(const struct ext2_fs *fs, uint32_t ino, uint32_t *block,
                                uint32_t *offset)
{
    uint32_t group = (ino - 1) / fs->sb.s_inodes_per_group;
    uint32_t index = (ino - 1) % fs->sb.s_inodes_per_group;
    uint64_t byte = (uint64_t)index * fs->inode_size;
    *block = fs->groups[group].bg_inode_table + (uint32_t)(byte / fs->block_size);
    *offset = (uint32_t)(byte % fs->block_size);
}

/* The part of the on-disk inode this code keeps: 128 bytes, or 160 for large inodes. */
static uint32_t ext2_inode_copy_size(const struct ext2_fs *fs)
{
    return fs->inode_size < sizeof(struct ext2_disk_inode) ? fs->inode_size
                                                           : sizeof(struct ext2_disk_inode);
}

static bool ext2_mode_type_valid(uint16_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG:
    case EXT2_S_IFDIR:
    case EXT2_S_IFLNK:
    case EXT2_S_IFCHR:
    case EXT2_S_IFBLK:
    case EXT2_S_IFIFO:
    case EXT2_S_IFSOCK: return true;
    default: return false;
    }
}

/* What an inode read from disk must satisfy before anything trusts it. */
static int ext2_inode_check(const struct ext2_inode *inode)
{
    const struct ext2_disk_inode *d = &inode->disk;
    const char *problem = NULL;
    if (d->i_links_count == 0)
        problem = "it is free (no links)";
    else if (!ext2_mode_type_valid(d->i_mode))
        problem = "its mode has no valid type";
    else if (d->i_file_acl != 0 && !ext2_block_in_range(inode->fs, d->i_file_acl))
        problem = "its attribute block is out of range";
    if (problem == NULL)
        return 0;
    log_warn("ext2: %s: inode %u is corrupted: %s (mode 0%o, links %u)", inode->fs->dev->name,
             inode->ino, problem, d->i_mode, d->i_links_count);
    return ext2_corrupted(inode->fs);
}

static int ext2_inode_read(struct ext2_inode *inode)
{
    struct ext2_fs *fs = inode->fs;
    uint32_t block, offset;
    ext2_inode_location(fs, inode->ino, &block, &offset);
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    memset(&inode->disk, 0, sizeof(inode->disk));
    memcpy(&inode->disk, buf->data + offset, ext2_inode_copy_size(fs));
    bcache_release(buf);
    return ext2_inode_check(inode);
}

static int ext2_inode_write_ordered(struct ext2_inode *inode, bool first)
{
    struct ext2_fs *fs = inode->fs;
    if (fs->read_only)
        return -EROFS;
    uint32_t block, offset;
    ext2_inode_location(fs, inode->ino, &block, &offset);
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    memcpy(buf->data + offset, &inode->disk, ext2_inode_copy_size(fs));
    if (first)
        bcache_mark_dirty_first(buf);
    else
        bcache_mark_dirty(buf);
    bcache_release(buf);
    return 0;
}

int ext2_inode_write(struct ext2_inode *inode)
{
    return ext2_inode_write_ordered(inode, false);
}

int ext2_inode_write_first(struct ext2_inode *inode)
{
    return ext2_inode_write_ordered(inode, true);
}

/*
 * Zero a whole on-disk inode slot, so nothing of a previous owner (in-inode
 * attributes) remains. A slot that still has links belongs to a live file:
 * the bitmap that called it free is corrupt, and the slot is left alone.
 */
static int ext2_inode_clear_slot(struct ext2_fs *fs, uint32_t ino)
{
    uint32_t block, offset;
    ext2_inode_location(fs, ino, &block, &offset);
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    const struct ext2_disk_inode *old = (const struct ext2_disk_inode *)(buf->data + offset);
    if (old->i_links_count != 0) {
        log_error("ext2: %s: inode bitmap says inode %u is free, but it has %u links",
                  fs->dev->name, ino, old->i_links_count);
        err = ext2_corrupted(fs);
    } else {
        memset(buf->data + offset, 0, fs->inode_size);
        bcache_mark_dirty(buf);
    }
    bcache_release(buf);
    return err;
}

/* ---- The cache -------------------------------------------------------------------- */

/* icache_lock held. */
static struct ext2_inode *ext2_icache_find(struct ext2_fs *fs, uint32_t ino)
{
    for (struct list_node *node = fs->inodes.head.next; node != &fs->inodes.head;
         node = node->next) {
        struct ext2_inode *inode = list_entry(node, struct ext2_inode, icache);
        if (inode->ino == ino)
            return inode;
    }
    return NULL;
}

/* icache_lock held: a new, not yet valid inode in the cache with one reference. */
static struct ext2_inode *ext2_icache_insert(struct ext2_fs *fs, uint32_t ino)
{
    struct ext2_inode *inode = kzalloc(sizeof(*inode));
    if (inode == NULL)
        return NULL;
    inode->fs = fs;
    inode->ino = ino;
    inode->refcount = 1;
    mutex_init(&inode->lock, "ext2.inode");
    list_push_back(&fs->inodes, &inode->icache);
    return inode;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out)
{
    if (ino == 0 || ino > fs->sb.s_inodes_count) {
        log_warn("ext2: %s: inode number %u out of range (1..%u)", fs->dev->name, ino,
                 fs->sb.s_inodes_count);
        return ext2_corrupted(fs);
    }
    mutex_lock(&fs->icache_lock);
    struct ext2_inode *inode = ext2_icache_find(fs, ino);
    if (inode != NULL)
        inode->refcount++;
    else
        inode = ext2_icache_insert(fs, ino);
    mutex_unlock(&fs->icache_lock);
    if (inode == NULL)
        return -ENOMEM;
    /* Whoever comes first reads it; the others wait on the lock and find it valid. */
    mutex_lock(&inode->lock);
    int err = 0;
    if (!inode->valid) {
        err = ext2_inode_read(inode);
        inode->valid = err == 0;
    }
    mutex_unlock(&inode->lock);
    if (err != 0) {
        ext2_iput(inode);
        return err;
    }
    *out = inode;
    return 0;
}

int ext2_root(struct ext2_fs *fs, struct ext2_inode **out)
{
    return ext2_iget(fs, EXT2_ROOT_INO, out);
}

struct ext2_inode *ext2_idup(struct ext2_inode *inode)
{
    mutex_lock(&inode->fs->icache_lock);
    inode->refcount++;
    mutex_unlock(&inode->fs->icache_lock);
    return inode;
}

int ext2_inode_new(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_inode **out)
{
    mutex_lock(&fs->icache_lock);
    struct ext2_inode *inode = NULL;
    bool in_use = ext2_icache_find(fs, ino) != NULL;
    if (!in_use)
        inode = ext2_icache_insert(fs, ino);
    mutex_unlock(&fs->icache_lock);
    if (in_use) {
        log_error("ext2: %s: inode %u is free in the bitmap but in use", fs->dev->name, ino);
        return ext2_corrupted(fs);
    }
    if (inode == NULL)
        return -ENOMEM;
    mutex_lock(&inode->lock);
    int err = ext2_inode_clear_slot(fs, ino);
    struct ext2_disk_inode *d = &inode->disk;
    memset(d, 0, sizeof(*d));
    d->i_mode = mode;
    d->i_links_count = 1;
    d->i_atime = d->i_ctime = d->i_mtime = ext2_now(fs);
    if (fs->inode_size >= sizeof(struct ext2_disk_inode)) {
        d->i_extra_isize = EXT2_INODE_EXTRA_SIZE;
        d->i_crtime = d->i_atime;
    }
    inode->valid = err == 0;
    if (err != 0) {
        mutex_unlock(&inode->lock);
        ext2_iput(inode);
        return err;
    }
    *out = inode;
    return 0;
}

/* ---- Freeing an unlinked inode ----------------------------------------------------- */

/* Drop this inode's share of its extended-attribute block, freeing the block with the last. */
static int ext2_xattr_release(struct ext2_inode *inode)
{
    struct ext2_fs *fs = inode->fs;
    uint32_t block = inode->disk.i_file_acl;
    if (block == 0)
        return 0;
    inode->disk.i_file_acl = 0;
    ext2_inode_add_blocks(inode, -1);
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    struct ext2_xattr_header *header = (struct ext2_xattr_header *)buf->data;
    bool last = false;
    if (header->h_magic != EXT2_XATTR_MAGIC || header->h_refcount == 0) {
        log_warn("ext2: %s: inode %u: attribute block %u is corrupted", fs->dev->name, inode->ino,
                 block);
        err = ext2_corrupted(fs);
    } else {
        header->h_refcount--;
        last = header->h_refcount == 0;
        bcache_mark_dirty(buf);
    }
    bcache_release(buf);
    if (last)
        err = ext2_block_free(fs, block);
    return err;
}

/* The last reference to an inode with no links: free everything it holds. */
static void ext2_inode_evict(struct ext2_inode *inode)
{
    struct ext2_fs *fs = inode->fs;
    mutex_lock(&inode->lock);
    bool is_dir = ext2_inode_is_dir(inode);
    int err = 0;
    if (ext2_inode_has_block_map(inode))
        err = ext2_bmap_truncate(inode, 0);
    int xattr_err = ext2_xattr_release(inode);
    ext2_inode_set_size(inode, 0);
    inode->disk.i_blocks = 0;
    inode->disk.i_dtime = ext2_now(fs);
    int write_err = ext2_inode_write(inode);
    int free_err = ext2_inode_free(fs, inode->ino, is_dir);
    mutex_unlock(&inode->lock);
    if (err != 0 || xattr_err != 0 || write_err != 0 || free_err != 0)
        log_error("ext2: %s: freeing inode %u: blocks %d, attributes %d, inode %d, bitmap %d",
                  fs->dev->name, inode->ino, err, xattr_err, write_err, free_err);
}

void ext2_iput(struct ext2_inode *inode)
{
    struct ext2_fs *fs = inode->fs;
    mutex_lock(&fs->icache_lock);
    /* With one reference left, ours, nobody else can change the link count under us. */
    bool evict =
        inode->refcount == 1 && inode->valid && inode->disk.i_links_count == 0 && !fs->read_only;
    mutex_unlock(&fs->icache_lock);
    if (evict)
        ext2_inode_evict(inode);
    mutex_lock(&fs->icache_lock);
    inode->refcount--;
    bool last = inode->refcount == 0;
    if (last)
        list_remove(&inode->icache);
    mutex_unlock(&fs->icache_lock);
    if (last)
        kfree(inode);
}

/* ---- Fields ------------------------------------------------------------------------ */

uint64_t ext2_inode_size(const struct ext2_inode *inode)
{
    uint64_t size = inode->disk.i_size;
    /* i_size_high is the size's top half only for regular files (for directories, e2fsck wants 0).
     */
    if ((inode->disk.i_mode & EXT2_S_IFMT) == EXT2_S_IFREG)
        size |= (uint64_t)inode->disk.i_size_high << 32;
    return size;
}

void ext2_inode_set_size(struct ext2_inode *inode, uint64_t size)
{
    inode->disk.i_size = (uint32_t)size;
    if ((inode->disk.i_mode & EXT2_S_IFMT) == EXT2_S_IFREG)
        inode->disk.i_size_high = (uint32_t)(size >> 32);
}

void ext2_inode_add_blocks(struct ext2_inode *inode, int32_t fs_blocks)
{
    int64_t units = (int64_t)fs_blocks * (inode->fs->block_size / 512);
    int64_t total = (int64_t)inode->disk.i_blocks + units;
    inode->disk.i_blocks = total < 0 ? 0 : (uint32_t)total;
}

bool ext2_inode_is_dir(const struct ext2_inode *inode)
{
    return (inode->disk.i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

/*
 * Whether i_block is a block map. Only regular files, directories and slow
 * symlinks have one. A fast symlink keeps its target there, and a device
 * file its number: /dev/null (1:3) holds 0x103 = 259 in i_block[0], which is
 * no block of the file's. Linux's ext2_truncate_blocks asks the same.
 */
bool ext2_inode_has_block_map(const struct ext2_inode *inode)
{
    uint16_t type = inode->disk.i_mode & EXT2_S_IFMT;
    if (type == EXT2_S_IFREG || type == EXT2_S_IFDIR)
        return true;
    return type == EXT2_S_IFLNK && !ext2_inode_is_fast_symlink(inode);
}

/* As Linux decides: a symlink whose only block, if any, is its attribute block. */
bool ext2_inode_is_fast_symlink(const struct ext2_inode *inode)
{
    if ((inode->disk.i_mode & EXT2_S_IFMT) != EXT2_S_IFLNK)
        return false;
    uint32_t attribute_units = inode->disk.i_file_acl != 0 ? inode->fs->block_size / 512 : 0;
    return inode->disk.i_blocks == attribute_units;
}

void ext2_inode_touch(struct ext2_inode *inode, bool modified)
{
    uint32_t now = ext2_now(inode->fs);
    inode->disk.i_ctime = now;
    if (modified)
        inode->disk.i_mtime = now;
}

int ext2_chmod(struct ext2_inode *inode, uint16_t mode)
{
    if (inode->fs->read_only)
        return -EROFS;
    mutex_lock(&inode->lock);
    inode->disk.i_mode = (uint16_t)((inode->disk.i_mode & EXT2_S_IFMT) | (mode & 07777));
    ext2_inode_touch(inode, false);
    int err = ext2_inode_write(inode);
    mutex_unlock(&inode->lock);
    return err;
}

/* One of utimensat's times: seconds since 1970 as ext2 keeps them (32 bits), or now. */
static uint32_t inode_time(const struct ext2_fs *fs, int64_t seconds)
{
    return seconds == EXT2_TIME_NOW ? ext2_now(fs) : (uint32_t)seconds;
}

int ext2_set_times(struct ext2_inode *inode, int64_t atime, int64_t mtime)
{
    if (atime == EXT2_TIME_OMIT && mtime == EXT2_TIME_OMIT)
        return 0; /* nothing changes, not even ctime (Linux) */
    if (inode->fs->read_only)
        return -EROFS;
    mutex_lock(&inode->lock);
    if (atime != EXT2_TIME_OMIT)
        inode->disk.i_atime = inode_time(inode->fs, atime);
    if (mtime != EXT2_TIME_OMIT)
        inode->disk.i_mtime = inode_time(inode->fs, mtime);
    ext2_inode_touch(inode, false);
    int err = ext2_inode_write(inode);
    mutex_unlock(&inode->lock);
    return err;
}

void ext2_stat(struct ext2_inode *inode, struct ext2_stat *out)
{
    mutex_lock(&inode->lock);
    const struct ext2_disk_inode *d = &inode->disk;
    out->ino = inode->ino;
    out->mode = d->i_mode;
    out->links = d->i_links_count;
    out->uid = d->i_uid | ((uint32_t)d->i_uid_high << 16);
    out->gid = d->i_gid | ((uint32_t)d->i_gid_high << 16);
    out->size = ext2_inode_size(inode);
    out->blocks = d->i_blocks;
    out->atime = d->i_atime;
    out->mtime = d->i_mtime;
    out->ctime = d->i_ctime;
    out->rdev_major = 0;
    out->rdev_minor = 0;
    uint16_t type = d->i_mode & EXT2_S_IFMT;
    if (type == EXT2_S_IFCHR || type == EXT2_S_IFBLK) {
        /* Linux's two encodings: old (major:8, minor:8) in i_block[0], else new in i_block[1]. */
        if (d->i_block[0] != 0) {
            out->rdev_major = (d->i_block[0] >> 8) & 0xff;
            out->rdev_minor = d->i_block[0] & 0xff;
        } else {
            uint32_t dev = d->i_block[1];
            out->rdev_major = (dev & 0xfff00) >> 8;
            out->rdev_minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        }
    }
    mutex_unlock(&inode->lock);
}

uint32_t ext2_inode_number(const struct ext2_inode *inode)
{
    return inode->ino;
}

uint16_t ext2_inode_mode(struct ext2_inode *inode)
{
    mutex_lock(&inode->lock);
    uint16_t mode = inode->disk.i_mode;
    mutex_unlock(&inode->lock);
    return mode;
}

struct ext2_fs *ext2_inode_fs(const struct ext2_inode *inode)
{
    return inode->fs;
}
