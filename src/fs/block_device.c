/*
 * block_device.c: the range check in front of every driver call, so that a
 * block number read from a corrupted disk can never reach a driver as an
 * out-of-range request.
 */
#include "fs/block_device.h"

#include "console/console.h"
#include "abi/errno.h"

static bool block_device_range_ok(const struct block_device *dev, uint64_t sector, uint32_t count)
{
    /* Written so that no sum can overflow: sector + count might wrap. */
    return count <= dev->sector_count && sector <= dev->sector_count - count;
}

int block_device_read(struct block_device *dev, uint64_t sector, uint32_t count, void *buf)
{
    if (!block_device_range_ok(dev, sector, count)) {
        log_warn("block: %s: read of sectors %llu+%u beyond the end (%llu sectors)", dev->name,
                 (unsigned long long)sector, count, (unsigned long long)dev->sector_count);
        return -EIO;
    }
    return dev->ops->read(dev, sector, count, buf);
}

int block_device_write(struct block_device *dev, uint64_t sector, uint32_t count, const void *buf)
{
    if (!block_device_range_ok(dev, sector, count)) {
        log_warn("block: %s: write of sectors %llu+%u beyond the end (%llu sectors)", dev->name,
                 (unsigned long long)sector, count, (unsigned long long)dev->sector_count);
        return -EIO;
    }
    if (dev->read_only)
        return -EROFS;
    return dev->ops->write(dev, sector, count, buf);
}

int block_device_flush(struct block_device *dev)
{
    if (dev->ops->flush == NULL || dev->read_only)
        return 0;
    return dev->ops->flush(dev);
}
