/*
 * memory_set.c: MemorySets, their Segments, and the kernel's own set.
 */
#include "mm/memory_set.h"

#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "abi/errno.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/kstack.h"
#include "mm/tlb.h"
#include "mm/uaccess.h"

struct memory_set kernel_memory_set;

static struct memory_fault_stats fault_stats;

void memory_fault_get_stats(struct memory_fault_stats *stats)
{
    stats->zero_fills = __atomic_load_n(&fault_stats.zero_fills, __ATOMIC_RELAXED);
    stats->cow_copies = __atomic_load_n(&fault_stats.cow_copies, __ATOMIC_RELAXED);
    stats->cow_reuses = __atomic_load_n(&fault_stats.cow_reuses, __ATOMIC_RELAXED);
    stats->stack_grows = __atomic_load_n(&fault_stats.stack_grows, __ATOMIC_RELAXED);
}

static void count(uint64_t *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/*
 * The leaf flags for a page of `segment`. A PROT_NONE user segment (none of
 * R, W, X) maps its pages R without U: the frame stays (mprotect back finds
 * the bytes), the program faults on any access, and uaccess, which wants U,
 * refuses it.
 */
static uint64_t page_flags(const struct segment *segment)
{
    if ((segment->flags & PTE_LEAF_BITS) == 0)
        return PTE_R;
    return segment->flags;
}

/*
 * A user leaf changed in `set`: flush it from this hart if the set is live
 * here, and from every other hart whose satp holds the set (a thread of the
 * process runs there; tlb.h). Done before the old frame may be freed.
 */
static void flush_user_range(const struct memory_set *set, uint64_t start, uint64_t size)
{
    if (pt_is_active(&set->mapping)) {
        if (size == PAGE_SIZE)
            sfence_vma_addr(start);
        else
            sfence_vma_all();
    }
    uint32_t others = __atomic_load_n(&set->active_harts, __ATOMIC_RELAXED) & ~(1u << hart_index());
    if (others != 0)
        tlb_shootdown(others, start, size);
}

void memory_set_lock(struct memory_set *set)
{
    if (set == &kernel_memory_set || __atomic_load_n(&set->threads, __ATOMIC_RELAXED) <= 1)
        return; /* no other thread: no one to race (the common case costs one load) */
    /*
     * Interrupts are off while it is held, so the holder cannot move to
     * another hart. But a thread that does not hold it yet can: the hart it
     * runs on is read with interrupts off, for the nesting test, and read
     * again once the lock is taken. (It was read once, before: a thread moved
     * between the read and the acquire would record its old hart as the
     * holder, and its unlock would then let nothing go.)
     */
    irq_state_t state = irq_save();
    bool nested = __atomic_load_n(&set->lock_holder, __ATOMIC_RELAXED) == hart_index() + 1;
    if (nested)
        set->lock_depth++;
    irq_restore(state);
    if (nested)
        return;
    spinlock_acquire(&set->lock);
    __atomic_store_n(&set->lock_holder, hart_index() + 1, __ATOMIC_RELAXED);
    set->lock_depth = 1;
}

void memory_set_unlock(struct memory_set *set)
{
    /* Taken or not by memory_set_lock: by this hart's holder record, not by `threads` now. */
    if (set == &kernel_memory_set)
        return;
    /* With interrupts off, as in memory_set_lock: a thread moved after reading its hart
       could otherwise match, and let go, another thread's hold on that hart. */
    irq_state_t state = irq_save();
    bool mine = __atomic_load_n(&set->lock_holder, __ATOMIC_RELAXED) == hart_index() + 1;
    irq_restore(state);
    if (!mine)
        return;
    if (--set->lock_depth != 0)
        return;
    __atomic_store_n(&set->lock_holder, 0, __ATOMIC_RELAXED);
    spinlock_release(&set->lock);
}

extern pte_t boot_page_table[PT_ENTRIES];

static bool ranges_overlap(vaddr_t a_start, vaddr_t a_end, vaddr_t b_start, vaddr_t b_end)
{
    return a_start.value < b_end.value && b_start.value < a_end.value;
}

/* Insert keeping the list sorted by start address. */
static void insert_sorted(struct memory_set *set, struct segment *segment)
{
    struct segment **link = &set->segments;
    while (*link != NULL && (*link)->start.value < segment->start.value)
        link = &(*link)->next;
    segment->next = *link;
    *link = segment;
}

/*
 * Map every page of [start, end) to a new zeroed frame with the segment's
 * flags, copying in `data` from `start` on. On failure nothing stays mapped.
 */
static int map_framed_range(struct memory_set *set, const struct segment *segment, uint64_t start,
                            uint64_t end, const void *data, size_t data_length)
{
    const uint8_t *bytes = data;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        paddr_t frame = frame_alloc_zeroed();
        if (paddr_is_null(frame))
            goto out_of_memory;
        uint64_t offset = va - start;
        if (bytes != NULL && offset < data_length) {
            size_t chunk = data_length - offset < PAGE_SIZE ? data_length - offset : PAGE_SIZE;
            memcpy(paddr_to_ptr(frame), bytes + offset, chunk);
        }
        /* PTE_OWNED: the mapping frees this frame when the page is unmapped. */
        int error =
            pt_map(&set->mapping, vaddr(va), frame, PT_LEVEL_4K, page_flags(segment) | PTE_OWNED);
        if (error != 0) {
            frame_free(frame);
            goto out_of_memory;
        }
        continue;
    out_of_memory:
        pt_unmap_range(&set->mapping, vaddr(start), va - start);
        return -ENOMEM;
    }
    return 0;
}

static int map_framed(struct memory_set *set, const struct segment *segment, const void *data,
                      size_t data_length)
{
    return map_framed_range(set, segment, segment->start.value, segment->end.value, data,
                            data_length);
}

static int memory_set_add_segment_unlocked(struct memory_set *set, const char *name, vaddr_t start,
                                           vaddr_t end, uint64_t flags, enum map_type type,
                                           paddr_t pa_start, const void *data, size_t data_length)
{
    if ((start.value | end.value) & (PAGE_SIZE - 1) || start.value >= end.value)
        return -EINVAL;
    /* Every segment is readable or executable, and never W and X; only user memory is PROT_NONE. */
    if ((flags & PTE_W) && (flags & PTE_X))
        return -EINVAL;
    if ((flags & PTE_LEAF_BITS) == 0 && ((flags & PTE_U) == 0 || type != MAP_FRAMED))
        return -EINVAL;
    for (struct segment *s = set->segments; s != NULL; s = s->next) {
        if (ranges_overlap(start, end, s->start, s->end))
            return -EINVAL;
    }
    if ((flags & PTE_U) && set->segment_count >= MEMORY_SET_SEGMENTS_MAX)
        return -ENOMEM;
    struct segment *segment = kzalloc(sizeof(*segment));
    if (segment == NULL)
        return -ENOMEM;
    segment->name = name;
    segment->start = start;
    segment->end = end;
    segment->flags = flags;
    segment->type = type;
    segment->kind = SEGMENT_PLAIN;
    /* User memory without bytes to fill in is demand-zero: nothing is mapped now. */
    segment->demand = type == MAP_FRAMED && (flags & PTE_U) != 0 && data == NULL;

    int error = 0;
    if (type == MAP_LINEAR) {
        segment->linear_offset = start.value - pa_start.value;
        error = pt_map_range(&set->mapping, start, pa_start, end.value - start.value, flags);
    } else if (!segment->demand) {
        error = map_framed(set, segment, data, data_length);
    }
    if (error != 0) {
        kfree(segment);
        return error;
    }
    insert_sorted(set, segment);
    set->segment_count++;
    if (start.value < USER_END && ((flags & PTE_U) == 0 || (flags & PTE_LEAF_BITS) == 0))
        set->had_pages_without_u = true; /* uaccess.c: copies here look before they leap */
    return 0;
}

int memory_set_add_segment(struct memory_set *set, const char *name, vaddr_t start, vaddr_t end,
                           uint64_t flags, enum map_type type, paddr_t pa_start, const void *data,
                           size_t data_length)
{
    memory_set_lock(set);
    int result = memory_set_add_segment_unlocked(set, name, start, end, flags, type, pa_start, data,
                                                 data_length);
    memory_set_unlock(set);
    return result;
}

int memory_set_add_stack(struct memory_set *set, vaddr_t top, uint64_t size, uint64_t max)
{
    if (size > max || max > top.value)
        return -EINVAL;
    int error = memory_set_add_segment(set, "stack", vaddr(top.value - size), top,
                                       PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0);
    if (error != 0)
        return error;
    struct segment *stack = memory_set_find_segment(set, vaddr(top.value - PAGE_SIZE));
    stack->kind = SEGMENT_STACK;
    stack->grow_limit = top.value - max;
    return 0;
}

/*
 * Before an unmap frees frames of a set that other harts translate with
 * (threads of one process): take U off every present leaf of the range,
 * then shoot the range down on those harts. From then on no hart reaches
 * the frames through a stale entry, so pt_unmap_range may free them; a
 * thread that touches the range meanwhile faults, waits for the set's
 * lock, and finds the range gone. One shootdown per munmap, and none when
 * the set is live on this hart alone (every single-threaded process).
 */
static void revoke_on_other_harts(struct memory_set *set, uint64_t start, uint64_t end)
{
    uint32_t others = __atomic_load_n(&set->active_harts, __ATOMIC_RELAXED) & ~(1u << hart_index());
    if (others == 0 || set == &kernel_memory_set)
        return;
    for (uint64_t va = start; va < end && va < USER_END;) {
        int level;
        pte_t *entry = pt_find_leaf(&set->mapping, vaddr(va), &level);
        if (entry == NULL) {
            va = pt_hole_end(&set->mapping, vaddr(va));
            continue;
        }
        *entry &= ~(uint64_t)PTE_U;
        va = (va & ~(pt_level_size(level) - 1)) + pt_level_size(level);
    }
    tlb_shootdown(others, start, end - start);
}

/*
 * Changing a user mapping flushes only this hart's TLB (pagetable.c). That
 * is enough while no other hart translates with the set: without ASIDs,
 * every satp write flushes the whole TLB, so a hart caches the entries of
 * the set it runs now and of no other, and a process has one thread, whose
 * hart is this one. A set active on another hart too (a second thread of
 * the process) would need a shootdown before its frames are freed; refuse.
 */
static void check_only_here(const struct memory_set *set, const char *what)
{
    uint32_t others = __atomic_load_n(&set->active_harts, __ATOMIC_RELAXED) & ~(1u << hart_index());
    if (others != 0 && set != &kernel_memory_set)
        panic("%s: the set is also active on harts (index mask) 0x%x: their TLBs would keep the "
              "old translations (docs/smp.md)",
              what, others);
}

int memory_set_remove_segment(struct memory_set *set, vaddr_t start)
{
    check_only_here(set, "memory_set_remove_segment");
    for (struct segment **link = &set->segments; *link != NULL; link = &(*link)->next) {
        struct segment *segment = *link;
        if (segment->start.value != start.value)
            continue;
        pt_unmap_range(&set->mapping, segment->start, segment->end.value - segment->start.value);
        *link = segment->next;
        kfree(segment);
        set->segment_count--;
        return 0;
    }
    return -ENOENT;
}

static int memory_set_extend_segment_unlocked(struct memory_set *set, struct segment *segment,
                                              vaddr_t new_end)
{
    if (segment->type != MAP_FRAMED || (new_end.value & (PAGE_SIZE - 1)) != 0 ||
        new_end.value <= segment->end.value)
        return -EINVAL;
    if (segment->next != NULL && segment->next->start.value < new_end.value)
        return -EINVAL; /* would run into the next segment */
    int error = 0;
    if (!segment->demand)
        error = map_framed_range(set, segment, segment->end.value, new_end.value, NULL, 0);
    if (error == 0)
        segment->end = new_end;
    return error;
}

int memory_set_extend_segment(struct memory_set *set, struct segment *segment, vaddr_t new_end)
{
    memory_set_lock(set);
    int result = memory_set_extend_segment_unlocked(set, segment, new_end);
    memory_set_unlock(set);
    return result;
}

bool memory_set_range_free(const struct memory_set *set, vaddr_t start, vaddr_t end)
{
    for (const struct segment *s = set->segments; s != NULL; s = s->next) {
        if (ranges_overlap(start, end, s->start, s->end))
            return false;
    }
    return true;
}

/* Cut the segment that strictly contains `at` in two there. 0 or -ENOMEM. */
static int split_at(struct memory_set *set, vaddr_t at)
{
    struct segment *s = memory_set_find_segment(set, at);
    if (s == NULL || s->start.value == at.value)
        return 0;
    if ((s->flags & PTE_U) && set->segment_count >= MEMORY_SET_SEGMENTS_MAX)
        return -ENOMEM;
    struct segment *upper = kzalloc(sizeof(*upper));
    if (upper == NULL)
        return -ENOMEM;
    *upper = *s;
    upper->start = at;
    s->end = at;
    upper->next = s->next;
    s->next = upper;
    set->segment_count++;
    return 0;
}

/* Give every present leaf in [start, end) the flags its segment has now, COW pages kept without W.
 */
static void reprotect_leaves(struct memory_set *set, const struct segment *segment, uint64_t start,
                             uint64_t end)
{
    for (uint64_t va = start; va < end;) {
        int level;
        pte_t *entry = pt_find_leaf(&set->mapping, vaddr(va), &level);
        if (entry == NULL) {
            va = pt_hole_end(&set->mapping, vaddr(va));
            continue;
        }
        uint64_t keep = *entry & (PTE_V | PTE_A | PTE_D | PTE_OWNED | PTE_COW);
        uint64_t flags = page_flags(segment) | keep;
        if (keep & PTE_COW)
            flags &= ~(uint64_t)PTE_W;
        *entry = pte_make(pte_ppn(*entry), flags);
        va += pt_level_size(level);
    }
}

static int memory_set_protect_range_unlocked(struct memory_set *set, vaddr_t start, vaddr_t end,
                                             uint64_t flags)
{
    if (((start.value | end.value) & (PAGE_SIZE - 1)) != 0 || start.value >= end.value ||
        end.value > USER_END)
        return -EINVAL;
    if ((flags & PTE_W) && (flags & PTE_X))
        return -EINVAL;
    flags = (flags & (PTE_R | PTE_W | PTE_X)) | PTE_U;
    if ((flags & PTE_LEAF_BITS) == 0)
        set->had_pages_without_u = true; /* PROT_NONE, before a page loses its U: uaccess.c */
    /* Every page of the range must be in a user FRAMED segment (Linux: -ENOMEM otherwise). */
    uint64_t covered = start.value;
    for (const struct segment *s = set->segments; s != NULL && covered < end.value; s = s->next) {
        if (s->end.value <= covered)
            continue;
        if (s->start.value > covered)
            break;
        if (s->type != MAP_FRAMED || (s->flags & PTE_U) == 0)
            return -EINVAL;
        covered = s->end.value;
    }
    if (covered < end.value)
        return -ENOMEM;
    int error = split_at(set, start);
    if (error == 0)
        error = split_at(set, end);
    if (error != 0)
        return error; /* a split alone changes nothing the program can see */
    for (struct segment *s = set->segments; s != NULL; s = s->next) {
        if (s->start.value < start.value || s->end.value > end.value)
            continue;
        s->flags = flags;
        reprotect_leaves(set, s, s->start.value, s->end.value);
    }
    flush_user_range(set, start.value, end.value - start.value);
    return 0;
}

int memory_set_protect_range(struct memory_set *set, vaddr_t start, vaddr_t end, uint64_t flags)
{
    memory_set_lock(set);
    int result = memory_set_protect_range_unlocked(set, start, end, flags);
    memory_set_unlock(set);
    return result;
}

/*
 * A fault at `page`, below every segment that contains it: if the segment
 * just above is the stack, move its start down to the page, within its
 * limit and keeping the gap above whatever lies below. The stack, or NULL.
 */
static struct segment *grow_stack(struct memory_set *set, uint64_t page)
{
    struct segment *below = NULL;
    struct segment *above = set->segments;
    while (above != NULL && above->start.value <= page) {
        below = above;
        above = above->next;
    }
    if (above == NULL || above->kind != SEGMENT_STACK || page < above->grow_limit)
        return NULL;
    if (below != NULL && below->end.value + MEMORY_SET_STACK_GAP > page)
        return NULL;
    above->start = vaddr(page);
    count(&fault_stats.stack_grows);
    return above;
}

/* Does the leaf allow the access (the hardware's own check)? */
static bool leaf_allows(pte_t entry, uint64_t access)
{
    return (entry & PTE_U) != 0 && (entry & access) == access;
}

/*
 * Make `page` of `segment` present, and private when `write`: a zeroed
 * frame for a page never touched, a copy for a shared COW page, W back for
 * a COW page this set alone still holds. `force`: the kernel fills memory
 * (memory_set_write), whatever the segment allows.
 */
static int make_present(struct memory_set *set, const struct segment *segment, uint64_t page,
                        uint64_t access, bool force)
{
    int level;
    pte_t *entry = pt_find_leaf(&set->mapping, vaddr(page), &level);
    if (entry == NULL) {
        if (set->mapping.owned_frames >= set->frame_limit)
            return -ENOMEM;
        paddr_t frame = frame_alloc_zeroed();
        if (paddr_is_null(frame))
            return -ENOMEM;
        int error =
            pt_map(&set->mapping, vaddr(page), frame, PT_LEVEL_4K, page_flags(segment) | PTE_OWNED);
        if (error != 0) {
            frame_free(frame);
            return -ENOMEM; /* no frame for a page table */
        }
        count(&fault_stats.zero_fills);
        return 0;
    }
    /* LAB 9 BEGIN: cow_fault */
    if ((access & PTE_W) && (*entry & PTE_COW)) {
        paddr_t old = ppn_to_paddr(pte_ppn(*entry));
        uint64_t flags = page_flags(segment) | PTE_OWNED | PTE_V | PTE_A | PTE_D;
        if (frame_ref_count(old) == 1) {
            /* The others have copied or gone: the frame is this set's alone. */
            *entry = pte_make(pte_ppn(*entry), flags);
            flush_user_range(set, page, PAGE_SIZE);
            count(&fault_stats.cow_reuses);
            return 0;
        }
        paddr_t copy = frame_alloc();
        if (paddr_is_null(copy))
            return -ENOMEM;
        memcpy(paddr_to_ptr(copy), paddr_to_ptr(old), PAGE_SIZE);
        *entry = pte_make(paddr_to_ppn(copy), flags);
        /* No hart may still read the shared frame through this set once its reference goes. */
        flush_user_range(set, page, PAGE_SIZE);
        frame_free(old);
        count(&fault_stats.cow_copies);
        return 0;
    }
    /* LAB 9 END: cow_fault */
    if (force || leaf_allows(*entry, access)) {
        /* Already resolved: a stale TLB entry faulted (another hart's change), or the kernel. */
        if (pt_is_active(&set->mapping))
            sfence_vma_addr(page);
        return 0;
    }
    return -EFAULT; /* the leaf is as the segment wants it, and that forbids the access */
}

static int memory_set_handle_fault_unlocked(struct memory_set *set, uint64_t va, uint64_t access)
{
    if (va >= USER_END || set == &kernel_memory_set)
        return -EFAULT;
    uint64_t page = page_round_down(va);
    struct segment *segment = memory_set_find_segment(set, vaddr(page));
    if (segment == NULL)
        segment = grow_stack(set, page);
    if (segment == NULL || segment->type != MAP_FRAMED || (segment->flags & PTE_U) == 0)
        return -EFAULT;
    if ((segment->flags & access) != access)
        return -EFAULT; /* PROT_NONE, a write to read-only memory, a jump into data */
    return make_present(set, segment, page, access, false);
}

int memory_set_handle_fault(struct memory_set *set, uint64_t va, uint64_t access)
{
    memory_set_lock(set);
    int result = memory_set_handle_fault_unlocked(set, va, access);
    memory_set_unlock(set);
    return result;
}

static int memory_set_unmap_range_unlocked(struct memory_set *set, vaddr_t start, vaddr_t end)
{
    if (((start.value | end.value) & (PAGE_SIZE - 1)) != 0 || start.value >= end.value)
        return -EINVAL;
    /*
     * At most one segment is split in two (a hole strictly inside it): its
     * upper part is allocated first, so that nothing can fail once the
     * range has been revoked from the other harts.
     */
    const struct segment *around = memory_set_find_segment(set, start);
    bool splits =
        around != NULL && around->start.value < start.value && end.value < around->end.value;
    struct segment *spare = splits ? kzalloc(sizeof(*spare)) : NULL;
    if (splits && spare == NULL)
        return -ENOMEM;
    revoke_on_other_harts(set, start.value, end.value);
    struct segment **link = &set->segments;
    while (*link != NULL) {
        struct segment *s = *link;
        if (!ranges_overlap(start, end, s->start, s->end)) {
            link = &s->next;
            continue;
        }
        uint64_t cut_start = s->start.value > start.value ? s->start.value : start.value;
        uint64_t cut_end = s->end.value < end.value ? s->end.value : end.value;
        if (cut_start > s->start.value && cut_end < s->end.value) {
            /* A hole in the middle: the part above becomes a segment of its own. */
            struct segment *upper = spare;
            spare = NULL;
            *upper = *s;
            upper->start = vaddr(cut_end);
            s->end = vaddr(cut_start);
            upper->next = s->next;
            s->next = upper;
            set->segment_count++;
        } else if (cut_start > s->start.value) {
            s->end = vaddr(cut_start); /* the top goes */
        } else if (cut_end < s->end.value) {
            s->start = vaddr(cut_end); /* the bottom goes */
        } else {
            *link = s->next; /* all of it goes */
            pt_unmap_range(&set->mapping, vaddr(cut_start), cut_end - cut_start);
            kfree(s);
            set->segment_count--;
            continue;
        }
        pt_unmap_range(&set->mapping, vaddr(cut_start), cut_end - cut_start);
        link = &(*link)->next;
    }
    if (spare != NULL)
        kfree(spare);
    return 0;
}

int memory_set_unmap_range(struct memory_set *set, vaddr_t start, vaddr_t end)
{
    memory_set_lock(set);
    int result = memory_set_unmap_range_unlocked(set, start, end);
    memory_set_unlock(set);
    return result;
}

struct segment *memory_set_find_segment(const struct memory_set *set, vaddr_t va)
{
    for (struct segment *s = set->segments; s != NULL; s = s->next) {
        if (va.value >= s->start.value && va.value < s->end.value)
            return s;
    }
    return NULL;
}

uint64_t memory_set_user_frames(const struct memory_set *set)
{
    return set->mapping.owned_frames;
}

uint64_t memory_set_user_bytes(const struct memory_set *set)
{
    uint64_t bytes = 0;
    for (const struct segment *s = set->segments; s != NULL; s = s->next)
        bytes += s->end.value - s->start.value;
    return bytes;
}

HART_SLOT_CHECK(struct memory_set_hart);

void memory_set_activate(const struct memory_set *set)
{
    /*
     * Interrupts off throughout: `mine` and `me` name this hart, and a
     * preemption in the middle could move the thread to another hart, where
     * it would finish by writing the first hart's record (execve, which
     * calls this with interrupts on, met exactly that on four harts).
     */
    irq_state_t state = irq_save();
    memory_set_activate_irq_off(set);
    irq_restore(state);
}

void memory_set_activate_irq_off(const struct memory_set *set)
{
    struct memory_set_hart *mine = hart_slot(HART_SLOT_MM);
    uint32_t me = 1u << hart_index();
    /* Which harts translate with which set: memory_set_destroy checks it. */
    if (mine->active != NULL)
        __atomic_fetch_and((uint32_t *)&mine->active->active_harts, ~me, __ATOMIC_RELAXED);
    __atomic_fetch_or((uint32_t *)&set->active_harts, me, __ATOMIC_RELAXED);
    /* For the switch (no satp write for the same set) and for fault reports. */
    mine->active = set;
    /* satp, then a flush of the whole TLB: nothing cached from the old table survives. */
    tlb_switch_table(pt_satp(&set->mapping));
}

void memory_set_destroy(struct memory_set *set)
{
    uint32_t active = __atomic_load_n(&set->active_harts, __ATOMIC_RELAXED);
    if (active != 0)
        panic("memory_set_destroy: the set is still active on harts (index mask) 0x%x; switch "
              "them to another set first",
              active);
    /*
     * Leaves first, then the level-0 tables, then the level-1 ones: every
     * table of a user set lies under a segment, so this finds them all without
     * reading a table whole (pt_unmap's pruning would, for each one emptied).
     */
    for (const struct segment *s = set->segments; s != NULL; s = s->next)
        pt_release_leaves(&set->mapping, s->start, s->end.value - s->start.value);
    for (int level = PT_LEVEL_2M; level <= PT_LEVEL_1G; level++) {
        for (const struct segment *s = set->segments; s != NULL; s = s->next)
            pt_release_tables(&set->mapping, s->start, s->end.value - s->start.value, level);
    }
    while (set->segments != NULL) {
        struct segment *segment = set->segments;
        set->segments = segment->next;
        kfree(segment);
    }
    set->segment_count = 0;
    pt_destroy(&set->mapping); /* the root, and anything a broken invariant left behind */
}

int memory_set_init_user(struct memory_set *set)
{
    set->segments = NULL;
    set->segment_count = 0;
    set->frame_limit = MEMORY_SET_USER_FRAMES_MAX;
    set->active_harts = 0;
    set->threads = 0;
    set->had_pages_without_u = false;
    spinlock_init(&set->lock, "memory set");
    set->lock_holder = 0;
    set->lock_depth = 0;
    int error = pt_init(&set->mapping);
    if (error != 0)
        return error;
    pt_share_kernel_half(&set->mapping, &kernel_memory_set.mapping);
    return 0;
}

/*
 * Share every frame `original` maps in [segment) with `copy`: both map it
 * without W and with PTE_COW, and the frame gets one more reference. Walks
 * the table, skipping holes, so a demand-paged segment costs what it uses.
 */
static int share_framed_contents(struct memory_set *copy, struct memory_set *original,
                                 const struct segment *segment)
{
    /* LAB 9 BEGIN: cow_share */
    for (uint64_t va = segment->start.value; va < segment->end.value;) {
        int level;
        pte_t *entry = pt_find_leaf(&original->mapping, vaddr(va), &level);
        if (entry == NULL) {
            va = pt_hole_end(&original->mapping, vaddr(va));
            continue;
        }
        if (level != PT_LEVEL_4K || (*entry & PTE_OWNED) == 0)
            return -EINVAL; /* user memory is 4 KiB pages the set owns */
        pte_t shared = (*entry & ~(uint64_t)PTE_W) | PTE_COW;
        *entry = shared;
        paddr_t frame = ppn_to_paddr(pte_ppn(shared));
        frame_ref(frame);
        int error = pt_map(&copy->mapping, vaddr(va), frame, PT_LEVEL_4K,
                           shared & (PTE_LEAF_BITS | PTE_U | PTE_G | PTE_OWNED | PTE_COW));
        if (error != 0) {
            frame_free(frame); /* the reference copy did not take */
            return error;
        }
        va += PAGE_SIZE;
    }
    return 0;
    /* LAB 9 END: cow_share */
}

static int clone_unlocked(struct memory_set *copy, struct memory_set *original)
{
    /* LAB 4 BEGIN: memory_set_clone */
    int error = memory_set_init_user(copy);
    if (error != 0)
        return error;
    copy->frame_limit = original->frame_limit;
    struct segment **tail = &copy->segments;
    for (const struct segment *s = original->segments; s != NULL && error == 0; s = s->next) {
        struct segment *segment = kzalloc(sizeof(*segment));
        if (segment == NULL) {
            error = -ENOMEM;
            break;
        }
        *segment = *s;
        segment->next = NULL;
        *tail = segment; /* same order as the original's: sorted */
        tail = &segment->next;
        copy->segment_count++;
        if (s->type == MAP_FRAMED)
            error = share_framed_contents(copy, original, s);
        else
            error = pt_map_range(&copy->mapping, s->start, paddr(s->start.value - s->linear_offset),
                                 s->end.value - s->start.value, s->flags);
    }
    /* The original's pages lost W: no hart may keep a writable translation. */
    flush_user_range(original, 0, USER_END);
    if (error != 0)
        memory_set_destroy(copy); /* the original keeps its COW marks: harmless, reused on write */
    return error;
    /* LAB 4 END: memory_set_clone */
}

int memory_set_clone(struct memory_set *copy, struct memory_set *original)
{
    /* The original's other threads (fork from a threaded process) wait while it is copied. */
    memory_set_lock(original);
    int result = clone_unlocked(copy, original);
    if (result == 0)
        copy->had_pages_without_u = original->had_pages_without_u; /* its segments came along */
    memory_set_unlock(original);
    return result;
}

static int memory_set_write_unlocked(struct memory_set *set, uint64_t va, const void *data,
                                     size_t length)
{
    const uint8_t *bytes = data;
    while (length > 0) {
        struct segment *segment = memory_set_find_segment(set, vaddr(va));
        if (segment == NULL)
            return -EFAULT;
        if (segment->type == MAP_FRAMED) {
            int error = make_present(set, segment, page_round_down(va), PTE_W, true);
            if (error != 0)
                return error;
        }
        struct pt_lookup lookup;
        if (!pt_translate(&set->mapping, vaddr(va), &lookup))
            return -EFAULT;
        size_t in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        size_t chunk = length < in_page ? length : in_page;
        memcpy(paddr_to_ptr(lookup.pa), bytes, chunk);
        bytes += chunk;
        va += chunk;
        length -= chunk;
    }
    return 0;
}

int memory_set_write(struct memory_set *set, uint64_t va, const void *data, size_t length)
{
    memory_set_lock(set);
    int result = memory_set_write_unlocked(set, va, data, length);
    memory_set_unlock(set);
    return result;
}

void memory_set_print(const struct memory_set *set)
{
    for (const struct segment *s = set->segments; s != NULL; s = s->next) {
        char flags[8];
        kprintf("    %p-%p %s %s %s\n", (void *)s->start.value, (void *)s->end.value,
                pte_flags_string(s->flags, flags), s->type == MAP_LINEAR ? "linear" : "framed",
                s->name);
    }
}

uint64_t memory_set_describe_address(const struct memory_set *set, vaddr_t va)
{
    struct pt_lookup lookup;
    char flags[8];
    uint64_t leaf_flags = 0;
    if (pt_translate(&set->mapping, va, &lookup)) {
        kprintf("  page:    mapped to physical %p, flags %s, %lu KiB page\n",
                (void *)lookup.pa.value, pte_flags_string(lookup.flags, flags),
                pt_level_size(lookup.level) >> 10);
        leaf_flags = lookup.flags | PTE_V;
    } else {
        kprintf("  page:    not mapped\n");
    }
    const struct segment *segment = memory_set_find_segment(set, va);
    if (segment != NULL)
        kprintf("  segment: %s [%p, %p) %s\n", segment->name, (void *)segment->start.value,
                (void *)segment->end.value, pte_flags_string(segment->flags, flags));
    else
        kprintf("  segment: none (the address is in no segment)\n");
    return leaf_flags;
}

/* ---- The kernel's own set ---------------------------------------------------- */

static void add_kernel_segment(const char *name, uint64_t start, uint64_t end, uint64_t flags)
{
    int error =
        memory_set_add_segment(&kernel_memory_set, name, vaddr(start), vaddr(end), flags | PTE_G,
                               MAP_LINEAR, paddr(start - KERNEL_OFFSET), NULL, 0);
    if (error != 0)
        panic("kernel memory set: cannot map %s [%p, %p): error %d", name, (void *)start,
              (void *)end, error);
}

/*
 * The physical window: every RAM range, minus the kernel image (mapped per
 * section above) and the 2 MiB below it where OpenSBI lives (PMP-protected
 * from S-mode; not mapping it turns a stray access into a clear page fault).
 */
static void add_physical_window(void)
{
    uint64_t image_start = (uint64_t)kernel_start - KERNEL_OFFSET;
    uint64_t image_end = (uint64_t)kernel_end - KERNEL_OFFSET;
    uint64_t base;
    uint64_t size;
    for (int i = 0; devicetree_memory_range(i, &base, &size); i++) {
        uint64_t start = page_round_up(base);
        uint64_t end = page_round_down(base + size);
        if (end > PHYS_WINDOW_LIMIT)
            end = PHYS_WINDOW_LIMIT; /* no window address beyond it (arch/layout.h) */
        if (image_start >= start && image_start < end) {
            start = image_end; /* firmware below the image, the image itself: not here */
        }
        if (start < end)
            add_kernel_segment("physical window", start + KERNEL_OFFSET, end + KERNEL_OFFSET,
                               PTE_R | PTE_W);
    }
}

/* Device registers: only for devices the device tree lists and this kernel drives. */
static void add_devices(void)
{
    static const char *const compatibles[] = {
        "ns16550a",     "riscv,plic0", "sifive,plic-1.0.0",
        "sifive,test0", "virtio,mmio", "google,goldfish-rtc",
    };
    const struct fdt *fdt = devicetree_get();
    for (size_t i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]); i++) {
        for (int node = fdt_node_by_compatible(fdt, -1, compatibles[i]); node >= 0;
             node = fdt_node_by_compatible(fdt, node, compatibles[i])) {
            uint64_t base;
            uint64_t size;
            if (fdt_reg(fdt, node, 0, &base, &size) != 0 || size == 0)
                continue;
            uint64_t start = page_round_down(base) + KERNEL_OFFSET;
            uint64_t end = page_round_up(base + size) + KERNEL_OFFSET;
            if (memory_set_find_segment(&kernel_memory_set, vaddr(start)) != NULL)
                continue; /* a node listed under two compatibles */
            add_kernel_segment(fdt_node_name(fdt, node), start, end, PTE_R | PTE_W);
        }
    }
}

void memory_set_init_kernel(void)
{
    kernel_memory_set.segments = NULL;
    if (pt_init(&kernel_memory_set.mapping) != 0)
        panic("kernel memory set: no frame for the root page table");

    add_kernel_segment("text", (uint64_t)text_start, (uint64_t)text_end, PTE_R | PTE_X);
    add_kernel_segment("rodata", (uint64_t)rodata_start, (uint64_t)rodata_end, PTE_R);
    add_kernel_segment("data+bss", (uint64_t)data_start, (uint64_t)bss_end, PTE_R | PTE_W);
    add_kernel_segment("ksyms", (uint64_t)ksyms_start, (uint64_t)ksyms_end, PTE_R);
    add_physical_window();
    add_devices();
    kstack_init_region(&kernel_memory_set);

    memory_set_activate(&kernel_memory_set);
    /* Retired: nothing translates through it any more, and zeroing it proves so. */
    memset(boot_page_table, 0, sizeof(pte_t) * PT_ENTRIES);
    sfence_vma_all();

    log_info("mm: kernel memory set active (satp %lx), boot page table retired; segments:",
             pt_satp(&kernel_memory_set.mapping));
    memory_set_print(&kernel_memory_set);
}
