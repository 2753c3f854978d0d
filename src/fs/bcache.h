/*
 * bcache.h: the buffer cache: copies of disk blocks in memory, shared by
 * every user of a block, written back later (write-back), and recycled in
 * least-recently-used order. All file-system I/O goes through it.
 *
 * Use: bcache_read() hands out a buffer that is referenced and locked (a
 * sleeping lock, so the holder may do I/O); change buf->data, call
 * bcache_mark_dirty(), then bcache_release(). There is never more than one
 * buffer for a (device, block) pair, so every thread sees the same copy.
 *
 * Dirty buffers reach the disk on bcache_sync(), bcache_sync_device(), and
 * when their buffer is recycled for another block. There is no per-file
 * list of blocks: an fsync of one file syncs its whole device.
 *
 * The pool is fixed at bcache_init(). When every buffer is referenced, a
 * request fails with -ENOBUFS at once rather than waiting: a thread that
 * waited while holding buffers of its own could wait forever. Size the pool
 * for the buffers that run at once (an ext2 operation holds at most 4 at once).
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/block_device.h"
#include "proc/mutex.h"
#include "sync/spinlock.h"
#include "lib/list.h"

/* The largest block a buffer holds: ext2's largest block size that this kernel supports. */
#define BCACHE_MAX_BLOCK_SIZE 4096

struct bcache_buf {
    uint8_t *data; /* block_size bytes of the block; change only while holding `lock` */
    /* The fields below belong to the cache: read them, never write them. */
    struct block_device *dev;
    uint64_t blockno;     /* in units of dev->block_size */
    uint32_t refcount;    /* holders; the buffer is recycled only at 0 (guarded by the pool lock) */
    bool valid;           /* data holds the block (changed only by a holder of `lock`) */
    bool dirty;           /* data is newer than the disk (the same) */
    bool write_first;     /* at a sync, write this before the other dirty buffers (the same) */
    struct mutex lock;    /* the holder's right to data */
    struct list_node lru; /* place in the pool, most recently released first */
    struct list_node hash; /* place in its hash chain (guarded by the pool lock) */
};

struct bcache_stats {
    uint64_t hits;       /* requests served from memory */
    uint64_t misses;     /* requests that took a free or recycled buffer */
    uint64_t reads;      /* blocks read from a device */
    uint64_t writes;     /* blocks written to a device */
    uint64_t evictions;  /* buffers recycled that held another block */
    uint32_t buffers;    /* the pool's size */
    uint32_t referenced; /* buffers held right now */
    uint32_t dirty;      /* buffers waiting to be written */
};

/* Create the pool: `buffer_count` buffers of BCACHE_MAX_BLOCK_SIZE. 0, -EINVAL or -ENOMEM. */
int bcache_init(uint32_t buffer_count);
/* Free the pool; every buffer must be released, and dirty ones are dropped (sync first). */
void bcache_shutdown(void);

/*
 * Set the block size of `dev`: a power of two from its sector size up to
 * BCACHE_MAX_BLOCK_SIZE. Buffers of the device in the old size are written
 * back and forgotten. -EINVAL for a bad size, -EBUSY while any is held.
 */
int bcache_set_block_size(struct block_device *dev, uint32_t block_size);

/* The block, read from the device if the cache lacks it: locked and referenced. 0, -EIO, -ENOBUFS.
 */
int bcache_read(struct block_device *dev, uint64_t blockno, struct bcache_buf **out);
/*
 * The block filled with zeros without reading it, locked, referenced and
 * already dirty: for a block just allocated, whose old contents do not matter.
 */
int bcache_get_zeroed(struct block_device *dev, uint64_t blockno, struct bcache_buf **out);

/* The holder changed buf->data: write it back later. */
void bcache_mark_dirty(struct bcache_buf *buf);
/*
 * The same, and at the next sync this buffer goes to the disk before the
 * other dirty ones, with a flush in between. ext2 uses it so that a power
 * cut in the middle of a sync leaves damage e2fsck -p repairs on its own:
 * a new directory entry before the inode it names, a dropped link before
 * the entry's removal (docs/ext2.md, "No journal").
 */
void bcache_mark_dirty_first(struct bcache_buf *buf);
/* Write the holder's buffer now if it is dirty. 0 or -EIO (it stays dirty then). */
int bcache_write_now(struct bcache_buf *buf);
/* Unlock and drop the reference: the end of every bcache_read/bcache_get_zeroed. */
void bcache_release(struct bcache_buf *buf);

/*
 * Write every dirty buffer (of one device): those marked to go first, then a
 * flush of the device, then the rest. 0, or the first error after trying
 * them all. Call it holding no buffer: it takes each buffer's lock in turn.
 */
int bcache_sync(void);
int bcache_sync_device(struct block_device *dev);
/* Write back, then forget, every buffer of `dev` (at unmount). -EBUSY if one is held. */
int bcache_forget_device(struct block_device *dev);

void bcache_get_stats(struct bcache_stats *out);

#endif
