/*
 * sys_memory.c: brk, mmap, munmap and mprotect: a process asks for memory.
 *
 * The program break is the end of the heap segment, which starts at the
 * page above the program's last segment (loader.c sets brk_start). brk
 * follows Linux: it returns the new break, or the old one when it cannot
 * move (that is how malloc in user/lib learns it is out of memory). It
 * grows only into pages no segment holds: a mapping the program placed at
 * the break is never taken over.
 *
 * mmap gives anonymous private memory only (there are no files): pages in
 * a gap found from USER_MMAP_BASE upward, below the stack's area, or
 * exactly at the address given with MAP_FIXED. munmap and mprotect work on
 * any page range of any mapping, splitting it where they must.
 *
 * Nothing here takes a frame: every segment is demand-zero (mm/memory_set.h).
 * What a process may reserve is bounded by MEMORY_SET_USER_BYTES_MAX (its
 * address space); what it may hold, by its set's frame_limit, checked at
 * each fault.
 */
#include "abi/errno.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "exec/loader.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "exec/exec.h"

#include "abi/mman.h"
#include "abi/sched.h"
#include "abi/signal.h"
#include "abi/time.h"
#include "abi/wait.h"

/* Would `extra` more bytes of segments pass the limit of the address space? */
static bool over_limit(const struct memory_set *set, uint64_t extra)
{
    return extra > MEMORY_SET_USER_BYTES_MAX ||
           memory_set_user_bytes(set) + extra > MEMORY_SET_USER_BYTES_MAX;
}

/* PROT_* to segment flags. PROT_WRITE alone reads too: RISC-V has no write-only pages. */
static uint64_t prot_flags(uint64_t prot)
{
    uint64_t pte = PTE_U;
    if (prot & (PROT_READ | PROT_WRITE))
        pte |= PTE_R;
    if (prot & PROT_WRITE)
        pte |= PTE_W;
    if (prot & PROT_EXEC)
        pte |= PTE_X;
    return pte;
}

static long brk_unlocked(struct context *context)
{
    /* LAB 7 BEGIN: sys_brk */
    uint64_t address = syscall_arg(context, 0);
    struct process *process = process_current();
    struct memory_set *set = process->memory_set;
    uint64_t old_end = page_round_up(process->brk);
    if (address < process->brk_start || address >= USER_MMAP_BASE)
        return (long)process->brk; /* a query (brk(0)) or out of range: unchanged */
    uint64_t new_end = page_round_up(address);
    if (new_end > old_end) {
        if (over_limit(set, new_end - old_end))
            return (long)process->brk;
        /* Only pages nothing holds: never a mapping the program placed at the break. */
        if (!memory_set_range_free(set, vaddr(old_end), vaddr(new_end)))
            return (long)process->brk;
        int error;
        struct segment *heap = old_end > process->brk_start
                                   ? memory_set_find_segment(set, vaddr(old_end - PAGE_SIZE))
                                   : NULL;
        if (heap != NULL && heap->kind == SEGMENT_HEAP && heap->end.value == old_end) {
            error = memory_set_extend_segment(set, heap, vaddr(new_end));
        } else {
            error = memory_set_add_segment(set, "heap", vaddr(old_end), vaddr(new_end),
                                           PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0);
            if (error == 0)
                memory_set_find_segment(set, vaddr(old_end))->kind = SEGMENT_HEAP;
        }
        if (error != 0)
            return (long)process->brk;
    } else if (new_end < old_end) {
        if (memory_set_unmap_range(set, vaddr(new_end), vaddr(old_end)) != 0)
            return (long)process->brk;
    }
    process->brk = address;
    return (long)address;
    /* LAB 7 END: sys_brk */
}

/* Threads share the set: the brk's look for room and its change are one step (memory_set_lock). */
long sys_brk(struct context *context)
{
    struct memory_set *set = process_current()->memory_set;
    memory_set_lock(set);
    long result = brk_unlocked(context);
    memory_set_unlock(set);
    return result;
}

/* The lowest gap of `length` bytes at or above USER_MMAP_BASE, below the stack's area. */
static uint64_t find_gap(const struct memory_set *set, uint64_t length)
{
    /* LAB 7 BEGIN: mmap_find_gap */
    uint64_t limit =
        USER_STACK_AREA_BOTTOM; /* the stack may grow to here, and its gap stays free */
    uint64_t candidate = USER_MMAP_BASE;
    for (const struct segment *s = set->segments; s != NULL; s = s->next) {
        if (s->end.value <= candidate)
            continue;
        if (s->start.value >= candidate + length)
            break; /* the gap before s is big enough */
        candidate = s->end.value;
    }
    return candidate + length <= limit ? candidate : 0;
    /* LAB 7 END: mmap_find_gap */
}

static long mmap_unlocked(struct context *context)
{
    /* LAB 7 BEGIN: sys_mmap */
    uint64_t address = syscall_arg(context, 0);
    uint64_t length = syscall_arg(context, 1);
    uint64_t prot = syscall_arg(context, 2);
    uint64_t flags = syscall_arg(context, 3);
    uint64_t fd = syscall_arg(context, 4);
    uint64_t offset = syscall_arg(context, 5);
    if (length == 0 || length > USER_END)
        return -EINVAL;
    if ((flags & (MAP_PRIVATE | MAP_ANONYMOUS)) != (MAP_PRIVATE | MAP_ANONYMOUS) ||
        (int64_t)fd != -1 || offset != 0)
        return -EINVAL; /* no files: only anonymous private memory */
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
        return -EACCES; /* W^X holds in user space too */
    if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    uint64_t pte = prot_flags(prot); /* PROT_NONE: PTE_U alone, a segment nobody may touch */
    struct memory_set *set = process_current()->memory_set;
    length = page_round_up(length);
    if (over_limit(set, length))
        return -ENOMEM;
    uint64_t start;
    if (flags & MAP_FIXED) {
        /* Exactly there, replacing whatever was mapped: Linux's MAP_FIXED. */
        if ((address & (PAGE_SIZE - 1)) != 0 || address < PAGE_SIZE || address >= USER_END ||
            length > USER_END - address)
            return -EINVAL;
        int error = memory_set_unmap_range(set, vaddr(address), vaddr(address + length));
        if (error != 0)
            return error;
        start = address;
    } else {
        /* The address is only a hint, and the kernel picks the place. */
        start = find_gap(set, length);
        if (start == 0)
            return -ENOMEM;
    }
    int error = memory_set_add_segment(set, "mmap", vaddr(start), vaddr(start + length), pte,
                                       MAP_FRAMED, paddr(0), NULL, 0);
    return error != 0 ? error : (long)start;
    /* LAB 7 END: sys_mmap */
}

/* Threads share the set: the mmap's look for room and its change are one step (memory_set_lock). */
long sys_mmap(struct context *context)
{
    struct memory_set *set = process_current()->memory_set;
    memory_set_lock(set);
    long result = mmap_unlocked(context);
    memory_set_unlock(set);
    return result;
}

long sys_munmap(struct context *context)
{
    /* LAB 7 BEGIN: sys_munmap */
    uint64_t address = syscall_arg(context, 0);
    uint64_t length = syscall_arg(context, 1);
    if ((address & (PAGE_SIZE - 1)) != 0 || length == 0 || address >= USER_END ||
        length > USER_END - address)
        return -EINVAL;
    uint64_t end = page_round_up(address + length);
    return memory_set_unmap_range(process_current()->memory_set, vaddr(address), vaddr(end));
    /* LAB 7 END: sys_munmap */
}

long sys_mprotect(struct context *context)
{
    uint64_t address = syscall_arg(context, 0);
    uint64_t length = syscall_arg(context, 1);
    uint64_t prot = syscall_arg(context, 2);
    if ((address & (PAGE_SIZE - 1)) != 0 || address >= USER_END || length > USER_END - address)
        return -EINVAL;
    if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
        return -EACCES; /* as mmap: W^X */
    if (length == 0)
        return 0;
    uint64_t end = page_round_up(address + length);
    return memory_set_protect_range(process_current()->memory_set, vaddr(address), vaddr(end),
                                    prot_flags(prot));
}
