/*
 * virtio_disk.c: block_device operations over dev/virtio_blk, with sleeping
 * waiters. See virtio_disk.h.
 */
#include "fs/virtio_disk.h"

#include "abi/errno.h"
#include "arch/layout.h"
#include "console/console.h"
#include "dev/virtio_blk.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "proc/semaphore.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"

struct virtio_disk {
    struct block_device block;
    struct virtio_blk *blk;
    struct semaphore free_slots; /* the driver's request slots not in flight */
};

static struct virtio_disk disks[VIRTIO_BLK_MAX_DISKS];

/*
 * One request and its waiter, on the waiting thread's stack. `done` and
 * `result` are written by the interrupt handler and read by the waiter, both
 * under `completion_guard`: the waiter checks and sleeps under it, and the
 * callback sets and wakes under it, so no wake-up falls in between. The
 * guard is static, not in the request: the callback's last touch of the
 * request is before it releases the guard, after which the waiter may
 * return and its stack frame be gone.
 */
struct disk_wait {
    struct virtio_blk_request request;
    struct wait_queue queue;
    bool done;
    int result;
};

static struct spinlock completion_guard = SPINLOCK_INIT("virtio-disk completion");

/* The driver's done(), in the interrupt handler. */
static void request_done(struct virtio_blk_request *request, int result)
{
    struct disk_wait *wait = request->arg;
    spinlock_acquire(&completion_guard);
    wait->result = result;
    wait->done = true;
    wait_queue_wake_one(&wait->queue);
    spinlock_release(&completion_guard);
}

/* Submit one request and sleep until it is done. */
static int transfer_one(struct virtio_disk *disk, uint32_t type, uint64_t sector, void *data,
                        uint32_t length)
{
    struct disk_wait wait = {
        .request =
            {.type = type, .sector = sector, .data = data, .length = length, .done = request_done},
        .done = false,
        .result = 0,
    };
    wait.request.arg = &wait;
    wait_queue_init(&wait.queue, "disk request");
    semaphore_down(&disk->free_slots);
    int error = virtio_blk_submit(disk->blk, &wait.request);
    if (error == 0) {
        spinlock_acquire(&completion_guard);
        while (!wait.done)
            wait_queue_sleep(&wait.queue, &completion_guard);
        spinlock_release(&completion_guard);
        error = wait.result;
    }
    semaphore_up(&disk->free_slots);
    if (error != 0 && error != -EOPNOTSUPP)
        log_warn("virtio: %s: %s of %u bytes at sector %lu failed: error %d", disk->block.name,
                 type == VIRTIO_BLK_T_IN    ? "read"
                 : type == VIRTIO_BLK_T_OUT ? "write"
                                            : "flush",
                 length, sector, error);
    return error == -EOPNOTSUPP ? -EIO : error;
}

/*
 * Move `count` sectors, in pieces no larger than the device takes at once.
 * The device needs a physical address, which only the kernel window gives
 * by arithmetic; a buffer elsewhere (a kernel stack) goes through a bounce
 * buffer.
 */
static int transfer(struct block_device *block, uint32_t type, uint64_t sector, uint32_t count,
                    void *buf)
{
    struct virtio_disk *disk = block->private_data;
    uint64_t bytes = (uint64_t)count * VIRTIO_BLK_SECTOR_SIZE;
    uint32_t piece_max = virtio_blk_max_transfer(disk->blk);
    bool bounce = (uint64_t)buf < KERNEL_OFFSET;
    uint8_t *staging = NULL;
    if (bounce) {
        staging = kmalloc(piece_max);
        if (staging == NULL)
            return -ENOMEM;
    }
    int error = 0;
    for (uint64_t done = 0; done < bytes && error == 0;) {
        uint32_t piece = bytes - done < piece_max ? (uint32_t)(bytes - done) : piece_max;
        uint8_t *data = bounce ? staging : (uint8_t *)buf + done;
        if (bounce && type == VIRTIO_BLK_T_OUT)
            memcpy(staging, (uint8_t *)buf + done, piece);
        error = transfer_one(disk, type, sector + done / VIRTIO_BLK_SECTOR_SIZE, data, piece);
        if (error == 0 && bounce && type == VIRTIO_BLK_T_IN)
            memcpy((uint8_t *)buf + done, staging, piece);
        done += piece;
    }
    kfree(staging);
    return error;
}

static int virtio_disk_read(struct block_device *block, uint64_t sector, uint32_t count, void *buf)
{
    return transfer(block, VIRTIO_BLK_T_IN, sector, count, buf);
}

static int virtio_disk_write(struct block_device *block, uint64_t sector, uint32_t count,
                             const void *buf)
{
    return transfer(block, VIRTIO_BLK_T_OUT, sector, count, (void *)buf);
}

static int virtio_disk_flush(struct block_device *block)
{
    struct virtio_disk *disk = block->private_data;
    if (!virtio_blk_can_flush(disk->blk))
        return 0; /* a device without a write cache to flush: completed writes are durable */
    return transfer_one(disk, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static const struct block_device_ops virtio_disk_ops = {
    .read = virtio_disk_read,
    .write = virtio_disk_write,
    .flush = virtio_disk_flush,
};

struct block_device *virtio_disk_get(int index)
{
    struct virtio_blk *blk = virtio_blk_get(index);
    if (blk == NULL)
        return NULL;
    struct virtio_disk *disk = &disks[index];
    if (disk->blk == NULL) {
        disk->blk = blk;
        semaphore_init(&disk->free_slots, virtio_blk_slots(blk), "virtio-disk slots");
        disk->block.name = virtio_blk_name(blk);
        disk->block.ops = &virtio_disk_ops;
        disk->block.sector_size = VIRTIO_BLK_SECTOR_SIZE;
        disk->block.sector_count = virtio_blk_capacity(blk);
        disk->block.read_only = virtio_blk_read_only(blk);
        disk->block.private_data = disk;
    }
    return &disk->block;
}
