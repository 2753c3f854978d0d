/*
 * virtio_blk.h: the virtio block device (virtio 1.1, section 5.2): a disk
 * of 512-byte sectors, driven through one virtqueue and its interrupt.
 *
 * This driver never sleeps, so it can live in dev/, below the scheduler. A
 * caller fills a struct virtio_blk_request and submits it; the driver puts
 * it on the queue and returns at once. When the device has finished, the
 * PLIC interrupt handler calls request->done(request, result), with
 * interrupts off and no driver lock held: it must not sleep, only record
 * the result and wake whoever waits (fs/virtio_disk.c does that). Several
 * requests may be in flight at once, up to virtio_blk_slots(); a submit
 * beyond that gets -EBUSY, so the caller counts free slots itself.
 *
 * One request is three descriptors: a header the device reads (type,
 * sector), the data (read or written), and a status byte the device writes:
 *
 *     desc[3s]   --> struct virtio_blk_header {type, 0, sector}     device reads
 *     desc[3s+1] --> the caller's data, length bytes                device writes (IN) or reads
 *     desc[3s+2] --> status byte: 0 ok, 1 I/O error, 2 unsupported  device writes
 *
 * Slot s always owns descriptors 3s..3s+2, so no descriptor needs a free list.
 */
#ifndef DEV_VIRTIO_BLK_H
#define DEV_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_MAX_DISKS   4

/* Request types. */
#define VIRTIO_BLK_T_IN    0 /* read sectors */
#define VIRTIO_BLK_T_OUT   1 /* write sectors */
#define VIRTIO_BLK_T_FLUSH 4 /* make every completed write durable */

struct virtio_blk;

struct virtio_blk_request {
    /* Filled by the caller. */
    uint32_t type;
    uint64_t sector;
    void *data;      /* a kernel-window address (kmalloc'd or static): the device gets its
                        physical address, so never a kernel stack */
    uint32_t length; /* bytes, a multiple of 512 (0 for a flush) */
    /* Called once, from the interrupt handler: 0, or -EIO / -EOPNOTSUPP from the device. */
    void (*done)(struct virtio_blk_request *request, int result);
    void *arg; /* the caller's */
};

/* Find every modern virtio block device in the device tree and bring it up. Logs each. */
void virtio_blk_init(void);

/* The disks found, 0..virtio_blk_count()-1; NULL past the last. */
int virtio_blk_count(void);
struct virtio_blk *virtio_blk_get(int index);

/*
 * Queue a request. 0: queued, and done() will be called. Otherwise done()
 * is never called: -EBUSY (every slot is in flight), -EINVAL (bad length
 * or buffer), -EIO (past the end of the disk), -EROFS (a write to a
 * read-only disk), -EOPNOTSUPP (a flush the device does not offer).
 */
int virtio_blk_submit(struct virtio_blk *disk, struct virtio_blk_request *request);

const char *virtio_blk_name(const struct virtio_blk *disk);  /* "virtio0" */
uint64_t virtio_blk_capacity(const struct virtio_blk *disk); /* in 512-byte sectors */
bool virtio_blk_read_only(const struct virtio_blk *disk);
bool virtio_blk_can_flush(const struct virtio_blk *disk);
uint32_t virtio_blk_slots(const struct virtio_blk *disk);        /* requests in flight at most */
uint32_t virtio_blk_max_transfer(const struct virtio_blk *disk); /* bytes in one request */

struct virtio_blk_stats {
    uint64_t requests;   /* submitted */
    uint64_t completed;  /* done() called */
    uint64_t interrupts; /* taken */
    uint32_t most_in_flight;
};
void virtio_blk_get_stats(const struct virtio_blk *disk, struct virtio_blk_stats *out);

#endif
