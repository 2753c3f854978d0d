/*
 * devicetree.c: the boot device tree, read through lib/fdt.
 */
#include "dev/devicetree.h"

#include "console/panic.h"
#include "lib/string.h"
#include "mm/layout.h"

static struct fdt tree;
static uint64_t blob_pa;

void devicetree_init(uint64_t dtb_pa)
{
    /* The header's totalsize is checked by fdt_init against a sane upper bound. */
    const uint32_t max_blob = 1u << 20;
    int error = fdt_init(&tree, phys_to_virt(dtb_pa), max_blob);
    if (error != 0)
        panic("device tree at physical %p: %s", (void *)dtb_pa, fdt_strerror(error));
    blob_pa = dtb_pa;
}

const struct fdt *devicetree_get(void)
{
    return &tree;
}

uint64_t devicetree_blob_pa(void)
{
    return blob_pa;
}

uint64_t devicetree_blob_size(void)
{
    return tree.total_size;
}

const char *devicetree_bootargs(void)
{
    int chosen = fdt_path_offset(&tree, "/chosen");
    if (chosen < 0)
        return "";
    const char *args = fdt_property_string(&tree, chosen, "bootargs");
    return args != NULL ? args : "";
}

/* Calls visit(base, size) for each range of every node with device_type "memory". */
bool devicetree_memory_range(int index, uint64_t *base, uint64_t *size)
{
    int seen = 0;
    for (int node = 0; node >= 0; node = fdt_next_node(&tree, node, NULL)) {
        const char *type = fdt_property_string(&tree, node, "device_type");
        if (type == NULL || strcmp(type, "memory") != 0)
            continue;
        for (int i = 0; fdt_reg(&tree, node, i, base, size) == 0; i++) {
            if (seen == index)
                return true;
            seen++;
        }
    }
    return false;
}

uint64_t devicetree_memory_total(void)
{
    uint64_t total = 0;
    uint64_t base;
    uint64_t size;
    for (int i = 0; devicetree_memory_range(i, &base, &size); i++)
        total += size;
    return total;
}

bool devicetree_find_device(const char *compatible, uint64_t *base, uint64_t *size)
{
    int node = fdt_node_by_compatible(&tree, -1, compatible);
    if (node < 0)
        return false;
    return fdt_reg(&tree, node, 0, base, size) == 0;
}

uint64_t devicetree_timebase_frequency(void)
{
    int cpus = fdt_path_offset(&tree, "/cpus");
    uint32_t frequency = 0;
    if (cpus >= 0)
        fdt_property_u32(&tree, cpus, "timebase-frequency", &frequency);
    return frequency;
}

bool devicetree_bootarg(const char *key, char *buf, int size)
{
    const char *args = devicetree_bootargs();
    size_t key_length = strlen(key);
    const char *p = args;
    while (*p != '\0') {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p != '\0' && *p != ' ')
            p++;
        if ((size_t)(p - word) > key_length && strncmp(word, key, key_length) == 0 &&
            word[key_length] == '=') {
            const char *value = word + key_length + 1;
            int length = (int)(p - value);
            if (size > 0) {
                int copy = length < size - 1 ? length : size - 1;
                memcpy(buf, value, (size_t)copy);
                buf[copy] = '\0';
            }
            return true;
        }
    }
    return false;
}
