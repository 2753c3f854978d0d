/*
 * devicetree.h: the facts the kernel reads from the boot device tree.
 *
 * OpenSBI passes the device tree's physical address in a1. devicetree_init()
 * checks it once; after that any module asks here for what it needs: memory,
 * the command line, a device's registers. Nothing the tree tells is hard-coded.
 */
#ifndef DEV_DEVICETREE_H
#define DEV_DEVICETREE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/fdt.h"

/*
 * Check the blob at physical address dtb_pa, all of it: header, nesting,
 * names and bounds. Panics with the reason if it is malformed, so nothing
 * after this ever follows a broken offset.
 */
void devicetree_init(uint64_t dtb_pa);

/* The checked tree, for modules that walk it themselves. */
const struct fdt *devicetree_get(void);

/* Physical address and size of the blob itself (never to be handed out as free memory). */
uint64_t devicetree_blob_pa(void);
uint64_t devicetree_blob_size(void);

/* /chosen/bootargs, or "" when there is none. */
const char *devicetree_bootargs(void);

/* /chosen/stdout-path, or "" when there is none. */
const char *devicetree_stdout_path(void);

/* Total RAM over every memory node, and its index-th range. */
uint64_t devicetree_memory_total(void);
bool devicetree_memory_range(int index, uint64_t *base, uint64_t *size);

/*
 * Ranges that are not the kernel's to use: the memory-reservation block's
 * entries first, then /reserved-memory's children (OpenSBI puts its own
 * region there). False past the last.
 */
bool devicetree_reserved_range(int index, uint64_t *base, uint64_t *size);

/* The initial ramdisk a loader placed, from /chosen; false when there is none. */
bool devicetree_initrd(uint64_t *start, uint64_t *end);

/* The CPUs under /cpus: how many, and each one's hart id, ISA string and timebase. */
int devicetree_cpu_count(void);
bool devicetree_cpu(int index, struct fdt_cpu *cpu);

/* The first node compatible with `compatible`: its first reg entry. */
bool devicetree_find_device(const char *compatible, uint64_t *base, uint64_t *size);

/* The timebase frequency in Hz: /cpus's, or the first cpu's own (0 if missing). */
uint64_t devicetree_timebase_frequency(void);

/*
 * Find "key=value" in the command line; copies the value (up to its first
 * space) into buf. Returns false when the key is absent.
 */
bool devicetree_bootarg(const char *key, char *buf, int size);

#endif
