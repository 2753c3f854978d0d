/*
 * ext2_bmap.c: the block map: which disk block holds logical block n of a
 * file. i_block[0..11] point at data directly; i_block[12] at a block of
 * pointers (single indirect), i_block[13] at a block of pointers to such
 * blocks (double), i_block[14] one level deeper (triple). A 0 is a hole.
 * docs/ext2.md draws it. Every function here runs with inode->lock held.
 *
 * Every pointer read from disk is checked before use: it must lie inside the
 * file system and must not repeat a block above it in the same chain, so a
 * corrupted map gives -EUCLEAN instead of wild reads or endless loops.
 */
#include "console/console.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"

#define EXT2_BMAP_MAX_DEPTH 3

/* The route to a logical block: the i_block slot, then one index per indirect level. */
struct ext2_bmap_path {
    int depth;                               /* indirect levels: 0 for a direct block */
    uint32_t index[EXT2_BMAP_MAX_DEPTH + 1]; /* index[0] into i_block, index[k] into level k */
};

uint64_t ext2_bmap_max_blocks(const struct ext2_fs *fs)
{
    uint64_t apb = fs->addr_per_block;
    return EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
}

static int ext2_bmap_path(const struct ext2_fs *fs, uint64_t lblock, struct ext2_bmap_path *path)
{
    /* LAB 11 BEGIN: bmap_path */
    uint64_t apb = fs->addr_per_block;
    if (lblock < EXT2_NDIR_BLOCKS) {
        path->depth = 0;
        path->index[0] = (uint32_t)lblock;
        return 0;
    }
    lblock -= EXT2_NDIR_BLOCKS;
    if (lblock < apb) {
        path->depth = 1;
        path->index[0] = EXT2_IND_BLOCK;
        path->index[1] = (uint32_t)lblock;
        return 0;
    }
    lblock -= apb;
    if (lblock < apb * apb) {
        path->depth = 2;
        path->index[0] = EXT2_DIND_BLOCK;
        path->index[1] = (uint32_t)(lblock / apb);
        path->index[2] = (uint32_t)(lblock % apb);
        return 0;
    }
    lblock -= apb * apb;
    if (lblock < apb * apb * apb) {
        path->depth = 3;
        path->index[0] = EXT2_TIND_BLOCK;
        path->index[1] = (uint32_t)(lblock / (apb * apb));
        path->index[2] = (uint32_t)(lblock / apb % apb);
        path->index[3] = (uint32_t)(lblock % apb);
        return 0;
    }
    return -EFBIG;
    /* LAB 11 END: bmap_path */
}

/*
 * A pointer from the map: inside the file system, not metadata, and not one
 * of the `count` blocks above it. Besides keeping reads sane, this is what
 * lets truncation hold an indirect block's buffer while it frees: the blocks
 * it then reads (children, bitmaps, descriptors) cannot be that same buffer.
 */
static int ext2_bmap_check(const struct ext2_inode *inode, uint32_t block, const uint32_t *above,
                           int count)
{
    if (!ext2_block_in_range(inode->fs, block)) {
        log_warn("ext2: %s: inode %u: block pointer %u out of range", inode->fs->dev->name,
                 inode->ino, block);
        return ext2_corrupted(inode->fs);
    }
    if (ext2_block_is_metadata(inode->fs, block)) {
        log_warn("ext2: %s: inode %u: block pointer %u names file-system metadata",
                 inode->fs->dev->name, inode->ino, block);
        return ext2_corrupted(inode->fs);
    }
    for (int i = 0; i < count; i++) {
        if (above[i] == block) {
            log_warn("ext2: %s: inode %u: indirect block %u points to itself", inode->fs->dev->name,
                     inode->ino, block);
            return ext2_corrupted(inode->fs);
        }
    }
    return 0;
}

/* Entry `index` of indirect block `block`. */
static int ext2_indirect_get(struct ext2_fs *fs, uint32_t block, uint32_t index, uint32_t *out)
{
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    *out = ((const uint32_t *)buf->data)[index];
    bcache_release(buf);
    return 0;
}

static int ext2_indirect_set(struct ext2_fs *fs, uint32_t block, uint32_t index, uint32_t value)
{
    struct bcache_buf *buf;
    int err = bcache_read(fs->dev, block, &buf);
    if (err != 0)
        return err;
    ((uint32_t *)buf->data)[index] = value;
    bcache_mark_dirty(buf);
    bcache_release(buf);
    return 0;
}

/*
 * Follow the path as far as the map goes. On return chain[0..*reached-1]
 * are the indirect blocks passed, and *block is the pointer found at level
 * *reached (0 if the map stops there).
 */
static int ext2_bmap_walk(struct ext2_inode *inode, const struct ext2_bmap_path *path,
                          uint32_t *chain, int *reached, uint32_t *block)
{
    /* LAB 11 BEGIN: bmap_walk */
    uint32_t next = inode->disk.i_block[path->index[0]];
    int level = 0;
    while (next != 0 && level < path->depth) {
        int err = ext2_bmap_check(inode, next, chain, level);
        if (err != 0)
            return err;
        chain[level] = next;
        err = ext2_indirect_get(inode->fs, next, path->index[level + 1], &next);
        if (err != 0)
            return err;
        level++;
    }
    if (next != 0) {
        int err = ext2_bmap_check(inode, next, chain, level);
        if (err != 0)
            return err;
    }
    *reached = level;
    *block = next;
    return 0;
    /* LAB 11 END: bmap_walk */
}

int ext2_bmap_lookup(struct ext2_inode *inode, uint64_t lblock, uint32_t *out)
{
    struct ext2_bmap_path path;
    int err = ext2_bmap_path(inode->fs, lblock, &path);
    if (err != 0)
        return err;
    uint32_t chain[EXT2_BMAP_MAX_DEPTH];
    int reached;
    return ext2_bmap_walk(inode, &path, chain, &reached, out);
}

/* ---- Allocation ------------------------------------------------------------------- */

/* Allocate `count` blocks near the inode's goal, all or none. */
static int ext2_bmap_alloc_blocks(struct ext2_inode *inode, uint32_t *blocks, int count)
{
    /* LAB 11 BEGIN: bmap_alloc_blocks */
    struct ext2_fs *fs = inode->fs;
    uint32_t goal = inode->alloc_goal;
    if (goal == 0) {
        uint32_t group = (inode->ino - 1) / fs->sb.s_inodes_per_group;
        goal = ext2_group_first_block(fs, group);
    }
    for (int i = 0; i < count; i++) {
        int err = ext2_block_alloc(fs, goal, &blocks[i]);
        if (err != 0) {
            while (i-- > 0)
                ext2_block_free(fs, blocks[i]);
            return err;
        }
        goal = blocks[i] + 1;
    }
    inode->alloc_goal = goal;
    return 0;
    /* LAB 11 END: bmap_alloc_blocks */
}

/*
 * Chain the `count` fresh blocks of a path from level `reached` down: each
 * new indirect block is zeroed and points to the next, and the first is put
 * into i_block or into the last indirect block that existed (chain[reached - 1]).
 */
static int ext2_bmap_link(struct ext2_inode *inode, const struct ext2_bmap_path *path,
                          const uint32_t *chain, int reached, const uint32_t *fresh, int count)
{
    for (int i = 0; i + 1 < count; i++) {
        struct bcache_buf *buf;
        int err = bcache_get_zeroed(inode->fs->dev, fresh[i], &buf);
        if (err != 0)
            return err;
        ((uint32_t *)buf->data)[path->index[reached + i + 1]] = fresh[i + 1];
        bcache_release(buf);
    }
    if (reached == 0) {
        inode->disk.i_block[path->index[0]] = fresh[0];
        return 0;
    }
    return ext2_indirect_set(inode->fs, chain[reached - 1], path->index[reached], fresh[0]);
}

/*
 * Allocate the missing part of the path at once: the indirect blocks from
 * level `reached` down, and the data block. They are all taken before any is
 * linked in, so running out of space leaves the file as it was.
 */
int ext2_bmap_alloc(struct ext2_inode *inode, uint64_t lblock, uint32_t *out, bool *fresh)
{
    struct ext2_fs *fs = inode->fs;
    struct ext2_bmap_path path;
    int err = ext2_bmap_path(fs, lblock, &path);
    if (err != 0)
        return err;
    uint32_t chain[EXT2_BMAP_MAX_DEPTH];
    int reached;
    uint32_t block;
    err = ext2_bmap_walk(inode, &path, chain, &reached, &block);
    if (err != 0 || block != 0) {
        *out = block;
        *fresh = false;
        return err;
    }
    uint32_t fresh_blocks[EXT2_BMAP_MAX_DEPTH + 1];
    int count = path.depth - reached + 1;
    err = ext2_bmap_alloc_blocks(inode, fresh_blocks, count);
    if (err != 0)
        return err;
    err = ext2_bmap_link(inode, &path, chain, reached, fresh_blocks, count);
    if (err != 0) {
        for (int i = 0; i < count; i++)
            ext2_block_free(fs, fresh_blocks[i]);
        return err;
    }
    ext2_inode_add_blocks(inode, count);
    *out = fresh_blocks[count - 1];
    *fresh = true;
    return 0;
}

/* ---- Truncation ------------------------------------------------------------------- */

/* Free one block the inode held. */
static int ext2_bmap_release(struct ext2_inode *inode, uint32_t block)
{
    ext2_inode_add_blocks(inode, -1);
    return ext2_block_free(inode->fs, block);
}

/* The first error wins; later ones are only logged where they happened. */
static void ext2_keep_first_error(int *first, int err)
{
    if (*first == 0)
        *first = err;
}

/*
 * Free `block` and everything below it: `depth` levels of indirection (0: a
 * data block). above[0..count-1] are the blocks over it, for the loop check.
 */
static int ext2_free_tree(struct ext2_inode *inode, uint32_t block, int depth, uint32_t *above,
                          int count)
{
    /* LAB 11 BEGIN: bmap_free_tree */
    int result = ext2_bmap_check(inode, block, above, count);
    if (result != 0)
        return result;
    if (depth > 0) {
        struct bcache_buf *buf;
        int err = bcache_read(inode->fs->dev, block, &buf);
        if (err != 0)
            return err;
        const uint32_t *entries = (const uint32_t *)buf->data;
        above[count] = block;
        for (uint32_t i = 0; i < inode->fs->addr_per_block; i++) {
            if (entries[i] != 0)
                ext2_keep_first_error(
                    &result, ext2_free_tree(inode, entries[i], depth - 1, above, count + 1));
        }
        bcache_release(buf);
    }
    int err = ext2_bmap_release(inode, block);
    if (err != 0)
        ext2_keep_first_error(&result, err);
    return result;
    /* LAB 11 END: bmap_free_tree */
}

static bool ext2_indirect_is_empty(const struct ext2_fs *fs, const uint32_t *entries)
{
    for (uint32_t i = 0; i < fs->addr_per_block; i++) {
        if (entries[i] != 0)
            return false;
    }
    return true;
}

/*
 * In indirect block `block` (`depth` levels above the data), free what maps
 * logical blocks `from` (counted from the start of this block's range) and
 * beyond. *empty tells whether the block maps nothing any more.
 */
static int ext2_truncate_partial(struct ext2_inode *inode, uint32_t block, int depth, uint64_t from,
                                 uint32_t *above, int count, bool *empty)
{
    struct ext2_fs *fs = inode->fs;
    uint64_t per_entry = 1;
    for (int i = 1; i < depth; i++)
        per_entry *= fs->addr_per_block;
    uint32_t first = (uint32_t)(from / per_entry);
    uint64_t rest = from % per_entry;
    int result = ext2_bmap_check(inode, block, above, count);
    if (result != 0)
        return result;
    struct bcache_buf *buf;
    result = bcache_read(fs->dev, block, &buf);
    if (result != 0)
        return result;
    uint32_t *entries = (uint32_t *)buf->data;
    above[count] = block;
    for (uint32_t i = first; i < fs->addr_per_block; i++) {
        if (entries[i] == 0)
            continue;
        if (i == first && rest != 0) {
            bool child_empty = false;
            int err = ext2_truncate_partial(inode, entries[i], depth - 1, rest, above, count + 1,
                                            &child_empty);
            ext2_keep_first_error(&result, err);
            if (!child_empty)
                continue;
            ext2_keep_first_error(&result, ext2_bmap_release(inode, entries[i]));
        } else {
            ext2_keep_first_error(&result,
                                  ext2_free_tree(inode, entries[i], depth - 1, above, count + 1));
        }
        entries[i] = 0;
        bcache_mark_dirty(buf);
    }
    *empty = ext2_indirect_is_empty(fs, entries);
    bcache_release(buf);
    return result;
}

int ext2_bmap_truncate(struct ext2_inode *inode, uint64_t first)
{
    uint32_t *slots = inode->disk.i_block;
    uint32_t above[EXT2_BMAP_MAX_DEPTH + 1];
    int result = 0;
    for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
        if (slots[i] != 0)
            ext2_keep_first_error(&result, ext2_free_tree(inode, slots[i], 0, above, 0));
        slots[i] = 0;
    }
    uint64_t base = EXT2_NDIR_BLOCKS; /* the first logical block the level maps */
    uint64_t cover = 1;
    for (int depth = 1; depth <= EXT2_BMAP_MAX_DEPTH; depth++) {
        uint32_t slot = EXT2_IND_BLOCK + depth - 1;
        cover *= inode->fs->addr_per_block;
        if (slots[slot] != 0 && first < base + cover) {
            if (first > base) {
                /* Set only once the block itself was read, so an I/O error keeps the pointer. */
                bool empty = false;
                ext2_keep_first_error(&result,
                                      ext2_truncate_partial(inode, slots[slot], depth, first - base,
                                                            above, 0, &empty));
                if (empty) {
                    ext2_keep_first_error(&result, ext2_bmap_release(inode, slots[slot]));
                    slots[slot] = 0;
                }
            } else {
                ext2_keep_first_error(&result, ext2_free_tree(inode, slots[slot], depth, above, 0));
                slots[slot] = 0;
            }
        }
        base += cover;
    }
    return result;
}
