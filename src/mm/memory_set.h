/*
 * memory_set.h: address spaces as the tutorial kernels shape them.
 *
 *   MemorySet  = one Mapping (the page table and the frames it owns)
 *              + a list of Segments, sorted by address
 *   Segment    = a virtual range [start, end), its flags (R/W/X/U), and how
 *                it is backed:
 *                  LINEAR  va maps to va - offset (the kernel's own image,
 *                          the physical window, device registers)
 *                  FRAMED  each page gets a fresh frame, owned by the mapping
 *                          (user memory, kernel stacks)
 *
 * The kernel has one MemorySet, kernel_memory_set, built at boot from the
 * linker's section symbols and the device tree. Every user MemorySet shares
 * its kernel half, so a trap never needs to switch page tables.
 */
#ifndef MM_MEMORY_SET_H
#define MM_MEMORY_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/hart.h"
#include "mm/addr.h"
#include "mm/pagetable.h"

enum map_type { MAP_LINEAR, MAP_FRAMED };

struct segment {
    struct segment *next; /* the set's list, sorted by start */
    const char *name;     /* for reports: "text", "user stack", ... */
    vaddr_t start;        /* page-aligned */
    vaddr_t end;          /* page-aligned, exclusive */
    uint64_t flags;       /* PTE_R | PTE_W | PTE_X | PTE_U | PTE_G */
    enum map_type type;
    uint64_t linear_offset; /* LINEAR: pa = va - linear_offset */
};

struct memory_set {
    struct mapping mapping;
    struct segment *segments;
    /* The harts whose satp holds this set now (bit i: hart index i); memory_set_activate keeps it.
     */
    uint32_t active_harts;
};

/* The kernel's address space, valid after memory_set_init_kernel(). */
extern struct memory_set kernel_memory_set;

/*
 * Build the kernel's set (text R+X, rodata R, data and bss R+W, ksyms R,
 * the rest of RAM R+W as the physical window, device MMIO R+W), switch to it
 * and retire the boot page table.
 */
void memory_set_init_kernel(void);

/* An empty set for a user program: nothing below, the kernel half shared. */
int memory_set_init_user(struct memory_set *set);

/*
 * Add a segment and map it. For FRAMED, `data` (if not NULL) fills the first
 * `data_length` bytes and the rest is zero. For LINEAR, `pa_start` is where
 * start maps. Returns 0, -EINVAL (unaligned, overlapping, bad flags) or
 * -ENOMEM; on failure the set is as it was.
 */
int memory_set_add_segment(struct memory_set *set, const char *name, vaddr_t start, vaddr_t end,
                           uint64_t flags, enum map_type type, paddr_t pa_start, const void *data,
                           size_t data_length);

/* Unmap and remove the segment that starts at `start`. -ENOENT if none does. */
int memory_set_remove_segment(struct memory_set *set, vaddr_t start);

/*
 * Grow a FRAMED segment upward to new_end (page-aligned), with fresh zeroed
 * frames: brk does this. -EINVAL if it would meet the next segment, -ENOMEM.
 */
int memory_set_extend_segment(struct memory_set *set, struct segment *segment, vaddr_t new_end);

/*
 * Unmap every page of [start, end) whatever segments it touches: segments
 * inside it go, segments that straddle an edge are trimmed, and one that
 * contains it is split in two (munmap and a shrinking brk do this). Pages
 * of the range that nothing maps are fine. 0, -EINVAL (unaligned) or -ENOMEM.
 */
int memory_set_unmap_range(struct memory_set *set, vaddr_t start, vaddr_t end);

/* The segment that contains va, or NULL. */
struct segment *memory_set_find_segment(const struct memory_set *set, vaddr_t va);

/* Load this set's table into satp and flush this hart's whole TLB. */
void memory_set_activate(const struct memory_set *set);

/* How many bytes of user memory `set` maps (its segments' sizes added up). */
uint64_t memory_set_user_bytes(const struct memory_set *set);

/* The set this hart translates with (its slot, arch/hart.h); NULL while the boot table is in use.
 */
struct memory_set_hart {
    const struct memory_set *active;
};

static inline const struct memory_set *memory_set_active(void)
{
    if (hart_this() == NULL)
        return NULL;
    return ((const struct memory_set_hart *)hart_slot(HART_SLOT_MM))->active;
}

/*
 * Unmap everything, free every frame and segment. The set is empty
 * afterwards. It must be active on no hart (panics otherwise, with the harts).
 */
void memory_set_destroy(struct memory_set *set);

/* A deep copy: FRAMED segments get new frames with the same bytes (fork). */
int memory_set_clone(struct memory_set *copy, const struct memory_set *original);

/*
 * Copy `length` bytes to virtual address va of `set`, through the kernel's
 * physical window, so the set need not be active. Every page must be mapped
 * (any permissions: this is the kernel filling memory, as a loader does).
 * Returns 0 or -EFAULT.
 */
int memory_set_write(const struct memory_set *set, uint64_t va, const void *data, size_t length);

/* Print the segments, one line each (for the boot log and fault reports). */
void memory_set_print(const struct memory_set *set);

/*
 * Describe va for a page-fault report: mapped or not, its flags, its segment.
 * Returns the leaf's flags (PTE_V and the rest), or 0 when nothing maps va.
 */
uint64_t memory_set_describe_address(const struct memory_set *set, vaddr_t va);

#endif
