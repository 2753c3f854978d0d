/*
 * bcache.c: the buffer cache (see bcache.h for how to use it).
 *
 * Two kinds of lock, as in xv6: one spinlock for the pool (which buffer holds
 * which block, the reference counts, the LRU order), and one sleeping lock per
 * buffer for its contents. The pool lock is held only for list work, never
 * across I/O; a buffer's lock is held across the I/O that fills or writes it.
 *
 * Invariants, all under the pool lock:
 *   - at most one buffer has a given (dev, blockno);
 *   - a buffer with refcount > 0 keeps its identity;
 *   - `dirty` and `valid` change only while the changer holds a reference and
 *     the buffer's lock, so at refcount 0 they are stable.
 * A buffer with an identity is also on one of `bucket_count` hash chains,
 * chosen by (dev, blockno), so a lookup looks at a few buffers, not the pool.
 */
#include "fs/bcache.h"

#include "console/console.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"

static struct {
    struct spinlock lock;    /* guards everything below but the buffers' data */
    struct list lru;         /* every buffer: head is the most recently released */
    struct bcache_buf *bufs; /* the pool, `count` buffers */
    uint8_t *memory;         /* their data, BCACHE_MAX_BLOCK_SIZE each */
    uint32_t count;
    struct list *buckets; /* hash chains of the buffers that hold a block */
    uint32_t bucket_count;
    struct bcache_stats stats;
} bcache;

int bcache_init(uint32_t buffer_count)
{
    if (buffer_count == 0)
        return -EINVAL;
    bcache.bufs = kzalloc(sizeof(struct bcache_buf) * buffer_count);
    bcache.memory = kmalloc((size_t)buffer_count * BCACHE_MAX_BLOCK_SIZE);
    bcache.bucket_count = buffer_count;
    bcache.buckets = kmalloc(sizeof(struct list) * bcache.bucket_count);
    if (bcache.bufs == NULL || bcache.memory == NULL || bcache.buckets == NULL) {
        bcache_shutdown();
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < bcache.bucket_count; i++)
        list_init(&bcache.buckets[i]);
    spinlock_init(&bcache.lock, "bcache");
    list_init(&bcache.lru);
    bcache.count = buffer_count;
    memset(&bcache.stats, 0, sizeof(bcache.stats));
    for (uint32_t i = 0; i < buffer_count; i++) {
        struct bcache_buf *buf = &bcache.bufs[i];
        buf->data = bcache.memory + (size_t)i * BCACHE_MAX_BLOCK_SIZE;
        mutex_init(&buf->lock, "bcache.buf");
        list_push_back(&bcache.lru, &buf->lru);
        list_node_init(&buf->hash);
    }
    return 0;
}

void bcache_shutdown(void)
{
    for (uint32_t i = 0; i < bcache.count; i++) {
        if (bcache.bufs[i].refcount != 0)
            log_error("bcache: shutdown with block %llu still held (%u references)",
                      (unsigned long long)bcache.bufs[i].blockno, bcache.bufs[i].refcount);
    }
    kfree(bcache.bufs);
    kfree(bcache.memory);
    kfree(bcache.buckets);
    bcache.bufs = NULL;
    bcache.memory = NULL;
    bcache.buckets = NULL;
    bcache.count = 0;
}

/* ---- The pool: lookup, recycling, references (pool lock held) --------------------- */

static struct list *bcache_bucket(const struct block_device *dev, uint64_t blockno)
{
    uint64_t key = (uint64_t)(uintptr_t)dev * 31 + blockno;
    return &bcache.buckets[key % bcache.bucket_count];
}

static struct bcache_buf *bcache_find(const struct block_device *dev, uint64_t blockno)
{
    list_for_each(node, bcache_bucket(dev, blockno))
    {
        struct bcache_buf *buf = list_entry(node, struct bcache_buf, hash);
        if (buf->dev == dev && buf->blockno == blockno)
            return buf;
    }
    return NULL;
}

/* Give a buffer a new identity (or none, dev NULL), moving it to the matching chain. */
static void bcache_set_identity(struct bcache_buf *buf, struct block_device *dev, uint64_t blockno)
{
    list_remove(&buf->hash);
    buf->dev = dev;
    buf->blockno = blockno;
    if (dev != NULL)
        list_push_back(bcache_bucket(dev, blockno), &buf->hash);
}

/* The least recently released buffer that nobody holds, or NULL. */
static struct bcache_buf *bcache_find_victim(void)
{
    for (struct list_node *node = bcache.lru.head.prev; node != &bcache.lru.head;
         node = node->prev) {
        struct bcache_buf *buf = list_entry(node, struct bcache_buf, lru);
        if (buf->refcount == 0)
            return buf;
    }
    return NULL;
}

static void bcache_unref(struct bcache_buf *buf)
{
    spinlock_acquire(&bcache.lock);
    buf->refcount--;
    if (buf->refcount == 0) {
        /* Most recently used goes to the head; victims are taken from the tail. */
        list_remove(&buf->lru);
        list_push_front(&bcache.lru, &buf->lru);
    }
    spinlock_release(&bcache.lock);
}

/* ---- Device transfers (buffer lock held, pool lock not) --------------------------- */

static int bcache_transfer(struct bcache_buf *buf, bool write)
{
    struct block_device *dev = buf->dev;
    if (dev->block_size == 0 || dev->block_size > BCACHE_MAX_BLOCK_SIZE)
        return -EINVAL;
    uint32_t sectors_per_block = dev->block_size / dev->sector_size;
    if (buf->blockno > UINT64_MAX / sectors_per_block)
        return -EIO;
    uint64_t sector = buf->blockno * sectors_per_block;
    int err;
    if (write)
        err = block_device_write(dev, sector, sectors_per_block, buf->data);
    else
        err = block_device_read(dev, sector, sectors_per_block, buf->data);
    if (err != 0) {
        log_warn("bcache: %s: %s of block %llu failed (%d)", dev->name, write ? "write" : "read",
                 (unsigned long long)buf->blockno, err);
        return err;
    }
    spinlock_acquire(&bcache.lock);
    if (write)
        bcache.stats.writes++;
    else
        bcache.stats.reads++;
    spinlock_release(&bcache.lock);
    return 0;
}

/* Write a dirty buffer that the caller holds a reference to (not its lock). */
/* Write the buffer if it is dirty (and, with `first_only`, marked to go first). Whether it wrote.
 */
static int bcache_clean(struct bcache_buf *buf, bool first_only, bool *wrote)
{
    mutex_lock(&buf->lock);
    int err = 0;
    if (buf->dirty && (!first_only || buf->write_first)) {
        err = bcache_transfer(buf, true);
        if (err == 0) {
            buf->dirty = false;
            buf->write_first = false;
            *wrote = true;
        }
    }
    mutex_unlock(&buf->lock);
    return err;
}

/*
 * The buffer for (dev, blockno), referenced but not locked, its data not yet
 * valid if it is new. Lookup and the claim of a free buffer happen under one
 * hold of the pool lock, so two threads asking for the same block can never
 * end up with two buffers. A dirty victim is written back first, without the
 * pool lock, and then the whole search starts again.
 */
static int bcache_get(struct block_device *dev, uint64_t blockno, struct bcache_buf **out)
{
    for (;;) {
        spinlock_acquire(&bcache.lock);
        struct bcache_buf *buf = bcache_find(dev, blockno);
        if (buf != NULL) {
            buf->refcount++;
            bcache.stats.hits++;
            spinlock_release(&bcache.lock);
            *out = buf;
            return 0;
        }
        struct bcache_buf *victim = bcache_find_victim();
        if (victim == NULL) {
            spinlock_release(&bcache.lock);
            log_warn("bcache: all %u buffers are in use; block %llu of %s refused", bcache.count,
                     (unsigned long long)blockno, dev->name);
            return -ENOBUFS;
        }
        victim->refcount++;
        if (!victim->dirty) {
            if (victim->dev != NULL)
                bcache.stats.evictions++;
            bcache.stats.misses++;
            bcache_set_identity(victim, dev, blockno);
            victim->valid = false;
            spinlock_release(&bcache.lock);
            *out = victim;
            return 0;
        }
        spinlock_release(&bcache.lock);
        bool wrote = false;
        int err = bcache_clean(victim, false, &wrote);
        bcache_unref(victim);
        if (err != 0)
            return err;
    }
}

/* ---- The holder's interface -------------------------------------------------------- */

int bcache_read(struct block_device *dev, uint64_t blockno, struct bcache_buf **out)
{
    struct bcache_buf *buf;
    int err = bcache_get(dev, blockno, &buf);
    if (err != 0)
        return err;
    mutex_lock(&buf->lock);
    if (!buf->valid) {
        err = bcache_transfer(buf, false);
        if (err != 0) {
            mutex_unlock(&buf->lock);
            bcache_unref(buf);
            return err;
        }
        buf->valid = true;
    }
    *out = buf;
    return 0;
}

int bcache_get_zeroed(struct block_device *dev, uint64_t blockno, struct bcache_buf **out)
{
    struct bcache_buf *buf;
    int err = bcache_get(dev, blockno, &buf);
    if (err != 0)
        return err;
    mutex_lock(&buf->lock);
    memset(buf->data, 0, dev->block_size);
    buf->valid = true;
    buf->dirty = true;
    buf->write_first = false;
    *out = buf;
    return 0;
}

void bcache_mark_dirty(struct bcache_buf *buf)
{
    buf->dirty = true;
}

void bcache_mark_dirty_first(struct bcache_buf *buf)
{
    buf->dirty = true;
    buf->write_first = true;
}

int bcache_write_now(struct bcache_buf *buf)
{
    if (!buf->dirty)
        return 0;
    int err = bcache_transfer(buf, true);
    if (err == 0)
        buf->write_first = false;
    if (err == 0)
        buf->dirty = false;
    return err;
}

void bcache_release(struct bcache_buf *buf)
{
    mutex_unlock(&buf->lock);
    bcache_unref(buf);
}

/* ---- Sync and forget ------------------------------------------------------------- */

/* Take a reference on pool slot i if it holds a block of `dev` (of any device when NULL). */
static struct bcache_buf *bcache_ref_slot(uint32_t i, const struct block_device *dev)
{
    struct bcache_buf *buf = &bcache.bufs[i];
    spinlock_acquire(&bcache.lock);
    bool match = buf->dev != NULL && (dev == NULL || buf->dev == dev);
    if (match)
        buf->refcount++;
    spinlock_release(&bcache.lock);
    return match ? buf : NULL;
}

/* One pass over the pool: every dirty buffer of `dev` (or of any), or only the first ones. */
static int bcache_sync_pass(const struct block_device *dev, bool first_only,
                            struct block_device **flush)
{
    int first_error = 0;
    for (uint32_t i = 0; i < bcache.count; i++) {
        struct bcache_buf *buf = bcache_ref_slot(i, dev);
        if (buf == NULL)
            continue;
        bool wrote = false;
        int err = bcache_clean(buf, first_only, &wrote);
        if (wrote && first_only)
            *flush = buf->dev; /* (with several devices each would want its flush) */
        bcache_unref(buf);
        if (err != 0 && first_error == 0)
            first_error = err;
    }
    return first_error;
}

static int bcache_sync_matching(const struct block_device *dev)
{
    struct block_device *flush = NULL;
    int err = bcache_sync_pass(dev, true, &flush);
    /* What went first is on the medium before anything else is written. */
    if (flush != NULL) {
        int flush_err = block_device_flush(flush);
        if (err == 0)
            err = flush_err;
    }
    int rest_err = bcache_sync_pass(dev, false, &flush);
    return err != 0 ? err : rest_err;
}

int bcache_sync(void)
{
    return bcache_sync_matching(NULL);
}

int bcache_sync_device(struct block_device *dev)
{
    return bcache_sync_matching(dev);
}

/* Whether a buffer of `dev` is held (pool lock held). */
static bool bcache_device_busy(const struct block_device *dev)
{
    for (uint32_t i = 0; i < bcache.count; i++) {
        if (bcache.bufs[i].dev == dev && bcache.bufs[i].refcount != 0)
            return true;
    }
    return false;
}

int bcache_forget_device(struct block_device *dev)
{
    /* Checked before the sync too, which would otherwise wait on a buffer the caller holds. */
    spinlock_acquire(&bcache.lock);
    bool busy = bcache_device_busy(dev);
    spinlock_release(&bcache.lock);
    if (busy)
        return -EBUSY;
    int err = bcache_sync_device(dev);
    spinlock_acquire(&bcache.lock);
    if (bcache_device_busy(dev)) {
        spinlock_release(&bcache.lock);
        return -EBUSY;
    }
    /*
     * Forget even buffers whose write failed: the device is going away, and a
     * buffer left pointing at it would be written to freed memory later.
     */
    for (uint32_t i = 0; i < bcache.count; i++) {
        struct bcache_buf *buf = &bcache.bufs[i];
        if (buf->dev != dev)
            continue;
        bcache_set_identity(buf, NULL, 0);
        buf->valid = false;
        buf->dirty = false;
        buf->write_first = false;
        list_remove(&buf->lru);
        list_push_back(&bcache.lru, &buf->lru); /* first in line for reuse */
    }
    spinlock_release(&bcache.lock);
    return err;
}

int bcache_set_block_size(struct block_device *dev, uint32_t block_size)
{
    bool power_of_two = block_size != 0 && (block_size & (block_size - 1)) == 0;
    if (!power_of_two || block_size < dev->sector_size || block_size > BCACHE_MAX_BLOCK_SIZE)
        return -EINVAL;
    if (dev->block_size == block_size)
        return 0;
    int err = bcache_forget_device(dev);
    if (err == -EBUSY)
        return err;
    dev->block_size = block_size;
    return err;
}

void bcache_get_stats(struct bcache_stats *out)
{
    spinlock_acquire(&bcache.lock);
    *out = bcache.stats;
    out->buffers = bcache.count;
    out->referenced = 0;
    out->dirty = 0;
    for (uint32_t i = 0; i < bcache.count; i++) {
        if (bcache.bufs[i].refcount != 0)
            out->referenced++;
        /* A snapshot: a holder may be changing `dirty` as we look. */
        if (bcache.bufs[i].dirty)
            out->dirty++;
    }
    spinlock_release(&bcache.lock);
}
