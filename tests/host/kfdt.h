/*
 * kfdt.h: the kernel's device-tree reader under the names kfdt_*, so that
 * the host test can link it beside libfdt, which uses some of the same names
 * (fdt_next_node, fdt_path_offset...). The kernel's error numbers become
 * KFDT_ERR_*, since libfdt's FDT_ERR_* macros have other values.
 *
 * kfdt.c defines KFDT_KEEP_NAMES and includes src/lib/fdt.c after this
 * header, so the reader itself is compiled unchanged under the new names.
 */
#ifndef HOST_KFDT_H
#define HOST_KFDT_H

#define fdt_address_cells       kfdt_address_cells
#define fdt_check               kfdt_check
#define fdt_chosen_string       kfdt_chosen_string
#define fdt_cpu                 kfdt_cpu
#define fdt_first_child         kfdt_first_child
#define fdt_first_property      kfdt_first_property
#define fdt_init                kfdt_init
#define fdt_initrd              kfdt_initrd
#define fdt_memory_range        kfdt_memory_range
#define fdt_next_node           kfdt_next_node
#define fdt_next_property       kfdt_next_property
#define fdt_next_sibling        kfdt_next_sibling
#define fdt_node_by_compatible  kfdt_node_by_compatible
#define fdt_node_name           kfdt_node_name
#define fdt_parent              kfdt_parent
#define fdt_path_offset         kfdt_path_offset
#define fdt_property            kfdt_property
#define fdt_property_at         kfdt_property_at
#define fdt_property_string     kfdt_property_string
#define fdt_property_u32        kfdt_property_u32
#define fdt_property_u64        kfdt_property_u64
#define fdt_read_be32           kfdt_read_be32
#define fdt_read_be64           kfdt_read_be64
#define fdt_reg                 kfdt_reg
#define fdt_reserve_entry       kfdt_reserve_entry
#define fdt_reserved_range      kfdt_reserved_range
#define fdt_size_cells          kfdt_size_cells
#define fdt_strerror            kfdt_strerror
#define fdt_stringlist_contains kfdt_stringlist_contains
#define fdt_stringlist_count    kfdt_stringlist_count
#define fdt_stringlist_get      kfdt_stringlist_get
#define fdt_subnode             kfdt_subnode

#include "lib/fdt.h"

enum {
    KFDT_ERR_NOTFOUND = FDT_ERR_NOTFOUND,
    KFDT_ERR_BADMAGIC = FDT_ERR_BADMAGIC,
    KFDT_ERR_BADVERSION = FDT_ERR_BADVERSION,
    KFDT_ERR_TRUNCATED = FDT_ERR_TRUNCATED,
    KFDT_ERR_BADSTRUCTURE = FDT_ERR_BADSTRUCTURE,
    KFDT_ERR_BADOFFSET = FDT_ERR_BADOFFSET,
    KFDT_ERR_BADSTRING = FDT_ERR_BADSTRING,
    KFDT_ERR_BADCELLS = FDT_ERR_BADCELLS,
    KFDT_ERR_BADVALUE = FDT_ERR_BADVALUE,
    KFDT_MAX_DEPTH = FDT_MAX_DEPTH,
};

#ifndef KFDT_KEEP_NAMES
#undef fdt_address_cells
#undef fdt_check
#undef fdt_chosen_string
#undef fdt_cpu
#undef fdt_first_child
#undef fdt_first_property
#undef fdt_init
#undef fdt_initrd
#undef fdt_memory_range
#undef fdt_next_node
#undef fdt_next_property
#undef fdt_next_sibling
#undef fdt_node_by_compatible
#undef fdt_node_name
#undef fdt_parent
#undef fdt_path_offset
#undef fdt_property
#undef fdt_property_at
#undef fdt_property_string
#undef fdt_property_u32
#undef fdt_property_u64
#undef fdt_read_be32
#undef fdt_read_be64
#undef fdt_reg
#undef fdt_reserve_entry
#undef fdt_reserved_range
#undef fdt_size_cells
#undef fdt_strerror
#undef fdt_stringlist_contains
#undef fdt_stringlist_count
#undef fdt_stringlist_get
#undef fdt_subnode
#undef FDT_MAGIC
#undef FDT_ERR_NOTFOUND
#undef FDT_ERR_BADMAGIC
#undef FDT_ERR_BADVERSION
#undef FDT_ERR_TRUNCATED
#undef FDT_ERR_BADSTRUCTURE
#undef FDT_ERR_BADOFFSET
#undef FDT_ERR_BADSTRING
#undef FDT_ERR_BADCELLS
#undef FDT_ERR_BADVALUE
#undef FDT_MAX_DEPTH
#undef FDT_MAX_CELLS
#endif

#endif
