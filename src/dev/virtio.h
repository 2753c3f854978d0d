/*
 * virtio.h: virtio devices over the MMIO transport (the "modern" interface,
 * version 2 of the register layout; virtio 1.1, section 4.2), and the split
 * virtqueue they exchange requests through (section 2.6).
 *
 * QEMU's virt machine has eight virtio-mmio slots, each a page of registers
 * and one PLIC interrupt, listed in the device tree as "virtio,mmio" nodes.
 * An empty slot reads device id 0. QEMU 7.2 still shows the legacy layout
 * (version 1) unless started with -global virtio-mmio.force-legacy=false;
 * this driver speaks only the modern one and says so when it meets the other.
 *
 * A virtqueue is three arrays in memory the device reads and writes itself:
 *
 *     descriptor table     avail ring (driver -> device)    used ring (device -> driver)
 *     +--------------+     +-------+-----+---------+        +-------+-----+----------------+
 *  0  | addr len     |     | flags | idx | ring[N] |        | flags | idx | ring[N]:       |
 *     | flags next --+-+   +-------+-----+---------+        |       |     |  {id, len}     |
 *  1  | ...          |<+    ring[i] = the first descriptor  +-------+-----+----------------+
 *     +--------------+      of a chain the driver offers     ring[i].id = a chain it is done with
 *
 * The driver writes a chain of descriptors (buffer address, length, "the
 * device writes here", "next follows"), puts its head in the avail ring,
 * bumps avail->idx, and writes the queue's number to QueueNotify. The device
 * does the work, puts the head in the used ring, bumps used->idx and raises
 * its interrupt. Addresses are physical: the device knows nothing of paging.
 *
 * This layer cannot sleep (dev/ sits below the scheduler): it sets devices
 * up and moves descriptors. Who waits for a request is decided above.
 */
#ifndef DEV_VIRTIO_H
#define DEV_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

/* ---- The MMIO registers (offsets from the slot's base) -------------------------- */

#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* "virt", little-endian: 0x74726976 */
#define VIRTIO_MMIO_VERSION             0x004 /* 2: modern; 1: legacy */
#define VIRTIO_MMIO_DEVICE_ID           0x008 /* 0: empty slot; 2: block device */
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010 /* 32 feature bits, chosen by ..._SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060 /* bit 0: used ring changed; bit 1: config changed */
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090 /* the avail ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0 /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100 /* the device's own configuration */

#define VIRTIO_MMIO_MAGIC 0x74726976

/* Device status bits, set in this order while the driver brings the device up. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1   /* a driver has seen the device */
#define VIRTIO_STATUS_DRIVER      2   /* and knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK   4   /* ready: requests may come */
#define VIRTIO_STATUS_FEATURES_OK 8   /* feature negotiation done (the device may refuse) */
#define VIRTIO_STATUS_NEEDS_RESET 64  /* the device gave up */
#define VIRTIO_STATUS_FAILED      128 /* the driver gave up */

#define VIRTIO_DEVICE_ID_BLOCK 2

/* Feature bits every device type shares. */
#define VIRTIO_F_VERSION_1 32 /* the modern interface: required here */

/* ---- The split virtqueue (little-endian, as RISC-V is) --------------------------- */

#define VIRTQ_DESC_F_NEXT  1 /* `next` continues the chain */
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer (otherwise it reads it) */

struct virtq_desc {
    uint64_t addr; /* physical */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;    /* where the driver will put the next head, counting forever */
    uint16_t ring[]; /* [queue size], then a used_event word nobody here uses */
};

struct virtq_used_elem {
    uint32_t id;  /* the head of a finished chain */
    uint32_t len; /* bytes the device wrote */
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx; /* where the device will put the next element, counting forever */
    struct virtq_used_elem ring[];
};

/* ---- A device in one MMIO slot --------------------------------------------------- */

struct virtio_mmio_device {
    uint64_t base; /* kernel-window address of the registers */
    uint64_t physical_base;
    uint32_t irq; /* PLIC source */
    uint32_t device_id;
    const char *node_name; /* the device-tree node, for messages */
};

/*
 * The `index`th slot (0, 1, ...) of the device tree that holds a modern
 * device of `device_id`. Returns 0 and fills *out, or -ENODEV when there
 * is no such device. A legacy device of that id is logged and skipped.
 */
int virtio_mmio_find(uint32_t device_id, int index, struct virtio_mmio_device *out);

/*
 * Reset the device, announce a driver, and agree on features: the device's
 * offer & `wanted` (VIRTIO_F_VERSION_1 is always asked for and required).
 * Returns 0 and the agreed set in *agreed, or -EIO if the device refuses.
 */
int virtio_mmio_negotiate(struct virtio_mmio_device *dev, uint64_t wanted, uint64_t *agreed);

/*
 * Give queue `queue` its three arrays, all inside `memory` (physically
 * contiguous, in the kernel window, page-aligned, zeroed, at least
 * virtio_queue_memory_size(size) bytes), with `size` entries. The queue's
 * maximum must allow `size`. Returns 0 and fills the pointers, or -EIO.
 */
int virtio_mmio_queue_setup(struct virtio_mmio_device *dev, uint32_t queue, void *memory,
                            uint16_t size, struct virtq_desc **desc, struct virtq_avail **avail,
                            struct virtq_used **used);
/* Bytes the three arrays of a queue of `size` entries take, as virtio_mmio_queue_setup lays them.
 */
uint64_t virtio_queue_memory_size(uint16_t size);

/* The device may now take requests. */
void virtio_mmio_driver_ok(struct virtio_mmio_device *dev);
/* Tell the driver is done with it (a failed set-up). */
void virtio_mmio_fail(struct virtio_mmio_device *dev);

/* Read the device's configuration space: 32 bits at `offset`, or 64 bits read consistently. */
uint32_t virtio_mmio_config_read32(struct virtio_mmio_device *dev, uint32_t offset);
uint64_t virtio_mmio_config_read64(struct virtio_mmio_device *dev, uint32_t offset);

/* "Queue `queue` has new requests." */
void virtio_mmio_notify(struct virtio_mmio_device *dev, uint32_t queue);

/* In the interrupt handler: read why the device interrupted, and acknowledge it. */
uint32_t virtio_mmio_interrupt_ack(struct virtio_mmio_device *dev);

#endif
