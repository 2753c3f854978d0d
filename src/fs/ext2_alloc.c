/*
 * ext2_alloc.c: allocating and freeing blocks and inodes. Each group has a
 * bitmap of its blocks and one of its inodes (bit set = in use); its
 * descriptor and the superblock keep free counts, which must always agree
 * with the bitmaps (e2fsck's pass 5 checks exactly that). Everything here
 * runs under fs->alloc_lock.
 */
#include "console/console.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"

/* ---- Bitmaps --------------------------------------------------------------------- */

static bool ext2_bit_test(const uint8_t *bitmap, uint32_t bit)
{
    return (bitmap[bit / 8] >> (bit % 8)) & 1;
}

static void ext2_bit_set(uint8_t *bitmap, uint32_t bit)
{
    bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void ext2_bit_clear(uint8_t *bitmap, uint32_t bit)
{
    bitmap[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

/* The first clear bit in [from, limit), or UINT32_MAX. Whole bytes of ones are skipped. */
static uint32_t ext2_bit_find_clear(const uint8_t *bitmap, uint32_t from, uint32_t limit)
{
    uint32_t bit = from;
    while (bit < limit) {
        if (bit % 8 == 0 && bitmap[bit / 8] == 0xFF) {
            bit += 8;
            continue;
        }
        if (!ext2_bit_test(bitmap, bit))
            return bit;
        bit++;
    }
    return UINT32_MAX;
}

/* Write back the group's descriptor and the superblock after a count changed. */
static int ext2_counts_changed(struct ext2_fs *fs, uint32_t group)
{
    int err = ext2_group_write(fs, group);
    if (err == 0)
        err = ext2_super_write(fs);
    return err;
}

/* ---- Blocks ---------------------------------------------------------------------- */

static uint32_t ext2_blocks_in_group(const struct ext2_fs *fs, uint32_t group)
{
    uint32_t left = fs->sb.s_blocks_count - ext2_group_first_block(fs, group);
    return left < fs->sb.s_blocks_per_group ? left : fs->sb.s_blocks_per_group;
}

bool ext2_block_is_metadata(const struct ext2_fs *fs, uint32_t block)
{
    uint32_t group = (block - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
    const struct ext2_group_desc *gd = &fs->groups[group];
    if (block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap)
        return true;
    if (block >= gd->bg_inode_table && block - gd->bg_inode_table < fs->inode_table_blocks)
        return true;
    uint32_t group0_meta_end =
        fs->sb.s_first_data_block + 1 + fs->gdt_blocks + fs->sb.s_reserved_gdt_blocks;
    return block < group0_meta_end;
}

/* Try to take a free block of `group` at or after bit `from`. 0, -ENOSPC or an I/O error. */
static int ext2_block_alloc_in_group(struct ext2_fs *fs, uint32_t group, uint32_t from,
                                     uint32_t *out)
{
    struct ext2_group_desc *gd = &fs->groups[group];
    if (gd->bg_free_blocks_count == 0)
        return -ENOSPC;
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, gd->bg_block_bitmap, &buf);
    if (err != 0)
        return err;
    uint32_t bit = ext2_bit_find_clear(buf->data, from, ext2_blocks_in_group(fs, group));
    if (bit == UINT32_MAX) {
        bcache_release(buf);
        return -ENOSPC;
    }
    uint32_t block = ext2_group_first_block(fs, group) + bit;
    if (ext2_block_is_metadata(fs, block)) {
        bcache_release(buf);
        log_error("ext2: %s: block bitmap of group %u marks metadata block %u free", fs->dev->name,
                  group, block);
        return ext2_corrupted(fs);
    }
    ext2_bit_set(buf->data, bit);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    gd->bg_free_blocks_count--;
    fs->sb.s_free_blocks_count--;
    *out = block;
    return ext2_counts_changed(fs, group);
}

/*
 * Search from the goal to the end of its group, then every other group in
 * turn, then the goal's group from its start: near the goal first, so a
 * file's blocks tend to lie together.
 */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    if (!ext2_block_in_range(fs, goal))
        goal = fs->sb.s_first_data_block;
    uint32_t goal_group = (goal - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
    uint32_t goal_bit = (goal - fs->sb.s_first_data_block) % fs->sb.s_blocks_per_group;
    mutex_lock(&fs->alloc_lock);
    int err = -ENOSPC;
    for (uint32_t i = 0; i <= fs->group_count && err == -ENOSPC; i++) {
        uint32_t group = (goal_group + i) % fs->group_count;
        uint32_t from = i == 0 ? goal_bit : 0;
        err = ext2_block_alloc_in_group(fs, group, from, out);
    }
    mutex_unlock(&fs->alloc_lock);
    return err;
}

int ext2_block_free(struct ext2_fs *fs, uint32_t block)
{
    if (!ext2_block_in_range(fs, block)) {
        log_warn("ext2: %s: freeing block %u, out of range", fs->dev->name, block);
        return ext2_corrupted(fs);
    }
    mutex_lock(&fs->alloc_lock);
    uint32_t group = (block - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
    uint32_t bit = (block - fs->sb.s_first_data_block) % fs->sb.s_blocks_per_group;
    int err = 0;
    struct bcache_buf *buf = NULL; /* stays NULL if the read fails */
    if (ext2_block_is_metadata(fs, block)) {
        log_warn("ext2: %s: refusing to free metadata block %u", fs->dev->name, block);
        err = ext2_corrupted(fs);
    } else {
        err = bcache_read(fs->dev, fs->groups[group].bg_block_bitmap, &buf);
    }
    if (err == 0 && !ext2_bit_test(buf->data, bit)) {
        log_warn("ext2: %s: freeing block %u, which is already free", fs->dev->name, block);
        err = ext2_corrupted(fs);
    }
    if (err == 0) {
        ext2_bit_clear(buf->data, bit);
        bcache_mark_dirty(buf);
        fs->groups[group].bg_free_blocks_count++;
        fs->sb.s_free_blocks_count++;
    }
    if (buf != NULL)
        bcache_release(buf);
    if (err == 0)
        err = ext2_counts_changed(fs, group);
    mutex_unlock(&fs->alloc_lock);
    return err;
}

/* ---- Inodes ---------------------------------------------------------------------- */

/* Take a free inode of `group`. 0, -ENOSPC or an I/O error. */
static int ext2_inode_alloc_in_group(struct ext2_fs *fs, uint32_t group, bool is_dir, uint32_t *out)
{
    struct ext2_group_desc *gd = &fs->groups[group];
    if (gd->bg_free_inodes_count == 0)
        return -ENOSPC;
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, gd->bg_inode_bitmap, &buf);
    if (err != 0)
        return err;
    /* Numbers below s_first_ino are reserved: start the search past them. */
    uint32_t first_ino = group * fs->sb.s_inodes_per_group + 1;
    uint32_t from = 0;
    if (first_ino < fs->sb.s_first_ino)
        from = fs->sb.s_first_ino - first_ino;
    uint32_t bit = UINT32_MAX;
    if (from < fs->sb.s_inodes_per_group)
        bit = ext2_bit_find_clear(buf->data, from, fs->sb.s_inodes_per_group);
    if (bit == UINT32_MAX) {
        bcache_release(buf);
        return -ENOSPC;
    }
    ext2_bit_set(buf->data, bit);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    gd->bg_free_inodes_count--;
    fs->sb.s_free_inodes_count--;
    if (is_dir)
        gd->bg_used_dirs_count++;
    *out = first_ino + bit;
    return ext2_counts_changed(fs, group);
}

/*
 * Where a new inode goes (Linux's old ext2 policy, simplified): a directory
 * to the group with the most free blocks among those with at least the
 * average of free inodes, which spreads directories out; a file to its
 * parent's group, then the groups after it.
 */
static uint32_t ext2_inode_start_group(struct ext2_fs *fs, uint32_t parent_ino, bool is_dir)
{
    uint32_t parent_group = (parent_ino - 1) / fs->sb.s_inodes_per_group;
    if (parent_group >= fs->group_count)
        parent_group = 0;
    if (!is_dir)
        return parent_group;
    uint32_t average = fs->sb.s_free_inodes_count / fs->group_count;
    uint32_t best = parent_group;
    uint32_t best_free_blocks = 0;
    for (uint32_t g = 0; g < fs->group_count; g++) {
        const struct ext2_group_desc *gd = &fs->groups[g];
        if (gd->bg_free_inodes_count == 0 || gd->bg_free_inodes_count < average)
            continue;
        if (gd->bg_free_blocks_count > best_free_blocks) {
            best = g;
            best_free_blocks = gd->bg_free_blocks_count;
        }
    }
    return best;
}

int ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent_ino, bool is_dir, uint32_t *out)
{
    mutex_lock(&fs->alloc_lock);
    uint32_t start = ext2_inode_start_group(fs, parent_ino, is_dir);
    int err = -ENOSPC;
    for (uint32_t i = 0; i < fs->group_count && err == -ENOSPC; i++)
        err = ext2_inode_alloc_in_group(fs, (start + i) % fs->group_count, is_dir, out);
    mutex_unlock(&fs->alloc_lock);
    return err;
}

int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
    if (ino < fs->sb.s_first_ino || ino > fs->sb.s_inodes_count) {
        log_warn("ext2: %s: freeing inode %u, out of range", fs->dev->name, ino);
        return ext2_corrupted(fs);
    }
    mutex_lock(&fs->alloc_lock);
    uint32_t group = (ino - 1) / fs->sb.s_inodes_per_group;
    uint32_t bit = (ino - 1) % fs->sb.s_inodes_per_group;
    struct ext2_group_desc *gd = &fs->groups[group];
    struct bcache_buf *buf = NULL; /* stays NULL if the read fails */
    int err = bcache_read(fs->dev, gd->bg_inode_bitmap, &buf);
    if (err == 0 && !ext2_bit_test(buf->data, bit)) {
        log_warn("ext2: %s: freeing inode %u, which is already free", fs->dev->name, ino);
        err = ext2_corrupted(fs);
    }
    if (err == 0) {
        ext2_bit_clear(buf->data, bit);
        bcache_mark_dirty(buf);
        gd->bg_free_inodes_count++;
        fs->sb.s_free_inodes_count++;
        if (is_dir && gd->bg_used_dirs_count > 0)
            gd->bg_used_dirs_count--;
    }
    if (buf != NULL)
        bcache_release(buf);
    if (err == 0)
        err = ext2_counts_changed(fs, group);
    mutex_unlock(&fs->alloc_lock);
    return err;
}

uint32_t ext2_directory_count(struct ext2_fs *fs)
{
    mutex_lock(&fs->alloc_lock);
    uint32_t count = 0;
    for (uint32_t g = 0; g < fs->group_count; g++)
        count += fs->groups[g].bg_used_dirs_count;
    mutex_unlock(&fs->alloc_lock);
    return count;
}
