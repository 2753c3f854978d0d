/*
 * ksyms.c: the kernel's own symbol table, for reports: which function holds
 * an address. The build appends the table to the image (.ksyms, written by
 * scripts/gen_ksyms.py): function start addresses, sorted, each with the
 * offset of its name.
 */
#include "console/ksyms.h"

#include <stddef.h>

#include "arch/layout.h"

/* The table layout that scripts/gen_ksyms.py writes. */
struct ksym {
    uint64_t addr;
    uint64_t name_offset;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    if (addr < (uint64_t)text_start || addr >= (uint64_t)text_end || ksyms_count == 0)
        return NULL;
    /* Binary search for the last symbol that starts at or before addr. */
    uint64_t low = 0;
    uint64_t high = ksyms_count;
    while (high - low > 1) {
        uint64_t middle = low + (high - low) / 2;
        if (ksyms_table[middle].addr <= addr)
            low = middle;
        else
            high = middle;
    }
    if (ksyms_table[low].addr > addr)
        return NULL;
    if (offset != NULL)
        *offset = addr - ksyms_table[low].addr;
    return ksyms_names + ksyms_table[low].name_offset;
}
