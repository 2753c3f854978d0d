/*
 * virtio_disk.h: a virtio block device as the file system sees it: a
 * struct block_device whose read and write put the calling thread to sleep
 * until the disk's interrupt says the request is done.
 *
 * The driver (dev/virtio_blk.h) lies below the scheduler and cannot sleep;
 * this is the half that can. Each transfer takes one of the driver's
 * request slots (a semaphore counts them, so a thread that finds none free
 * sleeps until one is), submits, and sleeps on a wait queue of its own
 * until the completion callback, run by the interrupt handler, wakes it.
 * Several threads may have requests in flight at once.
 */
#ifndef FS_VIRTIO_DISK_H
#define FS_VIRTIO_DISK_H

#include "fs/block_device.h"

/*
 * The `index`th virtio disk as a block device, or NULL if there is none.
 * The device is made once and lives as long as the kernel.
 */
struct block_device *virtio_disk_get(int index);

#endif
