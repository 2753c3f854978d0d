/*
 * pagetable.h: Sv39 page tables.
 *
 * A Sv39 virtual address has 39 meaningful bits (bits 63..39 copy bit 38):
 *
 *    38        30 29        21 20        12 11           0
 *   +------------+------------+------------+--------------+
 *   |  VPN[2]    |  VPN[1]    |  VPN[0]    |  page offset |
 *   +------------+------------+------------+--------------+
 *      9 bits       9 bits       9 bits        12 bits
 *
 * Each VPN field indexes one level of 512 eight-byte entries (one 4 KiB
 * page per table). A page-table entry (PTE):
 *
 *    63   54 53                    10 9  8 7 6 5 4 3 2 1 0
 *   +-------+------------------------+----+-+-+-+-+-+-+-+-+
 *   |  0    |   PPN (44 bits)        |RSW |D|A|G|U|X|W|R|V|
 *   +-------+------------------------+----+-+-+-+-+-+-+-+-+
 *
 * V=0: nothing mapped. R=W=X=0 with V=1: a pointer to the next level.
 * Any of R/W/X set: a leaf. A leaf at level 2 maps 1 GiB, at level 1 maps
 * 2 MiB, at level 0 maps 4 KiB. The two RSW bits are the software's own:
 * this kernel uses bit 8 (PTE_OWNED) to mark a frame the page table owns
 * and frees when the page is unmapped (it holds one of the frame's
 * references), and bit 9 twice over: on a pointer entry it is PTE_SHARED,
 * the tables below belong to another mapping (the kernel half); on a leaf
 * it is PTE_COW, the frame may be shared with another address space and
 * the page is mapped without W until a write fault copies it
 * (mm/memory_set.c, docs/paging.md "Copy-on-write").
 */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/sv39.h"
#include "mm/addr.h"

typedef uint64_t pte_t;

/* Software bit (RSW): the mapping owns the frame and frees it on unmap. */
#define PTE_OWNED (1 << 8)
/* Software bit (RSW) on a pointer entry: the tables below belong to another mapping. */
#define PTE_SHARED (1 << 9)
/* Software bit (RSW) on a leaf: copy-on-write; W is clear until a write fault resolves it. */
#define PTE_COW       (1 << 9)
#define PTE_FLAG_MASK 0x3ffull
#define PTE_LEAF_BITS (PTE_R | PTE_W | PTE_X)

/* Levels: where a leaf sits decides the page size. */
#define PT_LEVEL_4K 0
#define PT_LEVEL_2M 1
#define PT_LEVEL_1G 2
#define PT_LEVELS   3
#define PT_ENTRIES  512

/* Bytes mapped by one leaf at `level`: 4 KiB, 2 MiB, 1 GiB. */
static inline uint64_t pt_level_size(int level)
{
    return 1ull << (PAGE_SHIFT + 9 * level);
}

static inline pte_t pte_make(ppn_t ppn, uint64_t flags)
{
    return (ppn.value << 10) | (flags & PTE_FLAG_MASK);
}

static inline ppn_t pte_ppn(pte_t pte)
{
    return (ppn_t){(pte >> 10) & ((1ull << 44) - 1)};
}

static inline bool pte_valid(pte_t pte)
{
    return (pte & PTE_V) != 0;
}

static inline bool pte_is_leaf(pte_t pte)
{
    return pte_valid(pte) && (pte & PTE_LEAF_BITS) != 0;
}

/* The index into the table at `level` for a virtual address. */
static inline unsigned pt_index(vaddr_t va, int level)
{
    return (va.value >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

/*
 * A page table and the frames it owns: its own table frames (the root and
 * every intermediate table it created), and the data frames mapped with
 * PTE_OWNED. Destroying it gives all of them back.
 */
struct mapping {
    paddr_t root;
    uint64_t table_frames; /* how many frames hold this table's levels */
    uint64_t owned_frames; /* how many mapped frames carry PTE_OWNED */
};

/* What a translation found. */
struct pt_lookup {
    paddr_t pa;     /* the physical address va translates to */
    uint64_t flags; /* the leaf's flag bits */
    int level;      /* where the leaf sits: PT_LEVEL_4K, _2M or _1G */
};

/* Allocate an empty root table. Returns 0 or -ENOMEM. */
int pt_init(struct mapping *mapping);

/* Format PTE flag bits as "RWXUG" letters ('-' for clear bits) into buf (8 bytes). */
const char *pte_flags_string(uint64_t flags, char *buf);

/*
 * Free every owned data frame and every table frame. Entries shared with
 * another mapping (see pt_share_kernel_half) are not followed.
 */
void pt_destroy(struct mapping *mapping);

/*
 * Copy the root entries of the kernel half (indices 256..511) from `kernel`,
 * so both tables share the kernel's lower levels. Shared entries are marked
 * as not owned and are never freed by pt_destroy.
 */
void pt_share_kernel_half(struct mapping *mapping, const struct mapping *kernel);

/*
 * Make sure there is a level-1 table under every root entry of the kernel half
 * that [start, end) touches, so later mappings there are seen by every table
 * that shares the kernel half.
 */
int pt_prepare_kernel_range(struct mapping *mapping, vaddr_t start, vaddr_t end);

/*
 * The PTE for va at `level`, creating missing intermediate tables when
 * `create` is true. NULL if a table is missing (and !create), memory ran out,
 * or a larger leaf already covers va.
 */
pte_t *pt_walk(struct mapping *mapping, vaddr_t va, int level, bool create);

/* Map one page of the size `level` names. -EINVAL if unaligned, -EEXIST if mapped, -ENOMEM. */
int pt_map(struct mapping *mapping, vaddr_t va, paddr_t pa, int level, uint64_t flags);

/*
 * Map [va, va + size) to [pa, pa + size) using the largest pages whose
 * alignment allows (1 GiB, 2 MiB, 4 KiB). On failure nothing stays mapped.
 */
int pt_map_range(struct mapping *mapping, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags);

/*
 * Remove the leaf that maps va (whatever its size). An owned frame is freed.
 * Returns 0 or -ENOENT; *lookup (if not NULL) gets what was mapped.
 */
int pt_unmap(struct mapping *mapping, vaddr_t va, struct pt_lookup *lookup);

/* Remove every leaf in [va, va + size). Returns how many leaves went. */
uint64_t pt_unmap_range(struct mapping *mapping, vaddr_t va, uint64_t size);

/*
 * The leaf entry that maps va, and its level in *level; NULL if nothing maps
 * va. For code that reads and rewrites a leaf in place (copy-on-write): it
 * must flush the TLBs itself afterwards.
 */
pte_t *pt_find_leaf(const struct mapping *mapping, vaddr_t va, int *level);

/*
 * When nothing maps va: the end of the aligned block around it that no table
 * maps at all (the next 4 KiB, 2 MiB or 1 GiB boundary, whichever level is
 * missing), so a walk over a sparse range skips holes at once. va + 4 KiB
 * when va is mapped.
 */
uint64_t pt_hole_end(const struct mapping *mapping, vaddr_t va);

/*
 * For a mapping about to be destroyed, and active on no hart: a teardown
 * without the scans pt_unmap's pruning costs (each emptied table is read
 * whole to see that it is empty). pt_release_leaves removes every leaf in
 * [va, va + size), freeing owned frames, and leaves the tables. Then, once
 * no leaf is left anywhere, pt_release_tables frees the tables of `level`
 * (PT_LEVEL_2M: the level-0 tables under each 2 MiB block the range
 * touches; PT_LEVEL_1G: the level-1 tables under each GiB it touches, which
 * must hold no table by then). Never the kernel half's. The caller must
 * know that every table lies under some range it passes: a user MemorySet
 * maps nothing outside its segments.
 */
void pt_release_leaves(struct mapping *mapping, vaddr_t va, uint64_t size);
void pt_release_tables(struct mapping *mapping, vaddr_t va, uint64_t size, int level);

/* Translate va; false if nothing maps it. */
bool pt_translate(const struct mapping *mapping, vaddr_t va, struct pt_lookup *lookup);

/* Change the R/W/X/U/G bits of the leaf that maps va. -ENOENT if unmapped. */
int pt_protect(struct mapping *mapping, vaddr_t va, uint64_t flags);

/* The satp value that selects this table (Sv39 mode, ASID 0); inline, for the thread switch. */
static inline uint64_t pt_satp(const struct mapping *mapping)
{
    return SATP_MODE_SV39 | paddr_to_ppn(mapping->root).value;
}

/* Is this table the one the hart translates with now? */
bool pt_is_active(const struct mapping *mapping);

#endif
