/*
 * fdt.h: a careful reader for flattened device trees (the .dtb format).
 *
 * A blob has a header, a memory-reservation block, a structure block of
 * big-endian tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, END)
 * and a strings block holding property names. Nodes and properties are named
 * here by their offset in the structure block, as libfdt names them; negative
 * numbers are errors (-FDT_ERR_*).
 *
 * Every read is bounds-checked against the sizes the header gives, and the
 * header itself is checked against the size the caller knows, so a broken
 * blob yields an error, never a wild read. fdt_check() walks the whole tree
 * once, so a caller can refuse a malformed blob before following it. The
 * file is pure C: the host tests compile it and compare its answers with
 * libfdt's on the trees QEMU builds.
 */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeed

/* Errors, returned negated. */
#define FDT_ERR_NOTFOUND     1 /* no such node or property */
#define FDT_ERR_BADMAGIC     2 /* not a device tree */
#define FDT_ERR_BADVERSION   3 /* a version this reader does not know */
#define FDT_ERR_TRUNCATED    4 /* a block or token runs past the blob */
#define FDT_ERR_BADSTRUCTURE 5 /* tokens out of order, or unknown */
#define FDT_ERR_BADOFFSET    6 /* an offset that is not a node (or property) */
#define FDT_ERR_BADSTRING    7 /* a name not terminated inside its block */
#define FDT_ERR_BADCELLS     8 /* #address-cells or #size-cells out of range */
#define FDT_ERR_BADVALUE     9 /* a property whose length does not fit its meaning */

/* Nodes nest at most this deep (the root is depth 0). */
#define FDT_MAX_DEPTH 32
/* The devicetree specification's largest #address-cells / #size-cells. */
#define FDT_MAX_CELLS 4

struct fdt {
    const uint8_t *blob;
    uint32_t total_size;
    uint32_t struct_offset, struct_size;
    uint32_t strings_offset, strings_size;
    uint32_t reserve_offset;
};

/* Check the header and fill *fdt. max_size bounds the blob (use the header's if unknown). */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);
/* Walk the whole structure block: nesting, names, property bounds, the final END. */
int fdt_check(const struct fdt *fdt);
const char *fdt_strerror(int error);

/* Read a big-endian 32-bit header field without trusting alignment. */
uint32_t fdt_read_be32(const void *p);
uint64_t fdt_read_be64(const void *p);

/* ---- Nodes ---- */

/* Walk nodes in document order: the root is 0; returns the next node or -FDT_ERR_NOTFOUND. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);
/* The node's name with its unit address ("memory@80000000"); NULL on error. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/* The child of `parent` called `name` (the first `length` bytes); "memory" also matches
   "memory@80000000". */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t length);
/* Find by absolute path ("/chosen", "/cpus/cpu@0"); a component without '@' also
   matches a name with a unit address. */
int fdt_path_offset(const struct fdt *fdt, const char *path);
/* The next node after `start` (-1 for the beginning) whose "compatible" lists `compatible`. */
int fdt_node_by_compatible(const struct fdt *fdt, int start, const char *compatible);

/* ---- Properties ---- */

/* Walk a node's properties: offsets of PROP tokens, -FDT_ERR_NOTFOUND after the last. */
int fdt_first_property(const struct fdt *fdt, int node);
int fdt_next_property(const struct fdt *fdt, int property);
/* The property at an offset from the walk above: its value, name and length. */
const void *fdt_property_at(const struct fdt *fdt, int property, const char **name, int *length);

/* A property's value and length, or NULL. */
const void *fdt_property(const struct fdt *fdt, int node, const char *name, int *length);
/* A property that is a NUL-terminated string; NULL if missing or not terminated. */
const char *fdt_property_string(const struct fdt *fdt, int node, const char *name);
/* A single u32 cell; false if missing or the wrong size. */
bool fdt_property_u32(const struct fdt *fdt, int node, const char *name, uint32_t *value);
/* A u32 or u64 (one or two cells, as "timebase-frequency" may be); false otherwise. */
bool fdt_property_u64(const struct fdt *fdt, int node, const char *name, uint64_t *value);
/* String lists ("compatible", "reg-names"): membership, count and the index-th string. */
bool fdt_stringlist_contains(const struct fdt *fdt, int node, const char *name, const char *string);
int fdt_stringlist_count(const struct fdt *fdt, int node, const char *name);
const char *fdt_stringlist_get(const struct fdt *fdt, int node, const char *name, int index);

/* ---- Addresses ---- */

/* #address-cells and #size-cells of a node (which govern its children's "reg"). */
int fdt_address_cells(const struct fdt *fdt, int parent);
int fdt_size_cells(const struct fdt *fdt, int parent);
/* Entry `index` of the node's "reg"; returns 0, or a negated error. */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *address, uint64_t *size);

/* Entry `index` of the memory-reservation block; -FDT_ERR_NOTFOUND past the end. */
int fdt_reserve_entry(const struct fdt *fdt, int index, uint64_t *address, uint64_t *size);

/* ---- Standard nodes (devicetree specification, chapter 3) ---- */

/* Range `index` over the "reg" of every node whose device_type is "memory". */
int fdt_memory_range(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size);
/* Range `index` over the memory-reservation block, then /reserved-memory's children. */
int fdt_reserved_range(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size);
/* A string property of /chosen ("bootargs", "stdout-path"); NULL if absent. */
const char *fdt_chosen_string(const struct fdt *fdt, const char *name);
/* /chosen's linux,initrd-start and -end; -FDT_ERR_NOTFOUND when there is no initrd. */
int fdt_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end);

/* One processor: a node under /cpus with device_type "cpu". */
struct fdt_cpu {
    int node;
    uint64_t hartid;      /* its "reg": the hart id on RISC-V */
    const char *isa;      /* "riscv,isa", or NULL */
    uint64_t timebase_hz; /* its own timebase-frequency, else /cpus's, else 0 */
    bool enabled;         /* status is absent, "okay" or "ok" */
};
/* The index-th CPU node, in document order; -FDT_ERR_NOTFOUND past the last. */
int fdt_cpu(const struct fdt *fdt, int index, struct fdt_cpu *cpu);

#endif
