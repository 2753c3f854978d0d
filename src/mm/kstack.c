/*
 * kstack.c: allocating kernel stacks in guarded slots. See kstack.h.
 *
 * Freeing a stack unmaps it, and this hart's TLB forgets it at once; other
 * harts may still hold its translations (every hart that ran the thread,
 * or touched its stack). Those stale entries harm nobody while the slot
 * stays empty: no code uses a dead thread's stack. They would when the
 * slot is reused: a hart with a stale entry would write the new thread's
 * stack into the old, freed frames. So a freed slot waits, and the
 * shootdown waits too, for as long as it can:
 *
 *   - slots are handed out in turn (next fit from a cursor), so a freed
 *     slot is reused as late as possible;
 *   - a slot is clean once every hart has flushed its whole TLB since the
 *     free (mm/tlb.h: every satp write is such a flush); a clean slot is
 *     reused with no shootdown at all;
 *   - only when no free slot is clean does one shootdown flush every stale
 *     hart's whole TLB, which cleans every slot freed so far at once.
 *
 * The region's page tables are all made at boot and never freed, so a
 * hart's cached pointers into them stay right (pagetable.c keeps kernel-half
 * tables), and a stack costs only its own frames.
 */
#include "mm/kstack.h"

#include "console/panic.h"
#include "abi/errno.h"
#include "mm/memory_set.h"
#include "mm/tlb.h"
#include "arch/hart.h"
#include "sync/spinlock.h"
#include "arch/irq.h"
#include "arch/riscv.h"

/* Guards the slot table below (names, when and by whom freed) and the cursor. */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
/* Which slots hold a stack, and the name of each (for overflow reports). */
static const char *slot_names[KSTACK_SLOTS];
/* When each slot was last freed (a TLB clock stamp, 0: never), and by which hart (index). */
static uint64_t slot_freed_at[KSTACK_SLOTS];
static uint8_t slot_freed_by[KSTACK_SLOTS];
/* Where the search for the next slot starts: just after the last one handed out. */
static int cursor;

/* The harts that may still translate `slot` to the frames it had before it was freed. */
static uint32_t stale_harts(int slot)
{
    if (slot_freed_at[slot] == 0)
        return 0;
    /* The hart that freed it flushed its own TLB then. */
    return tlb_stale_harts(slot_freed_at[slot]) & ~(1u << slot_freed_by[slot]);
}

/*
 * A free slot to map a stack in, with no hart left that translates it the
 * old way; -1 when every slot holds a stack. kstack_lock is held.
 */
static int take_clean_slot(void)
{
    uint32_t me = 1u << hart_index();
    bool any_free = false;
    for (int step = 0; step < KSTACK_SLOTS; step++) {
        int slot = (cursor + step) % KSTACK_SLOTS;
        if (slot_names[slot] != NULL)
            continue;
        any_free = true;
        uint32_t stale = stale_harts(slot);
        if ((stale & ~me) != 0)
            continue;
        if (stale != 0) {
            /* Only this hart: a local flush of the slot's pages does. */
            for (uint64_t page = 0; page < KSTACK_SLOT_SIZE; page += PAGE_SIZE)
                sfence_vma_addr(KSTACK_REGION_START + (uint64_t)slot * KSTACK_SLOT_SIZE + page);
        }
        if (slot_freed_at[slot] != 0)
            tlb_count_avoided();
        cursor = (slot + 1) % KSTACK_SLOTS;
        return slot;
    }
    if (!any_free)
        return -1;
    /* Every free slot may still be cached somewhere: one full shootdown cleans them all. */
    tlb_shootdown_everything(hart_online_mask() & ~me);
    sfence_vma_all();
    return take_clean_slot();
}
static uint64_t slot_start(int slot)
{
    return KSTACK_REGION_START + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

void kstack_init_region(struct memory_set *kernel)
{
    vaddr_t start = vaddr(KSTACK_REGION_START);
    vaddr_t end = vaddr(KSTACK_REGION_START + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE);
    if (pt_prepare_kernel_range(&kernel->mapping, start, end) != 0)
        panic("kstack: no memory for the stack region's page tables");
    /* Every level-0 table too (one per 2 MiB, 32 in all): none is ever made or freed later. */
    uint64_t two_megabytes = pt_level_size(PT_LEVEL_2M);
    for (uint64_t va = start.value; va < end.value; va += two_megabytes) {
        if (pt_walk(&kernel->mapping, vaddr(va), PT_LEVEL_4K, true) == NULL)
            panic("kstack: no memory for the stack region's level-0 table at %p", (void *)va);
    }
}

int kstack_alloc(struct kstack *stack, const char *name)
{
    spinlock_acquire(&kstack_lock);
    int slot = take_clean_slot();
    if (slot < 0) {
        spinlock_release(&kstack_lock);
        return -EAGAIN;
    }
    uint64_t top = slot_start(slot) + KSTACK_SLOT_SIZE;
    uint64_t bottom = top - KSTACK_SIZE;
    /* The guard below `bottom` is simply never mapped. */
    int error = memory_set_add_segment(&kernel_memory_set, name, vaddr(bottom), vaddr(top),
                                       PTE_R | PTE_W | PTE_G, MAP_FRAMED, paddr(0), NULL, 0);
    if (error == 0)
        slot_names[slot] = name;
    spinlock_release(&kstack_lock);
    if (error != 0)
        return error;
    stack->bottom = vaddr(bottom);
    stack->top = vaddr(top);
    stack->slot = slot;
    stack->name = name;
    return 0;
}

void kstack_free(struct kstack *stack)
{
    spinlock_acquire(&kstack_lock);
    int error = memory_set_remove_segment(&kernel_memory_set, stack->bottom);
    if (error != 0)
        panic("kstack_free: no stack '%s' at %p (error %d)", stack->name,
              (void *)stack->bottom.value, error);
    slot_names[stack->slot] = NULL;
    slot_freed_at[stack->slot] = tlb_clock_tick(); /* after the unmap: see mm/tlb.c */
    slot_freed_by[stack->slot] = (uint8_t)hart_index();
    spinlock_release(&kstack_lock);
    stack->slot = -1;
}

const char *kstack_describe(uint64_t addr, bool *in_guard)
{
    uint64_t region_end = KSTACK_REGION_START + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE;
    if (addr < KSTACK_REGION_START || addr >= region_end)
        return NULL;
    int slot = (int)((addr - KSTACK_REGION_START) / KSTACK_SLOT_SIZE);
    /* Read without the lock: this runs in fault reports, where waiting could deadlock. */
    const char *name = slot_names[slot];
    if (name == NULL)
        return NULL;
    uint64_t bottom = slot_start(slot) + KSTACK_SLOT_SIZE - KSTACK_SIZE;
    *in_guard = addr < bottom;
    return name;
}

void kstack_run_on(const struct kstack *stack, void (*fn)(void))
{
    /*
     * Interrupts stay off across the switch: between the two lines below the
     * hart's recorded stack bounds and its sp disagree, and a trap taken then
     * would look like a stack overflow. fn turns them on when it is ready.
     */
    irq_disable();
    struct hart *hart = hart_this();
    hart->stack_bottom = stack->bottom.value;
    hart->stack_top = stack->top.value;
    kstack_switch_and_call(stack->top.value, fn);
}
