/*
 * pagetable.c: walking, mapping and unmapping in Sv39 page tables.
 *
 * Tables live in frames from the frame allocator and are touched through
 * the kernel window (paddr_to_ptr). Every change to a table the hart is using
 * is followed by an sfence.vma for just that address, so the TLB never keeps
 * a stale translation and the rest of it survives.
 */
#include "mm/pagetable.h"

#include <stddef.h>

#include "abi/errno.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/frame.h"

static pte_t *table_at(paddr_t pa)
{
    return (pte_t *)paddr_to_ptr(pa);
}

int pt_init(struct mapping *mapping)
{
    paddr_t root = frame_alloc_zeroed();
    if (paddr_is_null(root))
        return -ENOMEM;
    mapping->root = root;
    mapping->table_frames = 1;
    mapping->owned_frames = 0;
    return 0;
}

bool pt_is_active(const struct mapping *mapping)
{
    return csr_read(satp) == pt_satp(mapping);
}

/*
 * Flush one address from this hart's TLB when the change can matter: the
 * table is the live one, or the address is in the kernel half, whose lower
 * tables every address space shares (so it is live whatever satp holds).
 */
static void flush_if_active(const struct mapping *mapping, vaddr_t va)
{
    bool kernel_half = (va.value >> 63) != 0;
    if (kernel_half || pt_is_active(mapping))
        sfence_vma_addr(va.value);
}

pte_t *pt_walk(struct mapping *mapping, vaddr_t va, int level, bool create)
{
    pte_t *table = table_at(mapping->root);
    for (int current = PT_LEVELS - 1; current > level; current--) {
        pte_t *entry = &table[pt_index(va, current)];
        if (pte_is_leaf(*entry))
            return NULL; /* a larger page already maps this address */
        if (!pte_valid(*entry)) {
            if (!create)
                return NULL;
            paddr_t frame = frame_alloc_zeroed();
            if (paddr_is_null(frame))
                return NULL;
            mapping->table_frames++;
            /* V alone (no R/W/X) means "pointer to the next level". */
            *entry = pte_make(paddr_to_ppn(frame), PTE_V);
        }
        table = table_at(ppn_to_paddr(pte_ppn(*entry)));
    }
    return &table[pt_index(va, level)];
}

int pt_map(struct mapping *mapping, vaddr_t va, paddr_t pa, int level, uint64_t flags)
{
    uint64_t size = pt_level_size(level);
    if (level < 0 || level >= PT_LEVELS || (va.value & (size - 1)) != 0 ||
        (pa.value & (size - 1)) != 0 || !sv39_canonical(va.value))
        return -EINVAL;
    if ((flags & PTE_LEAF_BITS) == 0)
        return -EINVAL; /* a leaf needs at least one of R, W, X */
    if ((flags & (PTE_W | PTE_R)) == PTE_W)
        return -EINVAL; /* W without R is reserved by the spec */
    pte_t *entry = pt_walk(mapping, va, level, true);
    if (entry == NULL) {
        /* Either memory ran out or a bigger page is in the way. */
        struct pt_lookup existing;
        return pt_translate(mapping, va, &existing) ? -EEXIST : -ENOMEM;
    }
    if (pte_valid(*entry))
        return -EEXIST;
    /*
     * A and D are set up front: the hardware may either set them itself or
     * fault when they are clear, and this kernel does not track them.
     */
    *entry = pte_make(paddr_to_ppn(pa), flags | PTE_V | PTE_A | PTE_D);
    if (flags & PTE_OWNED)
        mapping->owned_frames += size / PAGE_SIZE;
    flush_if_active(mapping, va);
    return 0;
}

/* The largest page size that fits at va/pa with `left` bytes to go. */
static int largest_level(uint64_t va, uint64_t pa, uint64_t left)
{
    for (int level = PT_LEVEL_1G; level > PT_LEVEL_4K; level--) {
        uint64_t size = pt_level_size(level);
        if ((va & (size - 1)) == 0 && (pa & (size - 1)) == 0 && left >= size)
            return level;
    }
    return PT_LEVEL_4K;
}

int pt_map_range(struct mapping *mapping, vaddr_t va, paddr_t pa, uint64_t size, uint64_t flags)
{
    if ((va.value | pa.value | size) & (PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t done = 0;
    while (done < size) {
        int level = largest_level(va.value + done, pa.value + done, size - done);
        int error = pt_map(mapping, vaddr(va.value + done), paddr(pa.value + done), level, flags);
        if (error != 0) {
            /* Undo what this call mapped, so a failure leaves nothing behind. */
            pt_unmap_range(mapping, va, done);
            return error;
        }
        done += pt_level_size(level);
    }
    return 0;
}

/*
 * Find the leaf for va: its entry and level, or NULL. When `path` is given,
 * path[level] receives the entry at each level walked (for pruning).
 */
static pte_t *find_leaf_path(const struct mapping *mapping, vaddr_t va, int *level_out,
                             pte_t **path)
{
    pte_t *table = table_at(mapping->root);
    for (int level = PT_LEVELS - 1; level >= 0; level--) {
        pte_t *entry = &table[pt_index(va, level)];
        if (path != NULL)
            path[level] = entry;
        if (!pte_valid(*entry))
            return NULL;
        if (pte_is_leaf(*entry)) {
            *level_out = level;
            return entry;
        }
        if (level == 0)
            return NULL; /* a pointer at level 0 is malformed */
        table = table_at(ppn_to_paddr(pte_ppn(*entry)));
    }
    return NULL;
}

static pte_t *find_leaf(const struct mapping *mapping, vaddr_t va, int *level_out)
{
    return find_leaf_path(mapping, va, level_out, NULL);
}

pte_t *pt_find_leaf(const struct mapping *mapping, vaddr_t va, int *level)
{
    return find_leaf(mapping, va, level);
}

uint64_t pt_hole_end(const struct mapping *mapping, vaddr_t va)
{
    pte_t *table = table_at(mapping->root);
    for (int level = PT_LEVELS - 1; level >= 0; level--) {
        pte_t entry = table[pt_index(va, level)];
        uint64_t size = pt_level_size(level);
        if (!pte_valid(entry) || pte_is_leaf(entry) || level == 0) {
            uint64_t end = (va.value & ~(size - 1)) + size;
            return end > va.value ? end : UINT64_MAX; /* no wrap at the top */
        }
        table = table_at(ppn_to_paddr(pte_ppn(entry)));
    }
    return va.value + PAGE_SIZE;
}

static bool table_is_empty(const pte_t *table)
{
    for (int i = 0; i < PT_ENTRIES; i++) {
        if (table[i] != 0)
            return false;
    }
    return true;
}

/*
 * After a leaf at `leaf_level` went, free tables left empty on the way up.
 * The root is never freed here, and no table of the kernel half is: user
 * address spaces hold copies of the root entries pointing at its level-1
 * tables, and every hart may have cached the pointers to its level-0
 * tables while it walked (the kernel half is everyone's). Keeping those
 * tables means a flush by address is always enough in the kernel half.
 * (The kernel stack region needs 32 of them at most, 128 KiB.)
 */
static void prune_empty_tables(struct mapping *mapping, vaddr_t va, int leaf_level, pte_t **path)
{
    bool kernel_half = (va.value >> 63) != 0;
    if (kernel_half)
        return;
    for (int level = leaf_level + 1; level < PT_LEVELS; level++) {
        pte_t *pointer = path[level]; /* the entry at `level` pointing at the emptied table */
        paddr_t table = ppn_to_paddr(pte_ppn(*pointer));
        if (!table_is_empty(table_at(table)))
            return;
        *pointer = 0;
        /* A pointer entry went: sfence.vma by address need not flush the walk's cached ones. */
        if (pt_is_active(mapping))
            sfence_vma_all();
        frame_free(table);
        mapping->table_frames--;
    }
}

bool pt_translate(const struct mapping *mapping, vaddr_t va, struct pt_lookup *lookup)
{
    /* LAB 4 BEGIN: pt_translate */
    int level = 0;
    pte_t *entry = find_leaf(mapping, va, &level);
    if (entry == NULL)
        return false;
    uint64_t offset = va.value & (pt_level_size(level) - 1);
    lookup->pa = paddr(ppn_to_paddr(pte_ppn(*entry)).value + offset);
    lookup->flags = *entry & PTE_FLAG_MASK;
    lookup->level = level;
    return true;
    /* LAB 4 END: pt_translate */
}

int pt_unmap(struct mapping *mapping, vaddr_t va, struct pt_lookup *lookup)
{
    /* LAB 4 BEGIN: pt_unmap */
    int level = 0;
    pte_t *path[PT_LEVELS];
    pte_t *entry = find_leaf_path(mapping, va, &level, path);
    if (entry == NULL)
        return -ENOENT;
    pte_t old = *entry;
    *entry = 0;
    vaddr_t page = vaddr(va.value & ~(pt_level_size(level) - 1));
    flush_if_active(mapping, page);
    prune_empty_tables(mapping, page, level, path);
    paddr_t pa = ppn_to_paddr(pte_ppn(old));
    if (old & PTE_OWNED) {
        uint64_t frames = pt_level_size(level) / PAGE_SIZE;
        mapping->owned_frames -= frames;
        if (level == PT_LEVEL_4K)
            frame_free(pa);
        else
            frame_free_contiguous(pa, 9 * (unsigned)level);
    }
    if (lookup != NULL) {
        lookup->pa = pa;
        lookup->flags = old & PTE_FLAG_MASK;
        lookup->level = level;
    }
    return 0;
    /* LAB 4 END: pt_unmap */
}

uint64_t pt_unmap_range(struct mapping *mapping, vaddr_t va, uint64_t size)
{
    uint64_t removed = 0;
    uint64_t offset = 0;
    while (offset < size) {
        struct pt_lookup lookup;
        if (pt_unmap(mapping, vaddr(va.value + offset), &lookup) == 0) {
            removed++;
            offset += pt_level_size(lookup.level);
        } else {
            /* A whole missing table is skipped at once: munmap of a sparse GiB stays cheap. */
            uint64_t next = pt_hole_end(mapping, vaddr(va.value + offset));
            offset = next - va.value;
        }
    }
    return removed;
}

/* Free the owned frame (or block) a leaf at `level` maps. */
static void free_owned(struct mapping *mapping, pte_t entry, int level)
{
    paddr_t pa = ppn_to_paddr(pte_ppn(entry));
    if (level == PT_LEVEL_4K)
        frame_free(pa);
    else
        frame_free_contiguous(pa, 9 * (unsigned)level);
    mapping->owned_frames -= pt_level_size(level) / PAGE_SIZE;
}

void pt_release_leaves(struct mapping *mapping, vaddr_t va, uint64_t size)
{
    uint64_t end = va.value + size;
    for (uint64_t at = va.value; at < end && at >= va.value;) {
        int level;
        pte_t *entry = find_leaf(mapping, vaddr(at), &level);
        if (entry == NULL) {
            at = pt_hole_end(mapping, vaddr(at));
            continue;
        }
        if (*entry & PTE_OWNED)
            free_owned(mapping, *entry, level);
        *entry = 0;
        at = (at & ~(pt_level_size(level) - 1)) + pt_level_size(level);
    }
}

void pt_release_tables(struct mapping *mapping, vaddr_t va, uint64_t size, int level)
{
    if ((va.value >> 63) != 0 || level < PT_LEVEL_2M || level > PT_LEVEL_1G)
        return; /* the kernel half's tables are everyone's */
    uint64_t end = va.value + size;
    uint64_t gigabyte = pt_level_size(PT_LEVEL_1G);
    uint64_t megabytes = pt_level_size(PT_LEVEL_2M);
    pte_t *root = table_at(mapping->root);
    for (uint64_t giga = va.value & ~(gigabyte - 1); giga < end; giga += gigabyte) {
        pte_t *pointer = &root[pt_index(vaddr(giga), PT_LEVEL_1G)];
        if (!pte_valid(*pointer) || pte_is_leaf(*pointer) || (*pointer & PTE_SHARED))
            continue;
        if (level == PT_LEVEL_1G) {
            frame_free(ppn_to_paddr(pte_ppn(*pointer)));
            mapping->table_frames--;
            *pointer = 0;
            continue;
        }
        pte_t *middle = table_at(ppn_to_paddr(pte_ppn(*pointer)));
        uint64_t from = giga > va.value ? giga : va.value & ~(megabytes - 1);
        uint64_t to = giga + gigabyte < end ? giga + gigabyte : end;
        for (uint64_t mega = from; mega < to; mega += megabytes) {
            pte_t *entry = &middle[pt_index(vaddr(mega), PT_LEVEL_2M)];
            if (pte_valid(*entry) && !pte_is_leaf(*entry)) {
                frame_free(ppn_to_paddr(pte_ppn(*entry)));
                mapping->table_frames--;
                *entry = 0;
            }
        }
    }
}

int pt_protect(struct mapping *mapping, vaddr_t va, uint64_t flags)
{
    /* LAB 4 BEGIN: pt_protect */
    int level = 0;
    pte_t *entry = find_leaf(mapping, va, &level);
    if (entry == NULL)
        return -ENOENT;
    if ((flags & PTE_LEAF_BITS) == 0 || (flags & (PTE_W | PTE_R)) == PTE_W)
        return -EINVAL;
    const uint64_t changeable = PTE_R | PTE_W | PTE_X | PTE_U | PTE_G;
    *entry = (*entry & ~changeable) | (flags & changeable);
    flush_if_active(mapping, vaddr(va.value & ~(pt_level_size(level) - 1)));
    return 0;
    /* LAB 4 END: pt_protect */
}

/* Free the tables below `table` (at `level`) and the owned frames they map. */
static void destroy_level(struct mapping *mapping, pte_t *table, int level)
{
    for (int i = 0; i < PT_ENTRIES; i++) {
        /* Eight empty entries at a time: most of a table is, after pt_release_*. */
        if ((i & 7) == 0 && (table[i] | table[i + 1] | table[i + 2] | table[i + 3] | table[i + 4] |
                             table[i + 5] | table[i + 6] | table[i + 7]) == 0) {
            i += 7;
            continue;
        }
        pte_t entry = table[i];
        /* Bit 9 on a pointer: the kernel half's tables, not ours (on a leaf it is PTE_COW). */
        if (!pte_valid(entry) || (!pte_is_leaf(entry) && (entry & PTE_SHARED)))
            continue;
        paddr_t pa = ppn_to_paddr(pte_ppn(entry));
        if (pte_is_leaf(entry)) {
            if (entry & PTE_OWNED) {
                if (level == PT_LEVEL_4K)
                    frame_free(pa);
                else
                    frame_free_contiguous(pa, 9 * (unsigned)level);
                mapping->owned_frames -= pt_level_size(level) / PAGE_SIZE;
            }
        } else if (level > 0) {
            destroy_level(mapping, table_at(pa), level - 1);
            frame_free(pa);
            mapping->table_frames--;
        }
        table[i] = 0;
    }
}

void pt_destroy(struct mapping *mapping)
{
    if (paddr_is_null(mapping->root))
        return;
    destroy_level(mapping, table_at(mapping->root), PT_LEVELS - 1);
    frame_free(mapping->root);
    mapping->table_frames--;
    mapping->root = paddr(0);
}

void pt_share_kernel_half(struct mapping *mapping, const struct mapping *kernel)
{
    pte_t *mine = table_at(mapping->root);
    const pte_t *theirs = table_at(kernel->root);
    /* Root indices 256..511 cover the upper (kernel) half of the Sv39 space. */
    for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++) {
        if (pte_valid(theirs[i]))
            mine[i] = theirs[i] | PTE_SHARED;
        else
            mine[i] = 0;
    }
}

int pt_prepare_kernel_range(struct mapping *mapping, vaddr_t start, vaddr_t end)
{
    uint64_t gigabyte = pt_level_size(PT_LEVEL_1G);
    for (uint64_t va = start.value & ~(gigabyte - 1); va < end.value; va += gigabyte) {
        /* Asking for the level-1 entry creates the level-1 table under the root. */
        if (pt_walk(mapping, vaddr(va), PT_LEVEL_2M, true) == NULL)
            return -ENOMEM;
        if (va + gigabyte < va)
            break; /* wrapped past the top of the address space */
    }
    return 0;
}

const char *pte_flags_string(uint64_t flags, char *buf)
{
    buf[0] = (flags & PTE_R) ? 'R' : '-';
    buf[1] = (flags & PTE_W) ? 'W' : '-';
    buf[2] = (flags & PTE_X) ? 'X' : '-';
    buf[3] = (flags & PTE_U) ? 'U' : '-';
    buf[4] = (flags & PTE_G) ? 'G' : '-';
    buf[5] = '\0';
    return buf;
}
