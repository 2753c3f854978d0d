/*
 * ext2_super.c: mounting. Read the superblock, check every field the rest of
 * the code relies on, check the feature flags, read and check the group
 * descriptor table; and the reverse at unmount. Also the writers of the
 * superblock and of one group descriptor, used whenever a free count moves.
 */
#include <stdarg.h>

#include "console/console.h"
#include "lib/format.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"

/* ---- Feature flags ------------------------------------------------------------- */

struct ext2_feature_name {
    uint32_t mask;
    const char *name; /* as mke2fs -O and dumpe2fs spell it */
};

static const struct ext2_feature_name ext2_incompat_names[] = {
    {0x0001, "compression"},
    {0x0002, "filetype"},
    {0x0004, "needs_recovery"},
    {0x0008, "journal_dev"},
    {0x0010, "meta_bg"},
    {0x0040, "extent"},
    {0x0080, "64bit"},
    {0x0100, "mmp"},
    {0x0200, "flex_bg"},
    {0x0400, "ea_inode"},
    {0x1000, "dirdata"},
    {0x2000, "metadata_csum_seed"},
    {0x4000, "large_dir"},
    {0x8000, "inline_data"},
    {0x10000, "encrypt"},
    {0x20000, "casefold"},
    {0, NULL},
};

static const struct ext2_feature_name ext2_ro_compat_names[] = {
    {0x0001, "sparse_super"}, {0x0002, "large_file"},      {0x0008, "huge_file"},
    {0x0010, "uninit_bg"},    {0x0020, "dir_nlink"},       {0x0040, "extra_isize"},
    {0x0100, "quota"},        {0x0200, "bigalloc"},        {0x0400, "metadata_csum"},
    {0x1000, "read-only"},    {0x2000, "project"},         {0x4000, "shared_blocks"},
    {0x8000, "verity"},       {0x10000, "orphan_present"}, {0, NULL},
};

/* The name of the lowest bit set in `bits`: "extent", or "FEATURE_I20" for an unknown one. */
static void ext2_feature_name(const struct ext2_feature_name *table, char kind, uint32_t bits,
                              char *out, size_t size)
{
    uint32_t lowest = bits & -bits;
    for (int i = 0; table[i].name != NULL; i++) {
        if (table[i].mask == lowest) {
            strncpy(out, table[i].name, size - 1);
            out[size - 1] = '\0';
            return;
        }
    }
    int bit = 0;
    while ((lowest >> bit) != 1)
        bit++;
    snprintf(out, size, "FEATURE_%c%d", kind, bit);
}

/* Refuse unsupported incompatible features; make the mount read-only for ro_compat ones. */
static int ext2_check_features(struct ext2_fs *fs, const char *dev_name)
{
    char name[32];
    uint32_t incompat = fs->sb.s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT;
    if (incompat != 0) {
        ext2_feature_name(ext2_incompat_names, 'I', incompat, name, sizeof(name));
        log_error("ext2: %s: refused: unsupported incompatible feature '%s' (incompat 0x%x)",
                  dev_name, name, fs->sb.s_feature_incompat);
        return -EINVAL;
    }
    uint32_t ro_compat = fs->sb.s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT;
    if (ro_compat != 0 && !fs->read_only) {
        ext2_feature_name(ext2_ro_compat_names, 'R', ro_compat, name, sizeof(name));
        log_warn("ext2: %s: mounted read-only: unsupported read-only-compatible feature '%s'"
                 " (ro_compat 0x%x)",
                 dev_name, name, fs->sb.s_feature_ro_compat);
        fs->read_only = true;
    }
    fs->has_filetype = (fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE) != 0;
    return 0;
}

/* ---- The superblock ------------------------------------------------------------ */

/* Read the 1024 bytes at byte 1024 straight from the device (the block size is not known yet). */
static int ext2_read_superblock(struct block_device *dev, struct ext2_superblock *sb)
{
    uint32_t sector_size = dev->sector_size;
    if (sector_size == 0 || sector_size > 4096 || (sector_size & (sector_size - 1)) != 0)
        return -EINVAL;
    uint32_t first = EXT2_SUPERBLOCK_OFFSET / sector_size;
    uint32_t last = (EXT2_SUPERBLOCK_OFFSET + EXT2_SUPERBLOCK_SIZE - 1) / sector_size;
    uint32_t count = last - first + 1;
    uint8_t *bounce = kmalloc((size_t)count * sector_size);
    if (bounce == NULL)
        return -ENOMEM;
    int err = block_device_read(dev, first, count, bounce);
    if (err == 0)
        memcpy(sb, bounce + (EXT2_SUPERBLOCK_OFFSET - first * sector_size), sizeof(*sb));
    kfree(bounce);
    return err;
}

/* Log why the file system is refused, naming the device, and give -EINVAL. */
__attribute__((format(printf, 2, 3))) static int ext2_refuse(const char *dev_name, const char *fmt,
                                                             ...)
{
    char reason[160];
    va_list args;
    va_start(args, fmt);
    vsnprintf(reason, sizeof(reason), fmt, args);
    va_end(args);
    log_error("ext2: %s: refused: %s", dev_name, reason);
    return -EINVAL;
}

static int ext2_check_superblock_identity(const struct ext2_superblock *sb, const char *name)
{
    if (sb->s_magic != EXT2_SUPER_MAGIC)
        return ext2_refuse(name, "bad magic 0x%04x (expected 0x%04x): not ext2", sb->s_magic,
                           EXT2_SUPER_MAGIC);
    if (sb->s_rev_level != EXT2_DYNAMIC_REV)
        return ext2_refuse(name, "revision %u (only revision 1 is supported)", sb->s_rev_level);
    if (sb->s_log_block_size > 2)
        return ext2_refuse(name, "block size 1024 << %u (1, 2 or 4 KiB supported)",
                           sb->s_log_block_size);
    if (sb->s_log_frag_size != sb->s_log_block_size)
        return ext2_refuse(name, "fragment size 1024 << %u differs from the block size",
                           sb->s_log_frag_size);
    return 0;
}

static int ext2_check_superblock_inodes(const struct ext2_superblock *sb, uint32_t block_size,
                                        const char *name)
{
    uint32_t isize = sb->s_inode_size;
    if (isize < EXT2_GOOD_OLD_INODE_SIZE || isize > block_size || (isize & (isize - 1)) != 0)
        return ext2_refuse(name, "inode size %u (a power of two from 128 to the block size)",
                           isize);
    if (sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > block_size * 8)
        return ext2_refuse(name, "%u inodes per group (1 to %u)", sb->s_inodes_per_group,
                           block_size * 8);
    if (sb->s_first_ino < EXT2_GOOD_OLD_FIRST_INO || sb->s_first_ino > sb->s_inodes_count)
        return ext2_refuse(name, "first inode %u of %u", sb->s_first_ino, sb->s_inodes_count);
    return 0;
}

static int ext2_check_superblock_blocks(const struct ext2_superblock *sb, uint32_t block_size,
                                        uint64_t device_blocks, const char *name)
{
    uint32_t expected_first = block_size == 1024 ? 1 : 0;
    if (sb->s_first_data_block != expected_first)
        return ext2_refuse(name, "first data block %u (expected %u for %u-byte blocks)",
                           sb->s_first_data_block, expected_first, block_size);
    if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group > block_size * 8)
        return ext2_refuse(name, "%u blocks per group (1 to %u)", sb->s_blocks_per_group,
                           block_size * 8);
    if (sb->s_blocks_count <= sb->s_first_data_block + 1 || sb->s_blocks_count > device_blocks)
        return ext2_refuse(name, "%u blocks, but the device holds %llu", sb->s_blocks_count,
                           (unsigned long long)device_blocks);
    if (sb->s_r_blocks_count > sb->s_blocks_count)
        return ext2_refuse(name, "%u reserved blocks of %u", sb->s_r_blocks_count,
                           sb->s_blocks_count);
    return 0;
}

/* Fill in the geometry, checking that the counts agree with one another. */
static int ext2_compute_geometry(struct ext2_fs *fs, const char *name)
{
    const struct ext2_superblock *sb = &fs->sb;
    fs->block_size = EXT2_MIN_BLOCK_SIZE << sb->s_log_block_size;
    fs->addr_per_block = fs->block_size / 4;
    fs->inode_size = sb->s_inode_size;
    uint32_t data_blocks = sb->s_blocks_count - sb->s_first_data_block;
    fs->group_count = (data_blocks + sb->s_blocks_per_group - 1) / sb->s_blocks_per_group;
    if ((uint64_t)fs->group_count * sb->s_inodes_per_group != sb->s_inodes_count)
        return ext2_refuse(name, "%u inodes, but %u groups of %u", sb->s_inodes_count,
                           fs->group_count, sb->s_inodes_per_group);
    uint64_t table_bytes = (uint64_t)sb->s_inodes_per_group * fs->inode_size;
    fs->inode_table_blocks = (uint32_t)((table_bytes + fs->block_size - 1) / fs->block_size);
    uint64_t gdt_bytes = (uint64_t)fs->group_count * sizeof(struct ext2_group_desc);
    fs->gdt_blocks = (uint32_t)((gdt_bytes + fs->block_size - 1) / fs->block_size);
    if (sb->s_first_data_block + 1 + fs->gdt_blocks >= sb->s_blocks_per_group)
        return ext2_refuse(name, "a descriptor table of %u blocks does not fit in group 0",
                           fs->gdt_blocks);
    return 0;
}

/* ---- Group descriptors ----------------------------------------------------------- */

uint32_t ext2_group_first_block(const struct ext2_fs *fs, uint32_t group)
{
    return fs->sb.s_first_data_block + group * fs->sb.s_blocks_per_group;
}

/* The blocks in a group: all but the last have s_blocks_per_group. */
static uint32_t ext2_group_block_count(const struct ext2_fs *fs, uint32_t group)
{
    uint32_t first = ext2_group_first_block(fs, group);
    uint32_t left = fs->sb.s_blocks_count - first;
    return left < fs->sb.s_blocks_per_group ? left : fs->sb.s_blocks_per_group;
}

/* As Linux's ext2_check_descriptors: each group's bitmaps and inode table lie inside the group. */
static int ext2_check_group(const struct ext2_fs *fs, uint32_t g, const char *name)
{
    const struct ext2_group_desc *gd = &fs->groups[g];
    uint32_t first = ext2_group_first_block(fs, g);
    uint32_t last = first + ext2_group_block_count(fs, g) - 1;
    if (gd->bg_block_bitmap < first || gd->bg_block_bitmap > last)
        return ext2_refuse(name, "group %u: block bitmap at block %u, outside %u..%u", g,
                           gd->bg_block_bitmap, first, last);
    if (gd->bg_inode_bitmap < first || gd->bg_inode_bitmap > last)
        return ext2_refuse(name, "group %u: inode bitmap at block %u, outside %u..%u", g,
                           gd->bg_inode_bitmap, first, last);
    if (gd->bg_inode_table < first || gd->bg_inode_table > last ||
        last - gd->bg_inode_table < fs->inode_table_blocks - 1)
        return ext2_refuse(name, "group %u: inode table at blocks %u+%u, outside %u..%u", g,
                           gd->bg_inode_table, fs->inode_table_blocks, first, last);
    if (gd->bg_free_blocks_count > ext2_group_block_count(fs, g) ||
        gd->bg_free_inodes_count > fs->sb.s_inodes_per_group ||
        gd->bg_used_dirs_count > fs->sb.s_inodes_per_group)
        return ext2_refuse(
            name, "group %u: counts out of range (%u free blocks, %u free inodes, %u dirs)", g,
            gd->bg_free_blocks_count, gd->bg_free_inodes_count, gd->bg_used_dirs_count);
    return 0;
}

/* The table follows the superblock's block. The superblock's free counts are recomputed from it. */
static int ext2_read_groups(struct ext2_fs *fs)
{
    size_t bytes = (size_t)fs->gdt_blocks * fs->block_size;
    fs->groups = kmalloc(bytes);
    if (fs->groups == NULL)
        return -ENOMEM;
    for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
        struct bcache_buf *buf;
        int err = bcache_read(fs->dev, fs->sb.s_first_data_block + 1 + i, &buf);
        if (err != 0)
            return err;
        memcpy((uint8_t *)fs->groups + (size_t)i * fs->block_size, buf->data, fs->block_size);
        bcache_release(buf);
    }
    uint64_t free_blocks = 0;
    uint64_t free_inodes = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        int err = ext2_check_group(fs, g, fs->dev->name);
        if (err != 0)
            return err;
        free_blocks += fs->groups[g].bg_free_blocks_count;
        free_inodes += fs->groups[g].bg_free_inodes_count;
    }
    /* As Linux does: the per-group counts are the truth, the totals follow them. */
    fs->sb.s_free_blocks_count = (uint32_t)free_blocks;
    fs->sb.s_free_inodes_count = (uint32_t)free_inodes;
    return 0;
}

/* ---- Writing the superblock and descriptors back ---------------------------------- */

/* Copy `len` bytes into the file-system block `block` at `offset`, through the cache. */
static int ext2_write_into_block(struct ext2_fs *fs, uint32_t block, uint32_t offset,
                                 const void *data, uint32_t len)
{
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    memcpy(buf->data + offset, data, len);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    return 0;
}

int ext2_super_write(struct ext2_fs *fs)
{
    if (fs->read_only)
        return -EROFS;
    fs->sb.s_wtime = ext2_now(fs);
    return ext2_write_into_block(fs, EXT2_SUPERBLOCK_OFFSET / fs->block_size,
                                 EXT2_SUPERBLOCK_OFFSET % fs->block_size, &fs->sb, sizeof(fs->sb));
}

int ext2_group_write(struct ext2_fs *fs, uint32_t group)
{
    uint32_t byte = group * (uint32_t)sizeof(struct ext2_group_desc);
    return ext2_write_into_block(fs, fs->sb.s_first_data_block + 1 + byte / fs->block_size,
                                 byte % fs->block_size, &fs->groups[group],
                                 sizeof(struct ext2_group_desc));
}

uint32_t ext2_now(const struct ext2_fs *fs)
{
    return fs->clock != NULL ? fs->clock() : 0;
}

bool ext2_block_in_range(const struct ext2_fs *fs, uint32_t block)
{
    return block > fs->sb.s_first_data_block && block < fs->sb.s_blocks_count;
}

/* ---- Mount and unmount --------------------------------------------------------------- */

static void ext2_fs_free(struct ext2_fs *fs)
{
    kfree(fs->groups);
    kfree(fs);
}

/* Everything mount checks, in order; on success fs is ready but for the state update. */
static int ext2_load(struct ext2_fs *fs)
{
    const char *name = fs->dev->name;
    int err = ext2_read_superblock(fs->dev, &fs->sb);
    if (err != 0) {
        log_error("ext2: %s: refused: the superblock could not be read (%d)", name, err);
        return err;
    }
    uint32_t block_size = EXT2_MIN_BLOCK_SIZE << (fs->sb.s_log_block_size & 3);
    uint64_t device_blocks = fs->dev->sector_count * fs->dev->sector_size / block_size;
    if ((err = ext2_check_superblock_identity(&fs->sb, name)) != 0 ||
        (err = ext2_check_superblock_inodes(&fs->sb, block_size, name)) != 0 ||
        (err = ext2_check_superblock_blocks(&fs->sb, block_size, device_blocks, name)) != 0 ||
        (err = ext2_check_features(fs, name)) != 0 || (err = ext2_compute_geometry(fs, name)) != 0)
        return err;
    err = bcache_set_block_size(fs->dev, fs->block_size);
    if (err != 0) {
        log_error("ext2: %s: refused: cannot use %u-byte blocks (%d)", name, fs->block_size, err);
        return err;
    }
    return ext2_read_groups(fs);
}

/* A read-write mount marks the disk "not clean" until unmount, so a crash is noticed by e2fsck. */
static int ext2_mark_mounted(struct ext2_fs *fs)
{
    fs->state_at_mount = fs->sb.s_state;
    if (!(fs->sb.s_state & EXT2_VALID_FS))
        log_warn("ext2: %s: not cleanly unmounted: run e2fsck -p", fs->dev->name);
    if (fs->sb.s_state & EXT2_ERROR_FS) {
        log_warn("ext2: %s: marked as having errors: mounted read-only; run e2fsck", fs->dev->name);
        fs->read_only = true;
    }
    if (fs->read_only)
        return 0;
    fs->sb.s_state &= (uint16_t)~EXT2_VALID_FS;
    fs->sb.s_mnt_count++;
    fs->sb.s_mtime = ext2_now(fs);
    int err = ext2_super_write(fs);
    if (err == 0)
        err = bcache_sync_device(fs->dev);
    return err;
}

int ext2_mount(struct block_device *dev, const struct ext2_mount_options *options,
               struct ext2_fs **out)
{
    struct ext2_fs *fs = kzalloc(sizeof(*fs));
    if (fs == NULL)
        return -ENOMEM;
    fs->dev = dev;
    fs->read_only = dev->read_only || (options != NULL && options->read_only);
    fs->clock = options != NULL ? options->clock : NULL;
    mutex_init(&fs->namespace_lock, "ext2.namespace");
    mutex_init(&fs->alloc_lock, "ext2.alloc");
    mutex_init(&fs->icache_lock, "ext2.icache");
    list_init(&fs->inodes);
    int err = ext2_load(fs);
    if (err == 0)
        err = ext2_mark_mounted(fs);
    if (err != 0) {
        bcache_forget_device(dev);
        ext2_fs_free(fs);
        return err;
    }
    *out = fs;
    return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
    return bcache_sync_device(fs->dev);
}

int ext2_unmount(struct ext2_fs *fs)
{
    mutex_lock(&fs->icache_lock);
    bool busy = !list_empty(&fs->inodes);
    mutex_unlock(&fs->icache_lock);
    if (busy)
        return -EBUSY;
    int err = 0;
    if (!fs->read_only) {
        fs->sb.s_state = fs->state_at_mount;
        err = ext2_super_write(fs);
    }
    int forget_err = bcache_forget_device(fs->dev);
    if (err == 0)
        err = forget_err;
    ext2_fs_free(fs);
    return err;
}

int ext2_corrupted(const struct ext2_fs *fs)
{
    /* Bookkeeping, not the file system's state: the checks that find damage hold it const. */
    __atomic_store_n(&((struct ext2_fs *)fs)->corruption_seen, true, __ATOMIC_RELAXED);
    return -EUCLEAN;
}

int ext2_shutdown(struct ext2_fs *fs)
{
    if (fs->read_only)
        return 0;
    /* An unlinked inode still held would leak its blocks: leave those to e2fsck. */
    bool orphans = false;
    mutex_lock(&fs->icache_lock);
    list_for_each(node, &fs->inodes)
    {
        struct ext2_inode *inode = list_entry(node, struct ext2_inode, icache);
        if (inode->valid && inode->disk.i_links_count == 0)
            orphans = true;
    }
    mutex_unlock(&fs->icache_lock);
    int err = bcache_sync_device(fs->dev);
    mutex_lock(&fs->alloc_lock);
    bool corrupted = __atomic_load_n(&fs->corruption_seen, __ATOMIC_RELAXED);
    if (corrupted) {
        fs->sb.s_state = (uint16_t)(fs->sb.s_state | EXT2_ERROR_FS);
        err = ext2_super_write(fs);
    } else if (err == 0 && !orphans) {
        fs->sb.s_state = fs->state_at_mount;
        err = ext2_super_write(fs);
    }
    fs->read_only = true; /* from here on every write is -EROFS */
    mutex_unlock(&fs->alloc_lock);
    int sync_err = bcache_sync_device(fs->dev);
    if (corrupted)
        log_warn("ext2: %s: damage was found: marked with errors; run e2fsck", fs->dev->name);
    else if (orphans)
        log_warn("ext2: %s: unlinked files are still open at shutdown: run e2fsck -p",
                 fs->dev->name);
    return err != 0 ? err : sync_err;
}

struct block_device *ext2_fs_device(const struct ext2_fs *fs)
{
    return fs->dev;
}

uint32_t ext2_block_size(const struct ext2_fs *fs)
{
    return fs->block_size;
}

bool ext2_is_read_only(const struct ext2_fs *fs)
{
    return fs->read_only;
}

void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *out)
{
    mutex_lock(&fs->alloc_lock);
    out->block_size = fs->block_size;
    out->blocks = fs->sb.s_blocks_count;
    out->free_blocks = fs->sb.s_free_blocks_count;
    out->available_blocks = fs->sb.s_free_blocks_count > fs->sb.s_r_blocks_count
                                ? fs->sb.s_free_blocks_count - fs->sb.s_r_blocks_count
                                : 0;
    out->inodes = fs->sb.s_inodes_count;
    out->free_inodes = fs->sb.s_free_inodes_count;
    out->name_max = EXT2_NAME_MAX;
    out->read_only = fs->read_only;
    mutex_unlock(&fs->alloc_lock);
}

/*
 * Two limits: what the block map addresses, and i_blocks, a 32-bit count of
 * 512-byte units that must also cover the indirect blocks. The second is
 * taken with every indirect block a file could need, which is a little
 * smaller than the exact figure but never too large.
 */
uint64_t ext2_max_file_size(const struct ext2_fs *fs)
{
    uint64_t apb = fs->addr_per_block;
    uint64_t by_map = ext2_bmap_max_blocks(fs);
    uint64_t metadata = 1 + (1 + apb) + (1 + apb + apb * apb);
    uint64_t by_i_blocks = 0xFFFFFFFFull / (fs->block_size / 512) - metadata;
    uint64_t blocks = by_map < by_i_blocks ? by_map : by_i_blocks;
    uint64_t size = blocks * fs->block_size;
    if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE) && size > 0x7FFFFFFF)
        size = 0x7FFFFFFF;
    return size;
}
