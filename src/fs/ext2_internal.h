/*
 * ext2_internal.h: what the ext2 source files share and nobody else sees:
 * the in-memory file system and inode, and the functions one ext2 file
 * calls in another. Users of ext2 include fs/ext2.h only.
 *
 * Locks, taken in this order (a thread never takes an earlier one while
 * holding a later one):
 *   1. fs->namespace_lock: held by every call that changes directory
 *      entries (create, unlink, rename, ...), so those run one at a time.
 *   2. inode->lock: the inode's fields and its blocks. A thread holds at
 *      most one at a time, with or without the namespace lock.
 *   3. buffers of the inode's own blocks: truncation holds up to three
 *      indirect blocks, one inside the other (ext2_bmap.c says why that is safe).
 *   4. fs->alloc_lock: the bitmaps, group descriptors and free counts.
 *   5. buffers of metadata (bitmaps, descriptor table, superblock, inode
 *      table), one at a time and briefly; the inode-cache lock, briefly.
 * ext2_iget and ext2_iput are called with no inode lock held.
 */
#ifndef FS_EXT2_INTERNAL_H
#define FS_EXT2_INTERNAL_H

#include "fs/bcache.h"
#include "fs/ext2.h"
#include "proc/mutex.h"
#include "sync/spinlock.h"
#include "lib/list.h"

struct ext2_fs {
    struct block_device *dev;
    struct ext2_superblock sb;      /* the primary superblock (alloc_lock for the free counts) */
    struct ext2_group_desc *groups; /* the descriptor table, group_count entries (alloc_lock) */
    uint16_t state_at_mount;        /* s_state to put back at unmount */
    /* Geometry, fixed at mount. */
    uint32_t block_size;
    uint32_t addr_per_block; /* block numbers in an indirect block */
    uint32_t group_count;
    uint32_t inode_size;
    uint32_t inode_table_blocks; /* per group */
    uint32_t gdt_blocks;         /* blocks of the descriptor table */
    bool read_only;
    bool has_filetype;
    bool corruption_seen; /* ext2_corrupted was called: not clean at shutdown */
    ext2_clock_fn clock;
    struct mutex namespace_lock; /* one create, link, unlink, rename... at a time (ext2_namei.c) */
    struct mutex alloc_lock;     /* the bitmaps, the free counts, the superblock (ext2_alloc.c) */
    struct mutex icache_lock;    /* the inodes list and every refcount */
    struct list inodes;          /* ext2_inode in memory */
};

struct ext2_inode {
    struct ext2_fs *fs;
    uint32_t ino;
    uint32_t refcount;           /* icache_lock */
    struct list_node icache;     /* place in fs->inodes (icache_lock) */
    struct mutex lock;           /* everything below, and the file's blocks */
    bool valid;                  /* disk holds the inode */
    uint32_t alloc_goal;         /* where the next block is looked for first */
    struct ext2_disk_inode disk; /* the first sizeof(disk) bytes of the on-disk inode */
};

/* ---- ext2_super.c ------------------------------------------------------------- */

/*
 * The disk is damaged where the caller looked. Returns -EUCLEAN for the
 * caller to return, and remembers it: at shutdown the superblock is then
 * marked with EXT2_ERROR_FS instead of clean, so that e2fsck -p checks the
 * disk rather than trusting it (Linux's ext2_error does the same at once).
 */
int ext2_corrupted(const struct ext2_fs *fs);

/* Copy the superblock / a group descriptor into its buffer (dirty, written later). */
int ext2_super_write(struct ext2_fs *fs);
int ext2_group_write(struct ext2_fs *fs, uint32_t group);
/* The current time from the mount's clock, or 0. */
uint32_t ext2_now(const struct ext2_fs *fs);
/* A block number read from disk: may it be used? (data blocks lie past s_first_data_block) */
bool ext2_block_in_range(const struct ext2_fs *fs, uint32_t block);
/* The first block of a group. */
uint32_t ext2_group_first_block(const struct ext2_fs *fs, uint32_t group);

/* ---- ext2_alloc.c ------------------------------------------------------------- */

/*
 * Whether an in-range block is metadata: its group's bitmaps or inode table,
 * or group 0's superblock and descriptor table (with the blocks reserved for
 * its growth). A bitmap that calls one free is corrupt; so is a block pointer
 * that names one.
 */
bool ext2_block_is_metadata(const struct ext2_fs *fs, uint32_t block);
/* Allocate a free block, the closest found at or after `goal`. -ENOSPC when there is none. */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
/* Free a block. -EUCLEAN (nothing changed) if it is out of range, metadata, or already free. */
int ext2_block_free(struct ext2_fs *fs, uint32_t block);
/* Allocate an inode number for a new file or directory of `parent_ino`. -ENOSPC. */
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent_ino, bool is_dir, uint32_t *out);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool is_dir);
/* Directories on the file system: the longest chain of ".." a sound tree can have. */
uint32_t ext2_directory_count(struct ext2_fs *fs);

/* ---- ext2_inode.c ------------------------------------------------------------- */

/*
 * A new in-memory inode for a number just allocated: referenced, locked,
 * its disk image zeroed but for mode, links 1 and timestamps. The caller
 * fills the rest and calls ext2_inode_write.
 */
int ext2_inode_new(struct ext2_fs *fs, uint32_t ino, uint16_t mode, struct ext2_inode **out);
/* Copy inode->disk into the inode table (caller holds inode->lock). */
int ext2_inode_write(struct ext2_inode *inode);
/* The same, and its block goes to the disk first at the next sync (bcache_mark_dirty_first). */
int ext2_inode_write_first(struct ext2_inode *inode);
uint64_t ext2_inode_size(const struct ext2_inode *inode);
void ext2_inode_set_size(struct ext2_inode *inode, uint64_t size);
/* i_blocks counts 512-byte units; these take file-system blocks. */
void ext2_inode_add_blocks(struct ext2_inode *inode, int32_t fs_blocks);
bool ext2_inode_is_dir(const struct ext2_inode *inode);
bool ext2_inode_is_fast_symlink(const struct ext2_inode *inode);
void ext2_inode_touch(struct ext2_inode *inode, bool modified); /* ctime, and mtime if modified */

/* ---- ext2_bmap.c: the block map (caller holds inode->lock) ---------------------- */

/* The disk block holding logical block `lblock`, or 0 for a hole. */
int ext2_bmap_lookup(struct ext2_inode *inode, uint64_t lblock, uint32_t *out);
/*
 * The same, allocating the block and any indirect blocks on the way when
 * missing; *fresh says it was just allocated (its contents are garbage).
 * On -ENOSPC nothing has changed.
 */
int ext2_bmap_alloc(struct ext2_inode *inode, uint64_t lblock, uint32_t *out, bool *fresh);
/* Free every block at logical index `first` and beyond, indirect blocks included. */
int ext2_bmap_truncate(struct ext2_inode *inode, uint64_t first);
/* Logical blocks the block map can address. */
uint64_t ext2_bmap_max_blocks(const struct ext2_fs *fs);

/* ---- ext2_dir.c: directory entries (caller holds dir->lock) ----------------------- */

/* Where an entry lies: found by ext2_dir_find, used to change or remove it. */
struct ext2_dir_slot {
    uint32_t lblock;      /* logical block of the directory */
    uint32_t offset;      /* of the entry in the block */
    uint32_t prev_offset; /* of the entry before it in the block, or UINT32_MAX */
    uint32_t ino;
    uint8_t file_type;
};

int ext2_check_name(const char *name, size_t *len_out);
bool ext2_name_is_dot_or_dotdot(const char *name);
int ext2_dir_find(struct ext2_inode *dir, const char *name, size_t len, struct ext2_dir_slot *slot);
int ext2_dir_add(struct ext2_inode *dir, const char *name, size_t len, uint32_t ino, uint16_t mode);
int ext2_dir_remove(struct ext2_inode *dir, const struct ext2_dir_slot *slot);
/* Point an existing entry at another inode (rename over a target, and ".."). */
int ext2_dir_retarget(struct ext2_inode *dir, const struct ext2_dir_slot *slot, uint32_t ino,
                      uint16_t mode);
/* Whether the directory holds nothing but "." and "..". */
int ext2_dir_is_empty(struct ext2_inode *dir, bool *empty);
/* Write the first block of a new directory: "." and "..". */
int ext2_dir_init(struct ext2_inode *dir, uint32_t parent_ino);
/* A directory entry's number as a checked inode number (-EUCLEAN for a reserved or out-of-range
 * one). */
int ext2_dir_check_ino(const struct ext2_fs *fs, uint32_t ino);

/* ---- ext2_namei.c --------------------------------------------------------------- */

/*
 * A new inode of `mode` named `name` in `dir` (namespace_lock held). `fill`,
 * if given, sets its contents before the name appears, with child->lock held.
 */
int ext2_make_node(struct ext2_inode *dir, const char *name, uint16_t mode,
                   int (*fill)(struct ext2_inode *child, const void *arg), const void *arg,
                   struct ext2_inode **out);
/* namespace_lock for a change to `dir`: -EROFS on a read-only mount. */
int ext2_namespace_begin(struct ext2_inode *dir);
void ext2_namespace_end(struct ext2_inode *dir);
/* Add `delta` links (ctime too) and write the inode; takes inode->lock. */
int ext2_adjust_links(struct ext2_inode *inode, int delta);
/* No links left (ctime too): the last ext2_iput frees the inode. */
int ext2_clear_links(struct ext2_inode *inode);
/* The entry `name` of `dir` and a new reference to the inode it names. */
int ext2_find_child(struct ext2_inode *dir, const char *name, struct ext2_dir_slot *slot,
                    struct ext2_inode **child);

#endif
