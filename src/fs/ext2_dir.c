/*
 * ext2_dir.c: directory entries. A directory is a file of whole blocks, each
 * a chain of variable-length records (struct ext2_dir_entry); a record's
 * rec_len reaches the next, and the last one in a block reaches the block's
 * end. Entries are found by a linear scan. Every block is checked as it is
 * read, so a corrupted record gives -EUCLEAN, never a loop or an overrun.
 *
 * Linear only: an htree index (dir_index) is not used, and a directory that
 * has one loses its EXT2_INDEX_FL when changed, as Linux's ext2 does. Its
 * index blocks look like empty records to a linear reader, so nothing is lost.
 * The caller holds dir->lock for everything here but ext2_readdir/ext2_lookup.
 */
#include "console/console.h"
#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"

/* ---- Names, types and record checks ------------------------------------------------ */

int ext2_check_name(const char *name, size_t *len_out)
{
    size_t len = strnlen(name, EXT2_NAME_MAX + 1);
    if (len == 0)
        return -ENOENT;
    if (len > EXT2_NAME_MAX)
        return -ENAMETOOLONG;
    if (strchr(name, '/') != NULL)
        return -EINVAL;
    *len_out = len;
    return 0;
}

bool ext2_name_is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* The directory-entry type for an inode mode. */
static uint8_t ext2_file_type_of(uint16_t mode)
{
    switch (mode & EXT2_S_IFMT) {
    case EXT2_S_IFREG: return EXT2_FT_REG_FILE;
    case EXT2_S_IFDIR: return EXT2_FT_DIR;
    case EXT2_S_IFCHR: return EXT2_FT_CHRDEV;
    case EXT2_S_IFBLK: return EXT2_FT_BLKDEV;
    case EXT2_S_IFIFO: return EXT2_FT_FIFO;
    case EXT2_S_IFSOCK: return EXT2_FT_SOCK;
    case EXT2_S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

/* Linux's DT_* value for a directory-entry type (DT_x is S_IFx >> 12). */
static uint8_t ext2_dtype_of(uint8_t file_type)
{
    static const uint8_t dtypes[] = {0, 8, 4, 2, 6, 1, 12, 10};
    return file_type < sizeof(dtypes) ? dtypes[file_type] : 0;
}

/* Without the filetype feature the type byte is the high byte of an (up to 16-bit) name length. */
static uint32_t ext2_entry_name_len(const struct ext2_fs *fs, const struct ext2_dir_entry *e)
{
    if (fs->has_filetype)
        return e->name_len;
    return e->name_len | ((uint32_t)e->file_type << 8);
}

int ext2_dir_check_ino(const struct ext2_fs *fs, uint32_t ino)
{
    if (ino > fs->sb.s_inodes_count || (ino < fs->sb.s_first_ino && ino != EXT2_ROOT_INO)) {
        log_warn("ext2: %s: directory entry names inode %u (valid: 2, %u..%u)", fs->dev->name, ino,
                 fs->sb.s_first_ino, fs->sb.s_inodes_count);
        return ext2_corrupted(fs);
    }
    return 0;
}

/* What is wrong with the record at `offset`, or NULL; as Linux's ext2_check_page checks. */
static const char *ext2_dir_record_problem(const struct ext2_fs *fs, const uint8_t *data,
                                           uint32_t offset)
{
    /* The header must fit before any field of it is read. */
    if (fs->block_size - offset < EXT2_DIR_REC_LEN(1))
        return "a record too short to hold a header";
    const struct ext2_dir_entry *e = (const struct ext2_dir_entry *)(data + offset);
    uint32_t name_len = ext2_entry_name_len(fs, e);
    if (e->rec_len < EXT2_DIR_REC_LEN(1) || e->rec_len % 4 != 0)
        return "a record length below 12 or not a multiple of 4";
    if (e->rec_len > fs->block_size - offset)
        return "a record running past the block";
    if (EXT2_DIR_REC_LEN(name_len) > e->rec_len || name_len > EXT2_NAME_MAX)
        return "a name longer than its record";
    if (e->inode != 0 && name_len == 0)
        return "an entry with an empty name";
    if (e->inode > fs->sb.s_inodes_count)
        return "an inode number out of range";
    return NULL;
}

/* Walk one block's records; after this, the block can be walked by rec_len safely. */
static int ext2_dir_check_block(const struct ext2_inode *dir, const uint8_t *data, uint32_t lblock)
{
    const struct ext2_fs *fs = dir->fs;
    for (uint32_t offset = 0; offset < fs->block_size;) {
        const char *problem = ext2_dir_record_problem(fs, data, offset);
        if (problem != NULL) {
            log_warn("ext2: %s: directory %u, block %u, offset %u: %s", fs->dev->name, dir->ino,
                     lblock, offset, problem);
            return ext2_corrupted(fs);
        }
        offset += ((const struct ext2_dir_entry *)(data + offset))->rec_len;
    }
    return 0;
}

/* The directory's block count; -EUCLEAN if its size is not a whole number of blocks. */
static int ext2_dir_blocks(const struct ext2_inode *dir, uint32_t *count)
{
    uint64_t size = ext2_inode_size(dir);
    if (size % dir->fs->block_size != 0 || size / dir->fs->block_size > UINT32_MAX) {
        log_warn("ext2: %s: directory %u has size %llu, not a multiple of %u", dir->fs->dev->name,
                 dir->ino, (unsigned long long)size, dir->fs->block_size);
        return ext2_corrupted(dir->fs);
    }
    *count = (uint32_t)(size / dir->fs->block_size);
    return 0;
}

/* Read and check logical block `lblock` of the directory. Directories have no holes. */
static int ext2_dir_read_block(struct ext2_inode *dir, uint32_t lblock, struct bcache_buf **out)
{
    uint32_t block;
    int err = ext2_bmap_lookup(dir, lblock, &block);
    if (err != 0)
        return err;
    if (block == 0) {
        log_warn("ext2: %s: directory %u has a hole at block %u", dir->fs->dev->name, dir->ino,
                 lblock);
        return ext2_corrupted(dir->fs);
    }
    err = bcache_read(dir->fs->dev, block, out);
    if (err != 0)
        return err;
    err = ext2_dir_check_block(dir, (*out)->data, lblock);
    if (err != 0)
        bcache_release(*out);
    return err;
}

static struct ext2_dir_entry *ext2_entry_at(struct bcache_buf *buf, uint32_t offset)
{
    return (struct ext2_dir_entry *)(buf->data + offset);
}

static void ext2_entry_fill(struct ext2_fs *fs, struct ext2_dir_entry *e, const char *name,
                            size_t len, uint32_t ino, uint16_t mode)
{
    e->inode = ino;
    e->name_len = (uint8_t)len;
    e->file_type = fs->has_filetype ? ext2_file_type_of(mode) : 0;
    memcpy(e->name, name, len);
}

/*
 * A change to the entries: the directory is modified, and any htree index is
 * now stale. `first`: the directory grew a block for a new entry, and its
 * inode (size, block pointer) must reach the disk with that block, ahead of
 * the inode the entry names.
 */
static int ext2_dir_changed(struct ext2_inode *dir, bool first)
{
    dir->disk.i_flags &= ~EXT2_INDEX_FL;
    ext2_inode_touch(dir, true);
    return first ? ext2_inode_write_first(dir) : ext2_inode_write(dir);
}

/* ---- Finding ---------------------------------------------------------------------- */

/* Look for `name` in one block; fill *slot when found. */
static bool ext2_dir_find_in_block(struct ext2_fs *fs, struct bcache_buf *buf, const char *name,
                                   size_t len, struct ext2_dir_slot *slot)
{
    uint32_t prev = UINT32_MAX;
    for (uint32_t offset = 0; offset < fs->block_size;) {
        struct ext2_dir_entry *e = ext2_entry_at(buf, offset);
        if (e->inode != 0 && ext2_entry_name_len(fs, e) == len && memcmp(e->name, name, len) == 0) {
            slot->offset = offset;
            slot->prev_offset = prev;
            slot->ino = e->inode;
            slot->file_type = fs->has_filetype ? e->file_type : EXT2_FT_UNKNOWN;
            return true;
        }
        prev = offset;
        offset += e->rec_len;
    }
    return false;
}

int ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len, struct ext2_dir_slot *slot)
{
    uint32_t count;
    int err = ext2_dir_blocks(dir, &count);
    for (uint32_t lblock = 0; err == 0 && lblock < count; lblock++) {
        struct bcache_buf *buf;
        err = ext2_dir_read_block(dir, lblock, &buf);
        if (err != 0)
            break;
        bool found = ext2_dir_find_in_block(dir->fs, buf, name, len, slot);
        bcache_release(buf);
        if (found) {
            slot->lblock = lblock;
            return 0;
        }
    }
    return err != 0 ? err : -ENOENT;
}

int ext2_lookup(struct ext2_inode *dir, const char *name, struct ext2_inode **out)
{
    size_t len;
    int err = ext2_check_name(name, &len);
    if (err != 0)
        return err;
    struct ext2_dir_slot slot;
    mutex_lock(&dir->lock);
    if (!ext2_inode_is_dir(dir))
        err = -ENOTDIR;
    else if (dir->disk.i_links_count == 0)
        err = -ENOENT; /* removed while someone still held it */
    else
        err = ext2_dir_find(dir, name, len, &slot);
    mutex_unlock(&dir->lock);
    if (err == 0)
        err = ext2_dir_check_ino(dir->fs, slot.ino);
    if (err != 0)
        return err;
    return ext2_iget(dir->fs, slot.ino, out);
}

/* ---- Adding ---------------------------------------------------------------------- */

/*
 * Make room for a record of `need` bytes in this block: an unused record big
 * enough, or the slack at the end of a used one, which is split off. Returns
 * the offset of the room, or UINT32_MAX.
 */
static uint32_t ext2_dir_make_room(struct ext2_fs *fs, struct bcache_buf *buf, uint32_t need)
{
    for (uint32_t offset = 0; offset < fs->block_size;) {
        struct ext2_dir_entry *e = ext2_entry_at(buf, offset);
        uint32_t used = e->inode != 0 ? EXT2_DIR_REC_LEN(ext2_entry_name_len(fs, e)) : 0;
        if (e->rec_len >= used + need) {
            if (used == 0)
                return offset;
            struct ext2_dir_entry *split = ext2_entry_at(buf, offset + used);
            split->rec_len = (uint16_t)(e->rec_len - used);
            e->rec_len = (uint16_t)used;
            return offset + used;
        }
        offset += e->rec_len;
    }
    return UINT32_MAX;
}

/* Grow the directory by one block holding the new entry alone. */
static int ext2_dir_add_block(struct ext2_inode *dir, uint32_t lblock, const char *name, size_t len,
                              uint32_t ino, uint16_t mode)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t block;
    bool fresh;
    int err = ext2_bmap_alloc(dir, lblock, &block, &fresh);
    if (err != 0)
        return err;
    struct bcache_buf *buf;
    err = bcache_get_zeroed(fs->dev, block, &buf);
    if (err != 0) {
        ext2_bmap_truncate(dir, lblock); /* give the block back: the directory stays as it was */
        return err;
    }
    struct ext2_dir_entry *e = ext2_entry_at(buf, 0);
    e->rec_len = (uint16_t)fs->block_size;
    ext2_entry_fill(fs, e, name, len, ino, mode);
    bcache_mark_dirty_first(buf);
    bcache_release(buf);
    ext2_inode_set_size(dir, (uint64_t)(lblock + 1) * fs->block_size);
    return 0;
}

int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len, uint32_t ino, uint16_t mode)
{
    uint32_t count;
    int err = ext2_dir_blocks(dir, &count);
    if (err != 0)
        return err;
    uint32_t need = EXT2_DIR_REC_LEN(len);
    for (uint32_t lblock = 0; lblock < count; lblock++) {
        struct bcache_buf *buf;
        err = ext2_dir_read_block(dir, lblock, &buf);
        if (err != 0)
            return err;
        uint32_t offset = ext2_dir_make_room(dir->fs, buf, need);
        if (offset != UINT32_MAX) {
            ext2_entry_fill(dir->fs, ext2_entry_at(buf, offset), name, len, ino, mode);
            /* A new entry reaches the disk before the inode it names (docs/ext2.md). */
            bcache_mark_dirty_first(buf);
            bcache_release(buf);
            return ext2_dir_changed(dir, false);
        }
        bcache_release(buf);
    }
    err = ext2_dir_add_block(dir, count, name, len, ino, mode);
    if (err != 0)
        return err;
    return ext2_dir_changed(dir, true);
}

/* ---- Removing and changing --------------------------------------------------------- */

int ext2_dir_remove(struct ext2_inode *dir, const struct ext2_dir_slot *slot)
{
    struct bcache_buf *buf;
    int err = ext2_dir_read_block(dir, slot->lblock, &buf);
    if (err != 0)
        return err;
    struct ext2_dir_entry *e = ext2_entry_at(buf, slot->offset);
    if (slot->prev_offset != UINT32_MAX) {
        /* The previous record swallows this one. */
        ext2_entry_at(buf, slot->prev_offset)->rec_len += e->rec_len;
    } else {
        /* The first record of a block cannot be merged backwards: it becomes unused. */
        e->inode = 0;
    }
    bcache_mark_dirty(buf);
    bcache_release(buf);
    return ext2_dir_changed(dir, false);
}

int ext2_dir_retarget(struct ext2_inode *dir, const struct ext2_dir_slot *slot, uint32_t ino,
                      uint16_t mode)
{
    struct bcache_buf *buf;
    int err = ext2_dir_read_block(dir, slot->lblock, &buf);
    if (err != 0)
        return err;
    struct ext2_dir_entry *e = ext2_entry_at(buf, slot->offset);
    e->inode = ino;
    if (dir->fs->has_filetype)
        e->file_type = ext2_file_type_of(mode);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    return ext2_dir_changed(dir, false);
}

/* ---- Whole directories ------------------------------------------------------------- */

int ext2_dir_is_empty(struct ext2_inode *dir, bool *empty)
{
    uint32_t count;
    int err = ext2_dir_blocks(dir, &count);
    *empty = true;
    for (uint32_t lblock = 0; err == 0 && lblock < count && *empty; lblock++) {
        struct bcache_buf *buf;
        err = ext2_dir_read_block(dir, lblock, &buf);
        if (err != 0)
            break;
        for (uint32_t offset = 0; offset < dir->fs->block_size;) {
            struct ext2_dir_entry *e = ext2_entry_at(buf, offset);
            uint32_t len = ext2_entry_name_len(dir->fs, e);
            bool dot = (len == 1 && e->name[0] == '.') ||
                       (len == 2 && e->name[0] == '.' && e->name[1] == '.');
            if (e->inode != 0 && !dot)
                *empty = false;
            offset += e->rec_len;
        }
        bcache_release(buf);
    }
    return err;
}

int ext2_dir_init(struct ext2_inode *dir, uint32_t parent_ino)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t block;
    bool fresh;
    int err = ext2_bmap_alloc(dir, 0, &block, &fresh);
    if (err != 0)
        return err;
    struct bcache_buf *buf;
    err = bcache_get_zeroed(fs->dev, block, &buf);
    if (err != 0)
        return err;
    struct ext2_dir_entry *dot = ext2_entry_at(buf, 0);
    dot->rec_len = EXT2_DIR_REC_LEN(1);
    ext2_entry_fill(fs, dot, ".", 1, dir->ino, EXT2_S_IFDIR);
    struct ext2_dir_entry *dotdot = ext2_entry_at(buf, EXT2_DIR_REC_LEN(1));
    dotdot->rec_len = (uint16_t)(fs->block_size - EXT2_DIR_REC_LEN(1));
    ext2_entry_fill(fs, dotdot, "..", 2, parent_ino, EXT2_S_IFDIR);
    bcache_release(buf);
    ext2_inode_set_size(dir, fs->block_size);
    return 0;
}

/* ---- Listing --------------------------------------------------------------------- */

/* The first used entry of `buf` at or after `from`; fill *out. */
static bool ext2_readdir_in_block(struct ext2_fs *fs, struct bcache_buf *buf, uint32_t from,
                                  uint64_t block_start, struct ext2_dirent *out)
{
    for (uint32_t offset = 0; offset < fs->block_size;) {
        struct ext2_dir_entry *e = ext2_entry_at(buf, offset);
        /* Scanned from the block's start, so an offset left between records still lands well. */
        if (offset >= from && e->inode != 0) {
            uint32_t len = ext2_entry_name_len(fs, e);
            out->ino = e->inode;
            out->type = fs->has_filetype ? ext2_dtype_of(e->file_type) : 0;
            out->name_len = (uint16_t)len;
            memcpy(out->name, e->name, len);
            out->name[len] = '\0';
            out->next_offset = block_start + offset + e->rec_len;
            return true;
        }
        offset += e->rec_len;
    }
    return false;
}

int ext2_readdir(struct ext2_inode *dir, uint64_t offset, struct ext2_dirent *out)
{
    struct ext2_fs *fs = dir->fs;
    mutex_lock(&dir->lock);
    uint32_t count = 0;
    int err = ext2_inode_is_dir(dir) ? ext2_dir_blocks(dir, &count) : -ENOTDIR;
    int found = 0;
    for (uint64_t lblock = offset / fs->block_size; err == 0 && lblock < count; lblock++) {
        struct bcache_buf *buf;
        err = ext2_dir_read_block(dir, (uint32_t)lblock, &buf);
        if (err != 0)
            break;
        uint64_t block_start = lblock * fs->block_size;
        uint32_t from = offset > block_start ? (uint32_t)(offset - block_start) : 0;
        found = ext2_readdir_in_block(fs, buf, from, block_start, out);
        bcache_release(buf);
        if (found)
            break;
    }
    mutex_unlock(&dir->lock);
    return err != 0 ? err : found;
}
