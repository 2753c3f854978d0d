/*
 * virtio_mmio.c: the virtio-mmio transport: finding devices in the device
 * tree, bringing one up (reset, features, queues), and the few register
 * accesses a running driver needs. See virtio.h.
 */
#include "dev/virtio.h"

#include "abi/errno.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "dev/devicetree.h"

static uint32_t reg_read(const struct virtio_mmio_device *dev, uint32_t offset)
{
    return mmio_read32(dev->base + offset);
}

static void reg_write(const struct virtio_mmio_device *dev, uint32_t offset, uint32_t value)
{
    mmio_write32(dev->base + offset, value);
}

/* Fill *out from one "virtio,mmio" node; false if the slot holds nothing we can drive. */
static bool probe_slot(const struct fdt *tree, int node, uint32_t device_id,
                       struct virtio_mmio_device *out)
{
    uint64_t base;
    uint64_t size;
    uint32_t irq;
    if (fdt_reg(tree, node, 0, &base, &size) != 0 || size < 0x200 ||
        !fdt_property_u32(tree, node, "interrupts", &irq))
        return false;
    out->physical_base = base;
    out->base = (uint64_t)phys_to_virt(base);
    out->irq = irq;
    out->node_name = fdt_node_name(tree, node);
    if (reg_read(out, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
        return false;
    out->device_id = reg_read(out, VIRTIO_MMIO_DEVICE_ID);
    if (out->device_id != device_id)
        return false;
    uint32_t version = reg_read(out, VIRTIO_MMIO_VERSION);
    if (version != 2) {
        log_warn("virtio: %s: device %u speaks the legacy interface (version %u); start QEMU "
                 "with -global virtio-mmio.force-legacy=false",
                 out->node_name, device_id, version);
        return false;
    }
    return true;
}

int virtio_mmio_find(uint32_t device_id, int index, struct virtio_mmio_device *out)
{
    const struct fdt *tree = devicetree_get();
    int found = 0;
    for (int node = fdt_node_by_compatible(tree, -1, "virtio,mmio"); node >= 0;
         node = fdt_node_by_compatible(tree, node, "virtio,mmio")) {
        if (probe_slot(tree, node, device_id, out) && found++ == index)
            return 0;
    }
    return -ENODEV;
}

static uint64_t read_device_features(struct virtio_mmio_device *dev)
{
    reg_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t high = reg_read(dev, VIRTIO_MMIO_DEVICE_FEATURES);
    reg_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t low = reg_read(dev, VIRTIO_MMIO_DEVICE_FEATURES);
    return high << 32 | low;
}

static void write_driver_features(struct virtio_mmio_device *dev, uint64_t features)
{
    reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
}

/* The initialisation sequence of virtio 1.1 section 3.1.1, up to FEATURES_OK. */
int virtio_mmio_negotiate(struct virtio_mmio_device *dev, uint64_t wanted, uint64_t *agreed)
{
    reg_write(dev, VIRTIO_MMIO_STATUS, 0); /* reset: the device forgets any earlier driver */
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE;
    reg_write(dev, VIRTIO_MMIO_STATUS, status);
    status |= VIRTIO_STATUS_DRIVER;
    reg_write(dev, VIRTIO_MMIO_STATUS, status);

    uint64_t offered = read_device_features(dev);
    uint64_t version_1 = 1ull << VIRTIO_F_VERSION_1;
    if ((offered & version_1) == 0) {
        log_warn("virtio: %s: the device does not offer VIRTIO_F_VERSION_1 (features 0x%lx)",
                 dev->node_name, offered);
        virtio_mmio_fail(dev);
        return -EIO;
    }
    uint64_t features = offered & (wanted | version_1);
    write_driver_features(dev, features);
    status |= VIRTIO_STATUS_FEATURES_OK;
    reg_write(dev, VIRTIO_MMIO_STATUS, status);
    /* The device confirms by keeping FEATURES_OK set; it may refuse the combination. */
    if ((reg_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
        log_warn("virtio: %s: the device refused features 0x%lx", dev->node_name, features);
        virtio_mmio_fail(dev);
        return -EIO;
    }
    *agreed = features;
    return 0;
}

/* The layout inside a queue's memory: each array aligned as virtio 1.1 section 2.6 asks. */
static uint64_t avail_offset(uint16_t size)
{
    return (uint64_t)size * sizeof(struct virtq_desc); /* 16-byte aligned already */
}

static uint64_t used_offset(uint16_t size)
{
    uint64_t avail_end = avail_offset(size) + 4 + 2ull * size + 2; /* flags, idx, ring, event */
    return (avail_end + 3) & ~3ull; /* the used ring: 4-byte aligned */
}

uint64_t virtio_queue_memory_size(uint16_t size)
{
    return used_offset(size) + 4 + sizeof(struct virtq_used_elem) * (uint64_t)size + 2;
}

static void write_address(struct virtio_mmio_device *dev, uint32_t low_register, uint64_t address)
{
    reg_write(dev, low_register, (uint32_t)address);
    reg_write(dev, low_register + 4, (uint32_t)(address >> 32));
}

int virtio_mmio_queue_setup(struct virtio_mmio_device *dev, uint32_t queue, void *memory,
                            uint16_t size, struct virtq_desc **desc, struct virtq_avail **avail,
                            struct virtq_used **used)
{
    reg_write(dev, VIRTIO_MMIO_QUEUE_SEL, queue);
    if (reg_read(dev, VIRTIO_MMIO_QUEUE_READY) != 0) {
        log_warn("virtio: %s: queue %u is already in use after a reset", dev->node_name, queue);
        return -EIO;
    }
    uint32_t max = reg_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max < size) {
        log_warn("virtio: %s: queue %u holds at most %u entries, %u wanted", dev->node_name, queue,
                 max, size);
        return -EIO;
    }
    uint8_t *bytes = memory;
    *desc = (struct virtq_desc *)bytes;
    *avail = (struct virtq_avail *)(bytes + avail_offset(size));
    *used = (struct virtq_used *)(bytes + used_offset(size));
    reg_write(dev, VIRTIO_MMIO_QUEUE_NUM, size);
    uint64_t physical = virt_to_phys(memory);
    write_address(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, physical);
    write_address(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, physical + avail_offset(size));
    write_address(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, physical + used_offset(size));
    reg_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
    return 0;
}

void virtio_mmio_driver_ok(struct virtio_mmio_device *dev)
{
    reg_write(dev, VIRTIO_MMIO_STATUS, reg_read(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_fail(struct virtio_mmio_device *dev)
{
    reg_write(dev, VIRTIO_MMIO_STATUS, reg_read(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
}

uint32_t virtio_mmio_config_read32(struct virtio_mmio_device *dev, uint32_t offset)
{
    return reg_read(dev, VIRTIO_MMIO_CONFIG + offset);
}

uint64_t virtio_mmio_config_read64(struct virtio_mmio_device *dev, uint32_t offset)
{
    /* Two 32-bit reads may straddle a change: the generation counter says whether one did. */
    for (;;) {
        uint32_t generation = reg_read(dev, VIRTIO_MMIO_CONFIG_GENERATION);
        uint64_t low = virtio_mmio_config_read32(dev, offset);
        uint64_t high = virtio_mmio_config_read32(dev, offset + 4);
        if (reg_read(dev, VIRTIO_MMIO_CONFIG_GENERATION) == generation)
            return high << 32 | low;
    }
}

void virtio_mmio_notify(struct virtio_mmio_device *dev, uint32_t queue)
{
    fence(); /* the rings in memory before the doorbell */
    reg_write(dev, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
}

uint32_t virtio_mmio_interrupt_ack(struct virtio_mmio_device *dev)
{
    uint32_t status = reg_read(dev, VIRTIO_MMIO_INTERRUPT_STATUS);
    reg_write(dev, VIRTIO_MMIO_INTERRUPT_ACK, status);
    return status;
}
