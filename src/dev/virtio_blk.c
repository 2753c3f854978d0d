/*
 * virtio_blk.c: the virtio block driver: request slots, the virtqueue, and
 * the completion interrupt. See virtio_blk.h for how a request travels.
 *
 * Memory the device reads and writes must have a physical address: the
 * queue, the request headers and the status bytes live in one page of
 * .bss per disk (the kernel image lies in the kernel window, so
 * virt_to_phys gives it), and the data buffers are the caller's.
 */
#include "dev/virtio_blk.h"

#include "abi/errno.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "dev/plic.h"
#include "dev/virtio.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define QUEUE_SIZE           64               /* descriptors in the one queue */
#define SLOTS                (QUEUE_SIZE / 3) /* three descriptors a request: 21 in flight */
#define DEFAULT_MAX_TRANSFER (128 * 1024)

/* Feature bits of the block device (virtio 1.1, 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: the largest single buffer */
#define VIRTIO_BLK_F_RO       5 /* read-only */
#define VIRTIO_BLK_F_FLUSH    9 /* VIRTIO_BLK_T_FLUSH works */

/* The device's configuration space. */
#define CONFIG_CAPACITY 0 /* u64, in 512-byte sectors whatever blk_size says */
#define CONFIG_SIZE_MAX 8 /* u32 */

#define STATUS_OK     0
#define STATUS_UNSUPP 2
#define STATUS_UNSET  0xff /* what the driver writes first: the device overwrites it */

struct virtio_blk_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* What the device reads and writes, one page per disk. */
struct virtio_blk_dma {
    uint8_t queue[2048];                     /* descriptors, avail and used rings */
    struct virtio_blk_header headers[SLOTS]; /* one per slot */
    uint8_t statuses[SLOTS];                 /* one per slot */
};
_Static_assert(sizeof(struct virtio_blk_dma) <= PAGE_SIZE, "a disk's DMA memory is one page");

static struct virtio_blk_dma dma_pages[VIRTIO_BLK_MAX_DISKS] __attribute__((aligned(PAGE_SIZE)));

struct virtio_blk {
    char name[16];
    struct virtio_mmio_device mmio;
    uint64_t capacity;
    uint32_t max_transfer;
    bool read_only;
    bool can_flush;
    struct virtio_blk_dma *dma;
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    /* Guards everything below and the rings. Never held while done() runs. */
    struct spinlock lock;
    uint32_t free_slots; /* bit s set: slot s is free */
    uint16_t last_used;  /* the used ring's entries before this one are handled */
    struct virtio_blk_request *in_flight[SLOTS];
    struct virtio_blk_stats stats;
};

static struct virtio_blk disks[VIRTIO_BLK_MAX_DISKS];
static int disk_count;

_Static_assert(SLOTS <= 32, "free_slots is a 32-bit mask");

/* ---- Completion ------------------------------------------------------------------ */

static int result_of(uint8_t status)
{
    if (status == STATUS_OK)
        return 0;
    return status == STATUS_UNSUPP ? -EOPNOTSUPP : -EIO;
}

/*
 * The interrupt: take every finished chain off the used ring under the lock,
 * free its slot, then call the done() functions with the lock released (they
 * wake threads, which takes other locks).
 */
static void virtio_blk_interrupt(void *arg)
{
    struct virtio_blk *disk = arg;
    virtio_mmio_interrupt_ack(&disk->mmio);
    struct virtio_blk_request *finished[SLOTS];
    int results[SLOTS];
    int count = 0;
    spinlock_acquire(&disk->lock);
    disk->stats.interrupts++;
    for (;;) {
        uint16_t device_index = *(volatile uint16_t *)&disk->used->idx;
        if (disk->last_used == device_index)
            break;
        fence(); /* the element, then what it points at, only after seeing idx */
        uint32_t head = disk->used->ring[disk->last_used % QUEUE_SIZE].id;
        disk->last_used++;
        uint32_t slot = head / 3;
        if (head % 3 != 0 || slot >= SLOTS || disk->in_flight[slot] == NULL) {
            log_error("virtio: %s: the device returned descriptor %u, which is no request in "
                      "flight",
                      disk->name, head);
            continue;
        }
        finished[count] = disk->in_flight[slot];
        results[count] = result_of(disk->dma->statuses[slot]);
        count++;
        disk->in_flight[slot] = NULL;
        disk->free_slots |= 1u << slot;
    }
    disk->stats.completed += (uint64_t)count;
    spinlock_release(&disk->lock);
    for (int i = 0; i < count; i++)
        finished[i]->done(finished[i], results[i]);
}

/* ---- Submission ------------------------------------------------------------------ */

static int check_request(const struct virtio_blk *disk, const struct virtio_blk_request *request)
{
    if (request->type == VIRTIO_BLK_T_FLUSH)
        return disk->can_flush ? 0 : -EOPNOTSUPP;
    if (request->type != VIRTIO_BLK_T_IN && request->type != VIRTIO_BLK_T_OUT)
        return -EINVAL;
    if (request->length == 0 || request->length % VIRTIO_BLK_SECTOR_SIZE != 0 ||
        request->length > disk->max_transfer || request->done == NULL)
        return -EINVAL;
    /* The device needs a physical address: only the kernel window gives one by arithmetic. */
    if ((uint64_t)request->data < KERNEL_OFFSET)
        return -EINVAL;
    uint64_t sectors = request->length / VIRTIO_BLK_SECTOR_SIZE;
    if (request->sector > disk->capacity || sectors > disk->capacity - request->sector)
        return -EIO;
    if (request->type == VIRTIO_BLK_T_OUT && disk->read_only)
        return -EROFS;
    return 0;
}

/* Fill slot `slot`'s descriptors for `request`: header, data (unless a flush), status. */
static void fill_chain(struct virtio_blk *disk, uint32_t slot,
                       const struct virtio_blk_request *request)
{
    struct virtio_blk_header *header = &disk->dma->headers[slot];
    header->type = request->type;
    header->reserved = 0;
    header->sector = request->type == VIRTIO_BLK_T_FLUSH ? 0 : request->sector;
    disk->dma->statuses[slot] = STATUS_UNSET;

    struct virtq_desc *d = &disk->desc[3 * slot];
    uint16_t status_index = (uint16_t)(3 * slot + 2);
    d[0].addr = virt_to_phys(header);
    d[0].len = sizeof(*header);
    d[0].flags = VIRTQ_DESC_F_NEXT;
    if (request->type == VIRTIO_BLK_T_FLUSH) {
        d[0].next = status_index;
    } else {
        d[0].next = (uint16_t)(3 * slot + 1);
        d[1].addr = virt_to_phys(request->data);
        d[1].len = request->length;
        d[1].flags = VIRTQ_DESC_F_NEXT;
        if (request->type == VIRTIO_BLK_T_IN)
            d[1].flags |= VIRTQ_DESC_F_WRITE;
        d[1].next = status_index;
    }
    d[2].addr = virt_to_phys(&disk->dma->statuses[slot]);
    d[2].len = 1;
    d[2].flags = VIRTQ_DESC_F_WRITE;
    d[2].next = 0;
}

int virtio_blk_submit(struct virtio_blk *disk, struct virtio_blk_request *request)
{
    int error = check_request(disk, request);
    if (error != 0)
        return error;
    spinlock_acquire(&disk->lock);
    if (disk->free_slots == 0) {
        spinlock_release(&disk->lock);
        return -EBUSY;
    }
    uint32_t slot = (uint32_t)__builtin_ctz(disk->free_slots);
    disk->free_slots &= ~(1u << slot);
    disk->in_flight[slot] = request;
    fill_chain(disk, slot, request);
    disk->avail->ring[disk->avail->idx % QUEUE_SIZE] = (uint16_t)(3 * slot);
    fence(); /* the chain and its ring entry before the index that publishes them */
    disk->avail->idx++;
    disk->stats.requests++;
    uint32_t in_flight = SLOTS - (uint32_t)__builtin_popcount(disk->free_slots);
    if (in_flight > disk->stats.most_in_flight)
        disk->stats.most_in_flight = in_flight;
    spinlock_release(&disk->lock);
    /*
     * The doorbell rings outside the lock: the device reads avail->idx, which
     * is published already. Under QEMU the write may run the request at once and
     * raise the interrupt on another hart, whose handler must not spin on this
     * lock while this hart waits inside the write (with -icount it never ended).
     */
    virtio_mmio_notify(&disk->mmio, 0);
    return 0;
}

/* ---- Bringing a disk up ---------------------------------------------------------- */

static int virtio_blk_setup(struct virtio_blk *disk, struct virtio_blk_dma *dma)
{
    uint64_t wanted =
        1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SIZE_MAX;
    uint64_t features;
    int error = virtio_mmio_negotiate(&disk->mmio, wanted, &features);
    if (error != 0)
        return error;
    memset(dma, 0, sizeof(*dma));
    disk->dma = dma;
    error = virtio_mmio_queue_setup(&disk->mmio, 0, dma->queue, QUEUE_SIZE, &disk->desc,
                                    &disk->avail, &disk->used);
    if (error != 0) {
        virtio_mmio_fail(&disk->mmio);
        return error;
    }
    disk->capacity = virtio_mmio_config_read64(&disk->mmio, CONFIG_CAPACITY);
    disk->read_only = (features & (1ull << VIRTIO_BLK_F_RO)) != 0;
    disk->can_flush = (features & (1ull << VIRTIO_BLK_F_FLUSH)) != 0;
    disk->max_transfer = DEFAULT_MAX_TRANSFER;
    if ((features & (1ull << VIRTIO_BLK_F_SIZE_MAX)) != 0) {
        uint32_t size_max = virtio_mmio_config_read32(&disk->mmio, CONFIG_SIZE_MAX);
        if (size_max >= VIRTIO_BLK_SECTOR_SIZE && size_max < disk->max_transfer)
            disk->max_transfer = size_max & ~(uint32_t)(VIRTIO_BLK_SECTOR_SIZE - 1);
    }
    spinlock_init(&disk->lock, "virtio-blk");
    disk->free_slots = (1u << SLOTS) - 1;
    plic_enable(disk->mmio.irq, 1, virtio_blk_interrupt, disk);
    virtio_mmio_driver_ok(&disk->mmio);
    return 0;
}

void virtio_blk_init(void)
{
    while (disk_count < VIRTIO_BLK_MAX_DISKS) {
        struct virtio_blk *disk = &disks[disk_count];
        if (virtio_mmio_find(VIRTIO_DEVICE_ID_BLOCK, disk_count, &disk->mmio) != 0)
            break;
        snprintf(disk->name, sizeof(disk->name), "virtio%d", disk_count);
        if (virtio_blk_setup(disk, &dma_pages[disk_count]) != 0) {
            log_warn("virtio: %s (%s): set-up failed; the disk is not used", disk->name,
                     disk->mmio.node_name);
            break;
        }
        log_info("virtio: %s: %lu sectors (%lu MiB)%s at %p, interrupt %u, %d requests in flight",
                 disk->name, disk->capacity, disk->capacity >> 11,
                 disk->read_only ? ", read-only" : "", (void *)disk->mmio.physical_base,
                 disk->mmio.irq, SLOTS);
        disk_count++;
    }
}

int virtio_blk_count(void)
{
    return disk_count;
}

struct virtio_blk *virtio_blk_get(int index)
{
    return index >= 0 && index < disk_count ? &disks[index] : NULL;
}

const char *virtio_blk_name(const struct virtio_blk *disk)
{
    return disk->name;
}

uint64_t virtio_blk_capacity(const struct virtio_blk *disk)
{
    return disk->capacity;
}

bool virtio_blk_read_only(const struct virtio_blk *disk)
{
    return disk->read_only;
}

bool virtio_blk_can_flush(const struct virtio_blk *disk)
{
    return disk->can_flush;
}

uint32_t virtio_blk_slots(const struct virtio_blk *disk)
{
    return SLOTS;
}

uint32_t virtio_blk_max_transfer(const struct virtio_blk *disk)
{
    return disk->max_transfer;
}

void virtio_blk_get_stats(const struct virtio_blk *disk, struct virtio_blk_stats *out)
{
    *out = disk->stats;
}
