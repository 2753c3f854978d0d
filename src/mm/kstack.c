/*
 * kstack.c: allocating kernel stacks in guarded slots. See kstack.h.
 *
 * Freeing a stack unmaps it, and this hart's TLB forgets it at once; other
 * harts may still hold its translations (every hart that ran the thread,
 * or touched its stack). Those stale entries harm nobody while the slot
 * stays empty: no code uses a dead thread's stack. They would when the
 * slot is reused: a hart with a stale entry would write the new thread's
 * stack into the old, freed frames. So the shootdown waits for the reuse,
 * and goes only to the harts that have not flushed their whole TLB since
 * the free (mm/tlb.h): usually none, since every satp write flushes.
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

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
/* Which slots hold a stack, and the name of each (for overflow reports). */
static const char *slot_names[KSTACK_SLOTS];
/* When each slot was last freed (a TLB clock stamp, 0: never), and by which hart (index). */
static uint64_t slot_freed_at[KSTACK_SLOTS];
static uint8_t slot_freed_by[KSTACK_SLOTS];

/* Before slot `slot` is mapped again: no hart may still translate it to the old frames. */
static void forget_old_translations(int slot, uint64_t bottom)
{
    uint64_t stamp = slot_freed_at[slot];
    if (stamp == 0)
        return;
    /* The hart that freed it flushed its own TLB then. */
    uint32_t stale = tlb_stale_harts(stamp) & ~(1u << slot_freed_by[slot]);
    if (stale == 0) {
        tlb_count_avoided();
        return;
    }
    if ((stale & (1u << hart_index())) != 0) {
        for (uint64_t page = bottom; page < bottom + KSTACK_SIZE; page += PAGE_SIZE)
            sfence_vma_addr(page);
    }
    tlb_shootdown(stale, bottom, KSTACK_SIZE);
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
}

int kstack_alloc(struct kstack *stack, const char *name)
{
    spinlock_acquire(&kstack_lock);
    int slot = 0;
    while (slot < KSTACK_SLOTS && slot_names[slot] != NULL)
        slot++;
    if (slot == KSTACK_SLOTS) {
        spinlock_release(&kstack_lock);
        return -EAGAIN;
    }
    uint64_t top = slot_start(slot) + KSTACK_SLOT_SIZE;
    uint64_t bottom = top - KSTACK_SIZE;
    forget_old_translations(slot, bottom);
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
