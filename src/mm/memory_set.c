/*
 * memory_set.c: MemorySets, their Segments, and the kernel's own set.
 */
#include "mm/memory_set.h"

#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/kstack.h"
#include "mm/tlb.h"

struct memory_set kernel_memory_set;

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
            pt_map(&set->mapping, vaddr(va), frame, PT_LEVEL_4K, segment->flags | PTE_OWNED);
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

int memory_set_add_segment(struct memory_set *set, const char *name, vaddr_t start, vaddr_t end,
                           uint64_t flags, enum map_type type, paddr_t pa_start, const void *data,
                           size_t data_length)
{
    if ((start.value | end.value) & (PAGE_SIZE - 1) || start.value >= end.value)
        return -EINVAL;
    if ((flags & PTE_LEAF_BITS) == 0 || ((flags & PTE_W) && (flags & PTE_X)))
        return -EINVAL; /* every segment is readable or executable, and never W and X */
    for (struct segment *s = set->segments; s != NULL; s = s->next) {
        if (ranges_overlap(start, end, s->start, s->end))
            return -EINVAL;
    }
    struct segment *segment = kzalloc(sizeof(*segment));
    if (segment == NULL)
        return -ENOMEM;
    segment->name = name;
    segment->start = start;
    segment->end = end;
    segment->flags = flags;
    segment->type = type;

    int error;
    if (type == MAP_LINEAR) {
        segment->linear_offset = start.value - pa_start.value;
        error = pt_map_range(&set->mapping, start, pa_start, end.value - start.value, flags);
    } else {
        error = map_framed(set, segment, data, data_length);
    }
    if (error != 0) {
        kfree(segment);
        return error;
    }
    insert_sorted(set, segment);
    return 0;
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
        return 0;
    }
    return -ENOENT;
}

int memory_set_extend_segment(struct memory_set *set, struct segment *segment, vaddr_t new_end)
{
    if (segment->type != MAP_FRAMED || (new_end.value & (PAGE_SIZE - 1)) != 0 ||
        new_end.value <= segment->end.value)
        return -EINVAL;
    if (segment->next != NULL && segment->next->start.value < new_end.value)
        return -EINVAL; /* would run into the next segment */
    int error = map_framed_range(set, segment, segment->end.value, new_end.value, NULL, 0);
    if (error == 0)
        segment->end = new_end;
    return error;
}

int memory_set_unmap_range(struct memory_set *set, vaddr_t start, vaddr_t end)
{
    check_only_here(set, "memory_set_unmap_range");
    if (((start.value | end.value) & (PAGE_SIZE - 1)) != 0 || start.value >= end.value)
        return -EINVAL;
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
            struct segment *upper = kzalloc(sizeof(*upper));
            if (upper == NULL)
                return -ENOMEM;
            *upper = *s;
            upper->start = vaddr(cut_end);
            s->end = vaddr(cut_start);
            upper->next = s->next;
            s->next = upper;
        } else if (cut_start > s->start.value) {
            s->end = vaddr(cut_start); /* the top goes */
        } else if (cut_end < s->end.value) {
            s->start = vaddr(cut_end); /* the bottom goes */
        } else {
            *link = s->next; /* all of it goes */
            pt_unmap_range(&set->mapping, vaddr(cut_start), cut_end - cut_start);
            kfree(s);
            continue;
        }
        pt_unmap_range(&set->mapping, vaddr(cut_start), cut_end - cut_start);
        link = &(*link)->next;
    }
    return 0;
}

struct segment *memory_set_find_segment(const struct memory_set *set, vaddr_t va)
{
    for (struct segment *s = set->segments; s != NULL; s = s->next) {
        if (va.value >= s->start.value && va.value < s->end.value)
            return s;
    }
    return NULL;
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
    while (set->segments != NULL)
        memory_set_remove_segment(set, set->segments->start);
    pt_destroy(&set->mapping);
}

int memory_set_init_user(struct memory_set *set)
{
    set->segments = NULL;
    set->active_harts = 0;
    int error = pt_init(&set->mapping);
    if (error != 0)
        return error;
    pt_share_kernel_half(&set->mapping, &kernel_memory_set.mapping);
    return 0;
}

/* Copy a FRAMED segment's bytes page by page from `original` into `copy`. */
static void copy_framed_contents(struct memory_set *copy, const struct memory_set *original,
                                 const struct segment *segment)
{
    for (uint64_t va = segment->start.value; va < segment->end.value; va += PAGE_SIZE) {
        struct pt_lookup from;
        struct pt_lookup to;
        if (pt_translate(&original->mapping, vaddr(va), &from) &&
            pt_translate(&copy->mapping, vaddr(va), &to))
            memcpy(paddr_to_ptr(to.pa), paddr_to_ptr(from.pa), PAGE_SIZE);
    }
}

int memory_set_clone(struct memory_set *copy, const struct memory_set *original)
{
    /* LAB 4 BEGIN: memory_set_clone */
    int error = memory_set_init_user(copy);
    if (error != 0)
        return error;
    for (const struct segment *s = original->segments; s != NULL; s = s->next) {
        paddr_t pa = paddr(s->start.value - s->linear_offset);
        error =
            memory_set_add_segment(copy, s->name, s->start, s->end, s->flags, s->type, pa, NULL, 0);
        if (error != 0) {
            memory_set_destroy(copy);
            return error;
        }
        if (s->type == MAP_FRAMED)
            copy_framed_contents(copy, original, s);
    }
    return 0;
    /* LAB 4 END: memory_set_clone */
}

int memory_set_write(const struct memory_set *set, uint64_t va, const void *data, size_t length)
{
    const uint8_t *bytes = data;
    while (length > 0) {
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
