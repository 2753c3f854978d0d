/*
 * devicetree.c: the boot device tree, read through lib/fdt.
 *
 * The tree is checked whole once, at boot; after that every question is a
 * short walk of a blob known to be well formed.
 */
#include "dev/devicetree.h"

#include "console/panic.h"
#include "lib/string.h"
#include "arch/layout.h"

static struct fdt tree;
static uint64_t blob_pa;

void devicetree_init(uint64_t dtb_pa)
{
    /* The header's totalsize is checked by fdt_init against a sane upper bound. */
    const uint32_t max_blob = 1u << 20;
    int error = fdt_init(&tree, phys_to_virt(dtb_pa), max_blob);
    if (error == 0)
        error = fdt_check(&tree);
    if (error != 0)
        panic("device tree at physical %p: %s (error %d)", (void *)dtb_pa, fdt_strerror(error),
              error);
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
    const char *args = fdt_chosen_string(&tree, "bootargs");
    return args != NULL ? args : "";
}

const char *devicetree_stdout_path(void)
{
    const char *path = fdt_chosen_string(&tree, "stdout-path");
    return path != NULL ? path : "";
}

bool devicetree_memory_range(int index, uint64_t *base, uint64_t *size)
{
    return fdt_memory_range(&tree, index, base, size) == 0;
}

bool devicetree_reserved_range(int index, uint64_t *base, uint64_t *size)
{
    return fdt_reserved_range(&tree, index, base, size) == 0;
}

bool devicetree_initrd(uint64_t *start, uint64_t *end)
{
    return fdt_initrd(&tree, start, end) == 0;
}

int devicetree_cpu_count(void)
{
    struct fdt_cpu cpu;
    int count = 0;
    while (fdt_cpu(&tree, count, &cpu) == 0)
        count++;
    return count;
}

bool devicetree_cpu(int index, struct fdt_cpu *cpu)
{
    return fdt_cpu(&tree, index, cpu) == 0;
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
    struct fdt_cpu cpu;
    if (fdt_cpu(&tree, 0, &cpu) != 0)
        return 0;
    return cpu.timebase_hz;
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
