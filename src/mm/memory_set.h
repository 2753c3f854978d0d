/*
 * memory_set.h: address spaces as the tutorial kernels shape them.
 *
 *   MemorySet  = one Mapping (the page table and the frames it owns)
 *              + a list of Segments, sorted by address
 *   Segment    = a virtual range [start, end), its flags (R/W/X/U), and how
 *                it is backed:
 *                  LINEAR  va maps to va - offset (the kernel's own image,
 *                          the physical window, device registers)
 *                  FRAMED  each page gets a frame of its own, owned by the
 *                          mapping (user memory, kernel stacks)
 *
 * User memory is paged on demand (docs/paging.md, "Demand paging" and
 * "Copy-on-write"): a user FRAMED segment added without data maps nothing,
 * and a page gets a zeroed frame at its first touch; fork shares every frame
 * read-only with PTE_COW, and the first write copies it; the stack segment
 * grows down on a fault below it, to its limit. memory_set_handle_fault does
 * all three, for the user-trap path and for uaccess alike.
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
#include "sync/spinlock.h"

enum map_type { MAP_LINEAR, MAP_FRAMED };

/* What a user segment is for: brk grows only the heap, a fault below the stack grows it. */
enum segment_kind { SEGMENT_PLAIN, SEGMENT_HEAP, SEGMENT_STACK };

struct segment {
    struct segment *next; /* the set's list, sorted by start */
    const char *name;     /* for reports: "text", "user stack", ... */
    vaddr_t start;        /* page-aligned */
    vaddr_t end;          /* page-aligned, exclusive */
    /*
     * PTE_R | PTE_W | PTE_X | PTE_U | PTE_G. A user segment with none of
     * R, W, X is PROT_NONE: its pages keep their frames, mapped R without U,
     * so neither the program nor uaccess (which wants U) can touch them.
     */
    uint64_t flags;
    enum map_type type;
    enum segment_kind kind;
    bool demand;            /* FRAMED, user: a page gets its frame at the first touch */
    uint64_t linear_offset; /* LINEAR: pa = va - linear_offset */
    uint64_t grow_limit;    /* SEGMENT_STACK: the lowest start it may grow down to */
};

/* Limits of a user set (RLIMIT_AS-, RLIMIT_STACK- and RSS-like). */
#define MEMORY_SET_USER_BYTES_MAX (1ull << 30) /* virtual bytes of all segments */
/* Frames mapped (held) at once: 48 MiB, room for a Linux program's 32 MiB malloc, and still
   well under the 128 MiB machine, so that one process cannot take every frame. */
#define MEMORY_SET_USER_FRAMES_MAX (48 * 1024 * 1024 / 4096)
#define MEMORY_SET_STACK_MAX       (8ull * 1024 * 1024) /* how far the stack may grow */
#define MEMORY_SET_STACK_GAP       (64ull * 1024) /* unmapped bytes it keeps above whatever is below */
#define MEMORY_SET_SEGMENTS_MAX    1024           /* segments of one user set (mprotect splits) */

struct memory_set {
    struct mapping mapping;
    struct segment *segments;
    int segment_count;
    /* A user set: faults fail with -ENOMEM when mapping.owned_frames would pass this. */
    uint64_t frame_limit;
    /* The harts whose satp holds this set now (bit i: hart index i); memory_set_activate keeps it.
     */
    uint32_t active_harts;
    /*
     * The threads of a process share its set and may change it from several
     * harts at once (a fault, mmap, munmap, a user copy). This lock makes
     * each change whole. It nests on one hart (memory_set_lock counts), so
     * a system call can hold it around several steps. User sets only, and
     * only while more than one thread uses the set: `threads` (kept by
     * proc/process.c) is 1 for a single-threaded process, whose only
     * thread is the caller, so nothing can race it and the lock is skipped.
     */
    uint32_t threads;
    /*
     * Set once the set has held, in the user half, a page without U: PROT_NONE
     * memory (mapped R without U, see struct segment) or a kernel-only
     * segment (tests make them). Never cleared; a clone inherits it. The
     * kernel may touch such pages without a fault, so in such a set uaccess
     * walks the page table before a copy instead of trusting the MMU.
     */
    bool had_pages_without_u;
    struct spinlock lock;
    uint32_t lock_holder; /* hart index + 1 of the holder, 0 when free */
    uint32_t lock_depth;
};

/* Take / drop a user set's lock (no-ops for kernel_memory_set). Never sleep while holding it. */
void memory_set_lock(struct memory_set *set);
void memory_set_unlock(struct memory_set *set);

/* What memory_set_handle_fault did, over every set since boot (tests and bench read it). */
struct memory_fault_stats {
    uint64_t zero_fills;  /* a first touch got a zeroed frame */
    uint64_t cow_copies;  /* a write to a shared frame copied it */
    uint64_t cow_reuses;  /* a write to a COW page whose frame was no longer shared */
    uint64_t stack_grows; /* a fault below the stack moved its start down */
};
void memory_fault_get_stats(struct memory_fault_stats *stats);

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
 * `data_length` bytes and the rest is zero; a user FRAMED segment (PTE_U)
 * without data maps nothing yet: its pages are zero-filled on first touch.
 * For LINEAR, `pa_start` is where start maps. Returns 0, -EINVAL (unaligned,
 * overlapping, bad flags) or -ENOMEM; on failure the set is as it was.
 */
int memory_set_add_segment(struct memory_set *set, const char *name, vaddr_t start, vaddr_t end,
                           uint64_t flags, enum map_type type, paddr_t pa_start, const void *data,
                           size_t data_length);

/*
 * The user stack: [top - size, top), demand-zero, R+W+U, kind SEGMENT_STACK;
 * a fault below it grows it down to top - max, keeping MEMORY_SET_STACK_GAP
 * free above any segment below. 0, -EINVAL or -ENOMEM.
 */
int memory_set_add_stack(struct memory_set *set, vaddr_t top, uint64_t size, uint64_t max);

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

/*
 * Change the flags of every page of [start, end) to `flags` (PTE_U plus any
 * of R/W/X; none is PROT_NONE): mprotect. Segments that straddle an edge are
 * split. Pages a COW mark keeps read-only stay so until their write fault.
 * 0, -EINVAL (unaligned, W+X, not user memory) or -ENOMEM (a page of the
 * range is in no segment, or no memory for a split).
 */
int memory_set_protect_range(struct memory_set *set, vaddr_t start, vaddr_t end, uint64_t flags);

/*
 * Resolve a fault at user address va for `access` (PTE_R, PTE_W or PTE_X):
 * zero-fill a page touched for the first time, copy a shared page on a write
 * (or just make it writable when this set holds its only reference), grow
 * the stack down to the page. 0 when the access may now be retried, -EFAULT
 * when it is the program's error (no segment, no permission: SIGSEGV), or
 * -ENOMEM when no frame is left (the machine's or the set's frame_limit).
 * The user-trap path calls it, and so does uaccess before it copies.
 */
int memory_set_handle_fault(struct memory_set *set, uint64_t va, uint64_t access);

/* Is [start, end) free of every segment (brk asks before it grows)? */
bool memory_set_range_free(const struct memory_set *set, vaddr_t start, vaddr_t end);

/* The segment that contains va, or NULL. */
struct segment *memory_set_find_segment(const struct memory_set *set, vaddr_t va);

/* Load this set's table into satp and flush this hart's whole TLB. */
void memory_set_activate(const struct memory_set *set);
/* The same, for a caller that has interrupts off already (the thread switch). */
void memory_set_activate_irq_off(const struct memory_set *set);

/* How many bytes of user memory `set` maps (its segments' sizes added up). */
uint64_t memory_set_user_bytes(const struct memory_set *set);

/* How many frames `set` has mapped now: the ones it holds a reference to, shared or not. */
uint64_t memory_set_user_frames(const struct memory_set *set);

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

/* The same, for a caller that knows this hart has entered (the scheduler's switch): no test. */
static inline const struct memory_set *memory_set_active_entered(void)
{
    return ((const struct memory_set_hart *)hart_slot(HART_SLOT_MM))->active;
}

/*
 * Unmap everything, free every frame and segment. The set is empty
 * afterwards. It must be active on no hart (panics otherwise, with the harts).
 */
void memory_set_destroy(struct memory_set *set);

/*
 * fork's copy, copy-on-write: the same segments, and every frame mapped in
 * `original` mapped in `copy` too, both read-only with PTE_COW and one more
 * reference each; the first write on either side copies (handle_fault).
 * `original` changes (its pages lose W), so its TLBs are flushed here.
 */
int memory_set_clone(struct memory_set *copy, struct memory_set *original);

/*
 * Copy `length` bytes to virtual address va of `set`, through the kernel's
 * physical window, so the set need not be active. Every page must be in a
 * segment (any permissions: this is the kernel filling memory, as a loader
 * does); a page not yet present gets its frame, a shared one is copied.
 * Returns 0, -EFAULT or -ENOMEM.
 */
int memory_set_write(struct memory_set *set, uint64_t va, const void *data, size_t length);

/* Print the segments, one line each (for the boot log and fault reports). */
void memory_set_print(const struct memory_set *set);

/*
 * Describe va for a page-fault report: mapped or not, its flags, its segment.
 * Returns the leaf's flags (PTE_V and the rest), or 0 when nothing maps va.
 */
uint64_t memory_set_describe_address(const struct memory_set *set, vaddr_t va);

#endif
