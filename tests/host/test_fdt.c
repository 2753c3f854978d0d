/*
 * test_fdt.c: the kernel's device-tree reader (src/lib/fdt.c, as kfdt_*)
 * against libfdt, on the trees QEMU builds for -m 64M..2G and -smp 1..8
 * (dumped by host.mk into FDT_DUMP_DIR), then on malformed blobs.
 *
 * Every blob is copied into a heap buffer of exactly its size, so
 * AddressSanitizer reports any read past its end. For the malformed ones the
 * only acceptable answers are a clean negative error or a result that lies
 * inside the blob.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfdt.h"

#include <libfdt.h>

#ifndef FDT_DUMP_DIR
#error "FDT_DUMP_DIR must name the directory of QEMU's dumped trees (see host.mk)"
#endif

#define MAX_DUMPS 64

struct dump {
    char name[64];
    uint8_t *blob; /* exactly `size` bytes */
    size_t size;
    uint64_t mem_bytes;
    int smp;
};

static struct dump dumps[MAX_DUMPS];
static int dump_count;

/* "virt-512M-smp4.dtb" -> 512 MiB, 4 harts. */
static bool parse_name(const char *name, uint64_t *mem, int *smp)
{
    unsigned long amount = 0;
    char unit = 0;
    if (sscanf(name, "virt-%lu%c-smp%d.dtb", &amount, &unit, smp) != 3)
        return false;
    *mem = (uint64_t)amount << (unit == 'G' ? 30 : 20);
    return true;
}

static uint8_t *copy_exact(const void *data, size_t size)
{
    uint8_t *copy = malloc(size == 0 ? 1 : size);
    cr_assert_not_null(copy);
    memcpy(copy, data, size);
    return copy;
}

static void load_dump(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", FDT_DUMP_DIR, name);
    FILE *file = fopen(path, "rb");
    cr_assert_not_null(file, "cannot open %s", path);
    static uint8_t buffer[1 << 20];
    size_t length = fread(buffer, 1, sizeof(buffer), file);
    fclose(file);
    cr_assert_geq(length, 40u, "%s is too short", path);
    struct dump *d = &dumps[dump_count++];
    snprintf(d->name, sizeof(d->name), "%s", name);
    cr_assert(parse_name(name, &d->mem_bytes, &d->smp), "unexpected dump name %s", name);
    /* QEMU pads the file; the blob is as long as its header says. */
    d->size = fdt_totalsize(buffer);
    cr_assert_leq(d->size, length);
    d->blob = copy_exact(buffer, d->size);
}

static void load_dumps(void)
{
    DIR *dir = opendir(FDT_DUMP_DIR);
    cr_assert_not_null(dir, "no dump directory %s (run through make host-test)", FDT_DUMP_DIR);
    struct dirent *entry;
    dump_count = 0;
    while ((entry = readdir(dir)) != NULL && dump_count < MAX_DUMPS) {
        if (strncmp(entry->d_name, "virt-", 5) == 0)
            load_dump(entry->d_name);
    }
    closedir(dir);
}

static void free_dumps(void)
{
    for (int i = 0; i < dump_count; i++)
        free(dumps[i].blob);
}

static struct fdt open_tree(const void *blob, size_t size)
{
    struct fdt tree;
    int error = kfdt_init(&tree, blob, size);
    cr_assert_eq(error, 0, "kfdt_init: %s", kfdt_strerror(error));
    return tree;
}

TestSuite(fdt_dumps, .init = load_dumps, .fini = free_dumps);

Test(fdt_dumps, every_memory_size_and_hart_count_was_dumped)
{
    /* host.mk dumps 6 memory sizes x 4 hart counts. */
    cr_assert_eq(dump_count, 24, "found %d dumps in %s", dump_count, FDT_DUMP_DIR);
    for (int i = 0; i < dump_count; i++) {
        cr_assert_eq(fdt_check_full(dumps[i].blob, dumps[i].size), 0, "%s", dumps[i].name);
        struct fdt tree = open_tree(dumps[i].blob, dumps[i].size);
        cr_assert_eq(kfdt_check(&tree), 0, "%s", dumps[i].name);
    }
}

/* Walk both readers node by node: the same offsets, depths and names. */
static int compare_walk(const struct dump *d, const struct fdt *tree)
{
    int mine_depth = 0;
    int their_depth = 0;
    int mine = 0;
    int theirs = 0;
    int nodes = 0;
    /* libfdt returns the next tag's offset when the depth goes negative; kfdt says NOTFOUND. */
    while (theirs >= 0 && their_depth >= 0) {
        cr_assert_eq(mine, theirs, "%s: node offsets differ after %d nodes", d->name, nodes);
        cr_assert_eq(mine_depth, their_depth, "%s: depth at node %d", d->name, theirs);
        cr_assert_str_eq(kfdt_node_name(tree, mine), fdt_get_name(d->blob, theirs, NULL));
        nodes++;
        mine = kfdt_next_node(tree, mine, &mine_depth);
        theirs = fdt_next_node(d->blob, theirs, &their_depth);
    }
    cr_assert_lt(mine, 0, "%s: kfdt found a node after libfdt's last", d->name);
    return nodes;
}

Test(fdt_dumps, nodes_parents_children_and_siblings_match_libfdt)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        cr_assert_gt(compare_walk(d, &tree), 20, "%s: suspiciously few nodes", d->name);
        for (int node = 0; node >= 0; node = fdt_next_node(d->blob, node, NULL)) {
            int parent = fdt_parent_offset(d->blob, node);
            cr_assert_eq(kfdt_parent(&tree, node), parent < 0 ? -KFDT_ERR_NOTFOUND : parent);
            int child = fdt_first_subnode(d->blob, node);
            cr_assert_eq(kfdt_first_child(&tree, node), child < 0 ? -KFDT_ERR_NOTFOUND : child);
            if (node != 0) {
                int sibling = fdt_next_subnode(d->blob, node);
                cr_assert_eq(kfdt_next_sibling(&tree, node),
                             sibling < 0 ? -KFDT_ERR_NOTFOUND : sibling);
            }
        }
    }
}

/* Every property of every node: same offsets, names, lengths and value pointers. */
Test(fdt_dumps, properties_match_libfdt)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        int properties = 0;
        for (int node = 0; node >= 0; node = fdt_next_node(d->blob, node, NULL)) {
            int mine = kfdt_first_property(&tree, node);
            int theirs = fdt_first_property_offset(d->blob, node);
            while (theirs >= 0) {
                cr_assert_eq(mine, theirs, "%s: property offsets differ", d->name);
                const char *their_name = NULL;
                const char *my_name = NULL;
                int their_length = 0;
                int my_length = 0;
                const void *their_value =
                    fdt_getprop_by_offset(d->blob, theirs, &their_name, &their_length);
                const void *my_value = kfdt_property_at(&tree, mine, &my_name, &my_length);
                cr_assert_eq(my_value, their_value);
                cr_assert_str_eq(my_name, their_name);
                cr_assert_eq(my_length, their_length);
                /* Look-up by name finds the same bytes. */
                int by_name_length = -1;
                cr_assert_eq(kfdt_property(&tree, node, my_name, &by_name_length), their_value);
                cr_assert_eq(by_name_length, their_length);
                properties++;
                mine = kfdt_next_property(&tree, mine);
                theirs = fdt_next_property_offset(d->blob, theirs);
            }
            cr_assert_lt(mine, 0);
            cr_assert_null(kfdt_property(&tree, node, "no-such-property", NULL));
        }
        cr_assert_gt(properties, 100, "%s: only %d properties", d->name, properties);
    }
}

/* "/soc/serial@10000000" -> "/soc/serial": the form without unit addresses. */
static void strip_unit_addresses(const char *path, char *out, size_t size)
{
    size_t o = 0;
    bool skipping = false;
    for (const char *p = path; *p != '\0' && o + 1 < size; p++) {
        if (*p == '@')
            skipping = true;
        else if (*p == '/')
            skipping = false;
        if (!skipping)
            out[o++] = *p;
    }
    out[o] = '\0';
}

Test(fdt_dumps, every_path_finds_the_same_node_as_libfdt)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        for (int node = 0; node >= 0; node = fdt_next_node(d->blob, node, NULL)) {
            char path[256];
            char short_path[256];
            cr_assert_eq(fdt_get_path(d->blob, node, path, sizeof(path)), 0);
            cr_assert_eq(kfdt_path_offset(&tree, path), node, "%s: path %s", d->name, path);
            strip_unit_addresses(path, short_path, sizeof(short_path));
            int theirs = fdt_path_offset(d->blob, short_path);
            int mine = kfdt_path_offset(&tree, short_path);
            cr_assert_eq(mine, theirs < 0 ? -KFDT_ERR_NOTFOUND : theirs, "path %s", short_path);
        }
        cr_assert_lt(kfdt_path_offset(&tree, "/no/such/node"), 0);
        cr_assert_lt(kfdt_path_offset(&tree, "cpus"), 0); /* paths are absolute */
        cr_assert_eq(kfdt_path_offset(&tree, "/"), 0);
    }
}

Test(fdt_dumps, compatible_searches_and_string_lists_match_libfdt)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        for (int node = 0; node >= 0; node = fdt_next_node(d->blob, node, NULL)) {
            int count = fdt_stringlist_count(d->blob, node, "compatible");
            int my_count = kfdt_stringlist_count(&tree, node, "compatible");
            cr_assert_eq(my_count, count < 0 ? -KFDT_ERR_NOTFOUND : count);
            for (int s = 0; s < count; s++) {
                const char *compatible = fdt_stringlist_get(d->blob, node, "compatible", s, NULL);
                cr_assert_str_eq(kfdt_stringlist_get(&tree, node, "compatible", s), compatible);
                cr_assert(kfdt_stringlist_contains(&tree, node, "compatible", compatible));
                /* The whole chain of matches, from the start, is the same. */
                int mine = kfdt_node_by_compatible(&tree, -1, compatible);
                int theirs = fdt_node_offset_by_compatible(d->blob, -1, compatible);
                while (theirs >= 0) {
                    cr_assert_eq(mine, theirs, "%s: compatible %s", d->name, compatible);
                    mine = kfdt_node_by_compatible(&tree, mine, compatible);
                    theirs = fdt_node_offset_by_compatible(d->blob, theirs, compatible);
                }
                cr_assert_lt(mine, 0);
            }
            cr_assert_null(kfdt_stringlist_get(&tree, node, "compatible", count < 0 ? 0 : count));
        }
        cr_assert_lt(kfdt_node_by_compatible(&tree, -1, "no,such-device"), 0);
    }
}

/* Decode entry `index` of a node's "reg" with libfdt's cell counts. */
static bool libfdt_reg(const void *blob, int node, int index, uint64_t *address, uint64_t *size)
{
    int parent = fdt_parent_offset(blob, node);
    int address_cells = fdt_address_cells(blob, parent);
    int size_cells = fdt_size_cells(blob, parent);
    int length = 0;
    const fdt32_t *reg = fdt_getprop(blob, node, "reg", &length);
    if (reg == NULL || address_cells < 1 || address_cells > 2 || size_cells < 0 || size_cells > 2)
        return false;
    int entry = address_cells + size_cells;
    if ((index + 1) * entry * 4 > length)
        return false;
    reg += index * entry;
    *address = address_cells == 2 ? (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1])
                                  : fdt32_to_cpu(reg[0]);
    const fdt32_t *s = reg + address_cells;
    *size = size_cells == 2   ? (uint64_t)fdt32_to_cpu(s[0]) << 32 | fdt32_to_cpu(s[1])
            : size_cells == 1 ? fdt32_to_cpu(s[0])
                              : 0;
    return true;
}

Test(fdt_dumps, cells_and_reg_entries_match_libfdt)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        int entries = 0;
        for (int node = 0; node >= 0; node = fdt_next_node(d->blob, node, NULL)) {
            int address_cells = fdt_address_cells(d->blob, node);
            int size_cells = fdt_size_cells(d->blob, node);
            cr_assert_eq(kfdt_address_cells(&tree, node),
                         address_cells < 0 ? -KFDT_ERR_BADCELLS : address_cells);
            cr_assert_eq(kfdt_size_cells(&tree, node),
                         size_cells < 0 ? -KFDT_ERR_BADCELLS : size_cells);
            if (node == 0)
                continue;
            for (int index = 0; index < 8; index++) {
                uint64_t address = 0;
                uint64_t size = 0;
                uint64_t my_address = 1;
                uint64_t my_size = 1;
                bool theirs = libfdt_reg(d->blob, node, index, &address, &size);
                int mine = kfdt_reg(&tree, node, index, &my_address, &my_size);
                cr_assert_eq(mine == 0, theirs, "%s: node %s reg[%d]", d->name,
                             fdt_get_name(d->blob, node, NULL), index);
                if (theirs) {
                    cr_assert_eq(my_address, address);
                    cr_assert_eq(my_size, size);
                    entries++;
                }
            }
        }
        cr_assert_gt(entries, 10, "%s: only %d reg entries", d->name, entries);
    }
}

Test(fdt_dumps, memory_cpus_and_chosen_agree_with_the_qemu_command_line)
{
    for (int i = 0; i < dump_count; i++) {
        const struct dump *d = &dumps[i];
        struct fdt tree = open_tree(d->blob, d->size);
        /* Memory: what -m asked for, starting at 0x80000000. */
        uint64_t base = 0;
        uint64_t size = 0;
        uint64_t total = 0;
        cr_assert_eq(kfdt_memory_range(&tree, 0, &base, &size), 0);
        cr_assert_eq(base, 0x80000000u);
        for (int r = 0; kfdt_memory_range(&tree, r, &base, &size) == 0; r++)
            total += size;
        cr_assert_eq(total, d->mem_bytes, "%s: memory %lu", d->name, (unsigned long)total);
        /* QEMU's dumps carry no reservations; OpenSBI adds its own at boot. */
        cr_assert_eq(kfdt_reserved_range(&tree, 0, &base, &size), -KFDT_ERR_NOTFOUND);
        cr_assert_eq(fdt_num_mem_rsv(d->blob), 0);
        /* CPUs: -smp of them, hart ids 0.., each with libfdt's ISA string and timebase. */
        int cpus = fdt_path_offset(d->blob, "/cpus");
        const fdt32_t *timebase = fdt_getprop(d->blob, cpus, "timebase-frequency", NULL);
        cr_assert_not_null(timebase);
        struct kfdt_cpu cpu;
        int count = 0;
        while (kfdt_cpu(&tree, count, &cpu) == 0) {
            cr_assert_eq(cpu.hartid, (uint64_t)count);
            cr_assert_str_eq(cpu.isa, fdt_getprop(d->blob, cpu.node, "riscv,isa", NULL));
            cr_assert_eq(cpu.timebase_hz, fdt32_to_cpu(*timebase));
            cr_assert(cpu.enabled);
            count++;
        }
        cr_assert_eq(count, d->smp, "%s: %d CPUs", d->name, count);
        int chosen = fdt_path_offset(d->blob, "/chosen");
        cr_assert_str_eq(kfdt_chosen_string(&tree, "stdout-path"),
                         fdt_getprop(d->blob, chosen, "stdout-path", NULL));
        cr_assert_null(kfdt_chosen_string(&tree, "bootargs"));
        uint64_t start;
        uint64_t end;
        cr_assert_eq(kfdt_initrd(&tree, &start, &end), -KFDT_ERR_NOTFOUND);
    }
}

/* ---- Trees edited with libfdt's read-write API ---- */

/* A copy of the first dump with room to grow, for libfdt to edit. */
static void *editable_copy(size_t room)
{
    size_t size = dumps[0].size + room;
    void *buffer = malloc(size);
    cr_assert_not_null(buffer);
    cr_assert_eq(fdt_open_into(dumps[0].blob, buffer, (int)size), 0);
    return buffer;
}

static void add_reg(void *blob, int node, uint64_t address, uint64_t size)
{
    fdt64_t cells[2] = {cpu_to_fdt64(address), cpu_to_fdt64(size)};
    cr_assert_eq(fdt_setprop(blob, node, "reg", cells, sizeof(cells)), 0);
}

Test(fdt_dumps, reserved_memory_and_the_reservation_block_are_read_in_order)
{
    void *blob = editable_copy(4096);
    cr_assert_eq(fdt_add_mem_rsv(blob, 0x87000000, 0x1000), 0);
    cr_assert_eq(fdt_add_mem_rsv(blob, 0x86000000, 0x2000), 0);
    int reserved = fdt_add_subnode(blob, 0, "reserved-memory");
    cr_assert_geq(reserved, 0);
    fdt_setprop_u32(blob, reserved, "#address-cells", 2);
    fdt_setprop_u32(blob, reserved, "#size-cells", 2);
    fdt_setprop_empty(blob, reserved, "ranges");
    /* Children come out in document order: add them last to first. */
    int dynamic = fdt_add_subnode(blob, reserved, "dynamic");
    fdt_setprop_u64(blob, dynamic, "size", 0x100000); /* no reg: the OS picks; nothing fixed */
    int disabled = fdt_add_subnode(blob, reserved, "off@84000000");
    add_reg(blob, disabled, 0x84000000, 0x1000);
    fdt_setprop_string(blob, disabled, "status", "disabled");
    int firmware = fdt_add_subnode(blob, reserved, "mmode_resv0@80000000");
    add_reg(blob, firmware, 0x80000000, 0x80000);
    cr_assert_eq(fdt_pack(blob), 0);
    cr_assert_eq(fdt_check_full(blob, fdt_totalsize(blob)), 0);

    uint8_t *exact = copy_exact(blob, fdt_totalsize(blob));
    struct fdt tree = open_tree(exact, fdt_totalsize(blob));
    cr_assert_eq(kfdt_check(&tree), 0);
    uint64_t expected[3][2] = {{0x87000000, 0x1000}, {0x86000000, 0x2000}, {0x80000000, 0x80000}};
    for (int i = 0; i < 3; i++) {
        uint64_t base = 0;
        uint64_t size = 0;
        cr_assert_eq(kfdt_reserved_range(&tree, i, &base, &size), 0, "range %d", i);
        cr_assert_eq(base, expected[i][0], "range %d base %#lx", i, (unsigned long)base);
        cr_assert_eq(size, expected[i][1]);
    }
    uint64_t base;
    uint64_t size;
    cr_assert_eq(kfdt_reserved_range(&tree, 3, &base, &size), -KFDT_ERR_NOTFOUND);
    cr_assert_eq(kfdt_reserve_entry(&tree, 1, &base, &size), 0);
    cr_assert_eq(base, 0x86000000u);
    free(exact);
    free(blob);
}

Test(fdt_dumps, chosen_bootargs_and_initrd_in_one_or_two_cells)
{
    for (int cells = 1; cells <= 2; cells++) {
        void *blob = editable_copy(1024);
        int chosen = fdt_path_offset(blob, "/chosen");
        fdt_setprop_string(blob, chosen, "bootargs", "console=ttyS0 ktest.filter=fdt*");
        if (cells == 1) {
            fdt_setprop_u32(blob, chosen, "linux,initrd-start", 0x84000000);
            fdt_setprop_u32(blob, chosen, "linux,initrd-end", 0x84100000);
        } else {
            fdt_setprop_u64(blob, chosen, "linux,initrd-start", 0x84000000);
            fdt_setprop_u64(blob, chosen, "linux,initrd-end", 0x84100000);
        }
        uint8_t *exact = copy_exact(blob, fdt_totalsize(blob));
        struct fdt tree = open_tree(exact, fdt_totalsize(blob));
        cr_assert_eq(kfdt_check(&tree), 0);
        cr_assert_str_eq(kfdt_chosen_string(&tree, "bootargs"), "console=ttyS0 ktest.filter=fdt*");
        uint64_t start = 0;
        uint64_t end = 0;
        cr_assert_eq(kfdt_initrd(&tree, &start, &end), 0);
        cr_assert_eq(start, 0x84000000u);
        cr_assert_eq(end, 0x84100000u);
        free(exact);
        free(blob);
    }
}

/* ---- Malformed blobs ---- */

/*
 * Call every entry point on every node and property a (possibly broken)
 * tree offers. Nothing may crash or read outside the blob (ASan watches);
 * results are either errors or inside the blob. Returns nodes visited.
 */
static int exercise(const struct fdt *tree)
{
    const uint8_t *start = tree->blob;
    const uint8_t *end = tree->blob + tree->total_size;
    int nodes = 0;
    int depth = 0;
    for (int node = 0; node >= 0 && nodes < 10000; node = kfdt_next_node(tree, node, &depth)) {
        nodes++;
        const char *name = kfdt_node_name(tree, node);
        cr_assert(name == NULL || ((const uint8_t *)name >= start && (const uint8_t *)name < end));
        kfdt_parent(tree, node);
        kfdt_first_child(tree, node);
        kfdt_next_sibling(tree, node);
        for (int p = kfdt_first_property(tree, node); p >= 0; p = kfdt_next_property(tree, p)) {
            const char *property_name;
            int length;
            const uint8_t *value = kfdt_property_at(tree, p, &property_name, &length);
            cr_assert(value == NULL || (value >= start && value + length <= end));
        }
        int length;
        kfdt_property(tree, node, "compatible", &length);
        kfdt_property_string(tree, node, "device_type");
        kfdt_stringlist_count(tree, node, "compatible");
        kfdt_stringlist_get(tree, node, "compatible", 1);
        kfdt_stringlist_contains(tree, node, "compatible", "ns16550a");
        kfdt_address_cells(tree, node);
        kfdt_size_cells(tree, node);
        uint64_t a;
        uint64_t s;
        for (int i = 0; i < 3; i++)
            kfdt_reg(tree, node, i, &a, &s);
    }
    uint64_t a;
    uint64_t s;
    struct kfdt_cpu cpu;
    for (int i = 0; i < 4; i++) {
        kfdt_memory_range(tree, i, &a, &s);
        kfdt_reserved_range(tree, i, &a, &s);
        kfdt_cpu(tree, i, &cpu);
    }
    kfdt_path_offset(tree, "/soc/serial@10000000");
    kfdt_path_offset(tree, "/cpus/cpu@0/interrupt-controller");
    kfdt_node_by_compatible(tree, -1, "riscv");
    kfdt_chosen_string(tree, "stdout-path");
    kfdt_initrd(tree, &a, &s);
    return nodes;
}

/* Init and check a blob copied to an exact buffer: 0 if both pass, else the error. */
static int init_and_check(const void *data, size_t size)
{
    uint8_t *blob = copy_exact(data, size);
    struct fdt tree;
    int error = kfdt_init(&tree, blob, size);
    if (error == 0) {
        exercise(&tree);
        error = kfdt_check(&tree);
    }
    free(blob);
    return error;
}

static uint8_t *mutable_dump(void)
{
    return copy_exact(dumps[0].blob, dumps[0].size);
}

static void put32(uint8_t *blob, size_t offset, uint32_t value)
{
    fdt32_t be = cpu_to_fdt32(value);
    memcpy(blob + offset, &be, 4);
}

Test(fdt_dumps, bad_magic_and_versions_are_refused)
{
    uint8_t *blob = mutable_dump();
    blob[0] ^= 0xff;
    cr_assert_eq(init_and_check(blob, dumps[0].size), -KFDT_ERR_BADMAGIC);
    blob[0] ^= 0xff;
    put32(blob, 20, 15); /* version 15 */
    cr_assert_eq(init_and_check(blob, dumps[0].size), -KFDT_ERR_BADVERSION);
    put32(blob, 20, 17);
    put32(blob, 24, 18); /* needs a reader of version 18 */
    cr_assert_eq(init_and_check(blob, dumps[0].size), -KFDT_ERR_BADVERSION);
    put32(blob, 24, 16);
    cr_assert_eq(init_and_check(blob, dumps[0].size), 0);
    free(blob);
}

Test(fdt_dumps, every_short_length_is_a_truncation)
{
    const struct dump *d = &dumps[0];
    for (size_t length = 0; length < d->size; length++) {
        uint8_t *blob = copy_exact(d->blob, length);
        struct fdt tree;
        int error = kfdt_init(&tree, blob, length);
        cr_assert_eq(error, -KFDT_ERR_TRUNCATED, "length %zu: %d", length, error);
        free(blob);
    }
}

/*
 * A blob whose header is consistent but whose structure (or strings) block
 * was cut short: the header passes, the walk must not. The QEMU layout is
 * header, reservations, structure, strings; rebuild it with the structure
 * block cut to `cut` bytes.
 */
static int check_with_cut_structure(const struct dump *d, uint32_t cut)
{
    uint32_t off_struct = fdt_off_dt_struct(d->blob);
    uint32_t off_strings = fdt_off_dt_strings(d->blob);
    uint32_t strings = fdt_size_dt_strings(d->blob);
    size_t size = off_struct + cut + strings;
    uint8_t *blob = malloc(size);
    memcpy(blob, d->blob, off_struct + cut);
    memcpy(blob + off_struct + cut, d->blob + off_strings, strings);
    put32(blob, 4, (uint32_t)size);
    put32(blob, 12, off_struct + cut);
    put32(blob, 36, cut);
    int error = init_and_check(blob, size);
    free(blob);
    return error;
}

Test(fdt_dumps, a_cut_structure_block_is_an_error_at_every_length)
{
    const struct dump *d = &dumps[0];
    uint32_t size = fdt_size_dt_struct(d->blob);
    cr_assert_eq(check_with_cut_structure(d, size), 0, "the uncut rebuild must pass");
    for (uint32_t cut = 0; cut < size; cut += 4) {
        int error = check_with_cut_structure(d, cut);
        cr_assert_lt(error, 0, "structure cut to %u bytes passed", cut);
    }
}

Test(fdt_dumps, a_cut_strings_block_is_an_error)
{
    const struct dump *d = &dumps[0];
    uint32_t strings = fdt_size_dt_strings(d->blob);
    for (uint32_t cut = 0; cut < strings; cut++) {
        uint8_t *blob = mutable_dump();
        put32(blob, 32, cut);
        int error = init_and_check(blob, d->size);
        /* Cutting only the padding-free tail NUL of the last name is the smallest cut. */
        cr_assert(error == -KFDT_ERR_BADSTRING, "strings cut to %u: error %d", cut, error);
        free(blob);
    }
}

Test(fdt_dumps, offsets_that_are_not_nodes_or_properties_match_libfdt)
{
    const struct dump *d = &dumps[0];
    struct fdt tree = open_tree(d->blob, d->size);
    int size = (int)fdt_size_dt_struct(d->blob);
    for (int offset = -8; offset < size + 8; offset++) {
        const char *theirs = fdt_get_name(d->blob, offset, NULL);
        const char *mine = kfdt_node_name(&tree, offset);
        cr_assert_eq(mine, theirs, "node name at offset %d", offset);
        if (theirs == NULL) {
            cr_assert_lt(kfdt_next_node(&tree, offset, NULL), 0);
            cr_assert_lt(kfdt_first_child(&tree, offset), 0);
            cr_assert_lt(kfdt_parent(&tree, offset), 0);
            cr_assert_lt(kfdt_first_property(&tree, offset), 0);
            cr_assert_null(kfdt_property(&tree, offset, "reg", NULL));
        }
        const char *their_name = NULL;
        const char *my_name = NULL;
        const void *their_value = fdt_getprop_by_offset(d->blob, offset, &their_name, NULL);
        const void *my_value = kfdt_property_at(&tree, offset, &my_name, NULL);
        cr_assert_eq(my_value, their_value, "property at offset %d", offset);
        if (their_value == NULL)
            cr_assert_lt(kfdt_next_property(&tree, offset), 0);
    }
}

/* The offset of the first PROP token in the structure block (the root's first property). */
static uint32_t first_prop_offset(const uint8_t *blob)
{
    return fdt_off_dt_struct(blob) + (uint32_t)fdt_first_property_offset(blob, 0);
}

Test(fdt_dumps, unterminated_names_and_bad_name_offsets_are_errors)
{
    const struct dump *d = &dumps[0];
    /* The strings block's last byte is the NUL of the last name: overwrite it. */
    uint8_t *blob = mutable_dump();
    blob[fdt_off_dt_strings(blob) + fdt_size_dt_strings(blob) - 1] = 'x';
    cr_assert_eq(init_and_check(blob, d->size), -KFDT_ERR_BADSTRING);
    free(blob);
    /* A property whose name offset points past the strings block. */
    blob = mutable_dump();
    put32(blob, first_prop_offset(blob) + 8, 0xfffffff0u);
    cr_assert_eq(init_and_check(blob, d->size), -KFDT_ERR_BADSTRING);
    free(blob);
    /* A node name that runs to the end of the structure block with no NUL. */
    blob = mutable_dump();
    uint32_t off_struct = fdt_off_dt_struct(blob);
    uint32_t size = fdt_size_dt_struct(blob);
    memset(blob + off_struct + size - 8, 'n', 8);
    put32(blob, off_struct + size - 12, 1); /* BEGIN_NODE, then 8 name bytes to the end */
    cr_assert_eq(init_and_check(blob, d->size), -KFDT_ERR_BADSTRING);
    free(blob);
}

Test(fdt_dumps, a_property_longer_than_the_block_is_an_error)
{
    const struct dump *d = &dumps[0];
    uint32_t lengths[] = {0x7ffffff0u, 0xfffffffcu, fdt_size_dt_struct(d->blob)};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        uint8_t *blob = mutable_dump();
        put32(blob, first_prop_offset(blob) + 4, lengths[i]);
        cr_assert_eq(init_and_check(blob, d->size), -KFDT_ERR_TRUNCATED, "length %#x", lengths[i]);
        free(blob);
    }
}

Test(fdt_dumps, header_blocks_outside_the_blob_are_errors)
{
    const struct dump *d = &dumps[0];
    size_t fields[] = {8, 12, 16, 32, 36}; /* struct, strings, reservations, sizes */
    uint32_t values[] = {0, 8, 39, 0x7ffffff0u, 0xffffffffu, (uint32_t)d->size - 4};
    for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            uint8_t *blob = mutable_dump();
            put32(blob, fields[f], values[v]);
            int error = init_and_check(blob, d->size);
            cr_assert_lt(error, 0, "header field %zu = %#x passed", fields[f], values[v]);
            free(blob);
        }
    }
}

/* Build a blob with libfdt's sequential-write API. */
static void *nested_blob(int levels, bool property_after_child)
{
    size_t size = 16384;
    void *blob = malloc(size);
    cr_assert_eq(fdt_create(blob, (int)size), 0);
    cr_assert_eq(fdt_finish_reservemap(blob), 0);
    cr_assert_eq(fdt_begin_node(blob, ""), 0);
    for (int i = 0; i < levels; i++)
        cr_assert_eq(fdt_begin_node(blob, "n"), 0);
    for (int i = 0; i < levels; i++)
        cr_assert_eq(fdt_end_node(blob), 0);
    if (property_after_child)
        cr_assert_eq(fdt_property_u32(blob, "late", 1), 0);
    cr_assert_eq(fdt_end_node(blob), 0);
    cr_assert_eq(fdt_finish(blob), 0);
    return blob;
}

Test(fdt_dumps, nesting_too_deep_and_late_properties_are_refused)
{
    void *blob = nested_blob(KFDT_MAX_DEPTH, false);
    cr_assert_eq(init_and_check(blob, fdt_totalsize(blob)), 0, "depth %d is allowed",
                 KFDT_MAX_DEPTH);
    free(blob);
    blob = nested_blob(KFDT_MAX_DEPTH + 1, false);
    cr_assert_eq(init_and_check(blob, fdt_totalsize(blob)), -KFDT_ERR_BADSTRUCTURE);
    struct fdt tree = open_tree(blob, fdt_totalsize(blob));
    int deepest = 0;
    for (int node = 0; node >= 0; node = kfdt_next_node(&tree, node, NULL))
        deepest = node;
    cr_assert_lt(kfdt_parent(&tree, deepest), 0, "the parent walk must stop, not overflow");
    free(blob);
    /* Properties must come before children, or fdt_property() would miss them. */
    blob = nested_blob(1, true);
    cr_assert_eq(init_and_check(blob, fdt_totalsize(blob)), -KFDT_ERR_BADSTRUCTURE);
    free(blob);
}

/* Deterministic xorshift, so a failure can be replayed. */
static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

Test(fdt_dumps, random_corruption_never_crashes_or_reads_outside)
{
    const struct dump *d = &dumps[0];
    uint64_t state = 0x9e3779b97f4a7c15ull;
    int refused = 0;
    for (int round = 0; round < 3000; round++) {
        uint8_t *blob = mutable_dump();
        int flips = 1 + (int)(next_random(&state) % 8);
        for (int i = 0; i < flips; i++) {
            size_t at = next_random(&state) % d->size;
            /* Aim half the damage at the structure block's tokens and lengths. */
            if (i % 2 == 0)
                at = fdt_off_dt_struct(d->blob) + next_random(&state) % fdt_size_dt_struct(d->blob);
            blob[at] = (uint8_t)next_random(&state);
        }
        if (init_and_check(blob, d->size) != 0)
            refused++;
        free(blob);
    }
    /* Most random damage must be caught (a byte of a value may be harmless). */
    cr_assert_gt(refused, 500, "only %d of 3000 corrupted blobs were refused", refused);
}
