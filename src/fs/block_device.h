/*
 * block_device.h: a disk as the file system sees it: numbered sectors that
 * are read and written whole, through a struct of operations. virtio-blk
 * implements it in the kernel; the host tests implement it over an image file.
 */
#ifndef FS_BLOCK_DEVICE_H
#define FS_BLOCK_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct block_device;

/*
 * A driver's operations. Both transfer `count` whole sectors starting at
 * `sector`, and return 0 or -EIO. They may sleep (a virtio request waits for
 * its interrupt), so they are called with no spinlock held. The driver never
 * sees a range beyond sector_count: block_device_read/write check it first.
 */
struct block_device_ops {
    int (*read)(struct block_device *dev, uint64_t sector, uint32_t count, void *buf);
    int (*write)(struct block_device *dev, uint64_t sector, uint32_t count, const void *buf);
    /*
     * Optional: make every completed write durable (a disk's write cache to
     * its medium). 0 or -EIO. NULL means writes are durable once completed.
     */
    int (*flush)(struct block_device *dev);
};

struct block_device {
    const char *name; /* for messages: "virtio0", "test.img" */
    const struct block_device_ops *ops;
    uint32_t sector_size;  /* bytes in a sector: 512 for virtio-blk */
    uint64_t sector_count; /* the device's size in sectors */
    bool read_only;        /* the device refuses writes (virtio-blk's VIRTIO_BLK_F_RO) */
    /*
     * The unit in which the buffer cache reads this device, in bytes. 0 until
     * a file system chooses it with bcache_set_block_size() at mount.
     */
    uint32_t block_size;
    void *private_data; /* the driver's own state */
};

/* The driver's read and write, after checking that the range lies on the device (-EIO if not). */
int block_device_read(struct block_device *dev, uint64_t sector, uint32_t count, void *buf);
int block_device_write(struct block_device *dev, uint64_t sector, uint32_t count, const void *buf);
/* The driver's flush, if it has one: 0 or -EIO. */
int block_device_flush(struct block_device *dev);

#endif
