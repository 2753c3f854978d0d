/*
 * uaccess.c: checked copies to and from user memory. See uaccess.h.
 */
#include "mm/uaccess.h"

#include "abi/errno.h"
#include "arch/cause.h"
#include "arch/context.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "mm/memory_set.h"
#include "mm/pagetable.h"

/*
 * Does the page that holds `address` allow a user access of kind `access`?
 * The page table is what the hardware will use during the copy, so it is
 * what is checked: valid, U, and R or W as asked. A page that is not there
 * yet (demand-zero, the stack's next page) or not writable yet (copy-on-write)
 * is made so first, exactly as the program's own access would: the copy
 * then never faults. PROT_NONE pages have no U, and their segment refuses.
 */
static bool user_page_ok(const struct memory_set *set, uint64_t address, uint64_t access)
{
    struct pt_lookup lookup;
    if (pt_translate(&set->mapping, vaddr(address), &lookup) && (lookup.flags & PTE_U) != 0 &&
        (lookup.flags & access) == access)
        return true;
    /*
     * The set is the caller's own, and only its thread changes it; resolving a
     * fault changes its table, not what the program sees in it (hence the cast).
     */
    if (memory_set_handle_fault((struct memory_set *)set, address, access) != 0)
        return false;
    return pt_translate(&set->mapping, vaddr(address), &lookup) && (lookup.flags & PTE_U) != 0 &&
           (lookup.flags & access) == access;
}

bool user_range_in_user_half(uint64_t address, size_t length)
{
    /* LAB 7 BEGIN: user_range_in_user_half */
    if (length == 0)
        return true;
    /* The whole range below USER_END, without wrapping around. */
    return address < USER_END && length <= USER_END - address;
    /* LAB 7 END: user_range_in_user_half */
}

bool user_range_ok(const struct memory_set *set, uint64_t address, size_t length, uint64_t access)
{
    /* LAB 7 BEGIN: user_range_ok */
    if (length == 0)
        return true;
    if (!user_range_in_user_half(address, length))
        return false;
    for (uint64_t page = page_round_down(address); page < address + length; page += PAGE_SIZE) {
        if (!user_page_ok(set, page, access))
            return false;
    }
    return true;
    /* LAB 7 END: user_range_ok */
}

/* uaccess_copy.S: the copy that may fault; uaccess_fault below is its other half. */
extern size_t uaccess_copy(void *to, const void *from, size_t length, const struct memory_set *set);
extern char uaccess_copy_end[], uaccess_copy_failed[];

/*
 * The copies do not walk the page table first: they copy with SUM set and
 * let the MMU check each page, as the program's own loads and stores would
 * be checked. A page the program could touch but that is not there yet
 * faults, and uaccess_fault resolves it; any other fault ends the copy
 * with -EFAULT. Two things the MMU cannot see are checked here: the range
 * must lie in the user half (the kernel half is mapped too, without U), and
 * in a set that has held pages without U in its user half (PROT_NONE
 * memory: it lacks U, not R) the walk runs first, since the kernel may
 * touch such pages with no fault at all.
 *
 * Under the set's lock when another thread shares the set (the wrappers
 * below): that thread, on another hart, cannot unmap the range mid-copy.
 */
static inline __attribute__((always_inline)) int copy_from_user_locked(const struct memory_set *set,
                                                                       void *destination,
                                                                       uint64_t source,
                                                                       size_t length)
{
    /* LAB 7 BEGIN: copy_from_user */
    if (!user_range_in_user_half(source, length))
        return -EFAULT;
    if (set->had_pages_without_u && !user_range_ok(set, source, length, PTE_R))
        return -EFAULT;
    csr_set(sstatus, SSTATUS_SUM); /* the user half is open for this copy only */
    size_t left = uaccess_copy(destination, (const void *)source, length, set);
    csr_clear(sstatus, SSTATUS_SUM);
    return left == 0 ? 0 : -EFAULT;
    /* LAB 7 END: copy_from_user */
}

static inline __attribute__((always_inline)) int copy_to_user_locked(const struct memory_set *set,
                                                                     uint64_t destination,
                                                                     const void *source,
                                                                     size_t length)
{
    /* LAB 7 BEGIN: copy_to_user */
    if (!user_range_in_user_half(destination, length))
        return -EFAULT;
    if (set->had_pages_without_u && !user_range_ok(set, destination, length, PTE_W))
        return -EFAULT;
    csr_set(sstatus, SSTATUS_SUM);
    size_t left = uaccess_copy((void *)destination, source, length, set);
    csr_clear(sstatus, SSTATUS_SUM);
    return left == 0 ? 0 : -EFAULT;
    /* LAB 7 END: copy_to_user */
}

bool uaccess_fault(struct context *context, uint64_t scause, uint64_t stval)
{
    if (context->sepc < (uint64_t)uaccess_copy || context->sepc >= (uint64_t)uaccess_copy_end)
        return false; /* not the copy's: a kernel bug, reported as such */
    /*
     * The user range lies below USER_END (the callers check it), so a fault at
     * or above it is on the kernel's side of the copy: a kernel bug, and the
     * trap report says so rather than hiding it as -EFAULT.
     */
    if (!cause_is_page_fault(scause) || stval >= USER_END)
        return false;
    /* The copy keeps its set in a3 (uaccess_copy.S). */
    struct memory_set *set = (struct memory_set *)context->x[REG_A0 + 3];
    uint64_t access = scause == EXC_STORE_PAGE_FAULT ? PTE_W : PTE_R;
    /*
     * Resolve it as the program's own fault would be, then retry the
     * instruction; but only if the page now allows the access, so that a
     * fault the resolution did not cure cannot repeat for ever.
     */
    struct pt_lookup lookup;
    if (memory_set_handle_fault(set, stval, access) == 0 &&
        pt_translate(&set->mapping, vaddr(stval), &lookup) && (lookup.flags & PTE_U) != 0 &&
        (lookup.flags & access) == access)
        return true;
    context->sepc = (uint64_t)uaccess_copy_failed;
    return true;
}

/*
 * With another thread in the set, the copy runs under the set's lock, in a
 * function of its own: the common case, one thread, then needs no lock and
 * few registers (a copy is on the hot path of every read and write).
 */
static __attribute__((noinline)) int copy_from_user_shared(const struct memory_set *set,
                                                           void *destination, uint64_t source,
                                                           size_t length)
{
    memory_set_lock((struct memory_set *)set); /* the lock is not the set's content */
    int result = copy_from_user_locked(set, destination, source, length);
    memory_set_unlock((struct memory_set *)set);
    return result;
}

static __attribute__((noinline)) int copy_to_user_shared(const struct memory_set *set,
                                                         uint64_t destination, const void *source,
                                                         size_t length)
{
    memory_set_lock((struct memory_set *)set);
    int result = copy_to_user_locked(set, destination, source, length);
    memory_set_unlock((struct memory_set *)set);
    return result;
}

/* The answer cannot change under the copy: only this thread could make a second one. */
static inline bool set_is_shared(const struct memory_set *set)
{
    return __atomic_load_n(&set->threads, __ATOMIC_RELAXED) > 1;
}

int copy_from_user(const struct memory_set *set, void *destination, uint64_t source, size_t length)
{
    if (set_is_shared(set))
        return copy_from_user_shared(set, destination, source, length);
    return copy_from_user_locked(set, destination, source, length);
}

int copy_to_user(const struct memory_set *set, uint64_t destination, const void *source,
                 size_t length)
{
    if (set_is_shared(set))
        return copy_to_user_shared(set, destination, source, length);
    return copy_to_user_locked(set, destination, source, length);
}

static long string_from_user_locked(const struct memory_set *set, char *destination,
                                    uint64_t source, size_t size)
{
    if (size == 0)
        return -ENAMETOOLONG;
    /* Page by page: the string may end before a page that is not mapped. */
    size_t copied = 0;
    while (copied < size) {
        uint64_t address = source + copied;
        if (address < source || !user_range_ok(set, address, 1, PTE_R))
            return -EFAULT;
        size_t in_page = PAGE_SIZE - (address & (PAGE_SIZE - 1));
        size_t chunk = in_page < size - copied ? in_page : size - copied;
        csr_set(sstatus, SSTATUS_SUM);
        const char *user = (const char *)address;
        for (size_t i = 0; i < chunk; i++) {
            destination[copied + i] = user[i];
            if (user[i] == '\0') {
                csr_clear(sstatus, SSTATUS_SUM);
                return (long)(copied + i);
            }
        }
        csr_clear(sstatus, SSTATUS_SUM);
        copied += chunk;
    }
    destination[size - 1] = '\0';
    return -ENAMETOOLONG;
}

long string_from_user(const struct memory_set *set, char *destination, uint64_t source, size_t size)
{
    bool shared = set_is_shared(set);
    if (shared)
        memory_set_lock((struct memory_set *)set);
    long result = string_from_user_locked(set, destination, source, size);
    if (shared)
        memory_set_unlock((struct memory_set *)set);
    return result;
}
