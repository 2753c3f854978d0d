/*
 * hart.c: the per-hart blocks, and pointing tp at this hart's. See hart.h.
 */
#include "arch/hart.h"

#include "arch/layout.h"

_Static_assert(offsetof(struct hart, stack_bottom) == HART_STACK_BOTTOM,
               "HART_STACK_BOTTOM is wrong");
_Static_assert(offsetof(struct hart, emergency_stack_top) == HART_EMERGENCY_STACK_TOP,
               "HART_EMERGENCY_STACK_TOP is wrong");
HART_SLOT_CHECK(struct hart);
_Static_assert(offsetof(struct hart_start_info, satp) == HART_START_SATP, "HART_START_SATP");
_Static_assert(offsetof(struct hart_start_info, stack_top) == HART_START_STACK_TOP,
               "HART_START_STACK_TOP is wrong");
_Static_assert(offsetof(struct hart_start_info, tp) == HART_START_TP, "HART_START_TP is wrong");

/* Aligned to the slot size, so no slot straddles two cache lines. */
static uint8_t hart_blocks[MAX_HARTS][HART_BLOCK_SIZE] __attribute__((aligned(HART_SLOT_SIZE)));

/*
 * Where a hart goes when its kernel stack overflows. In .bss, inside the
 * kernel image, so it is mapped in every address space and needs no frame.
 */
static uint8_t emergency_stacks[MAX_HARTS][EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));

/* Which blocks have been given to a hart, and which harts run the kernel (bit i: index i). */
static uint32_t prepared_mask;
static uint32_t online_mask;

/*
 * Stop here: nothing else can be done safely (a panic needs tp). Only a
 * kernel bug gets here: two harts given one block, or more than MAX_HARTS.
 */
__attribute__((noreturn)) static void hart_refuse(void)
{
    for (;;)
        wfi();
}

struct hart *hart_prepare(uint32_t index, uint64_t hartid)
{
    if (index >= MAX_HARTS)
        hart_refuse();
    uint32_t bit = 1u << index;
    if (__atomic_fetch_or(&prepared_mask, bit, __ATOMIC_RELAXED) & bit)
        hart_refuse();
    struct hart *hart = (struct hart *)hart_blocks[index];
    hart->id = hartid;
    hart->index = index;
    hart->stack_bottom = (uint64_t)boot_stack_bottom;
    hart->stack_top = (uint64_t)boot_stack_top;
    hart->running = "boot";
    hart->emergency_stack_top = (uint64_t)&emergency_stacks[index][EMERGENCY_STACK_SIZE];
    return hart;
}

void hart_enter(struct hart *hart)
{
    write_tp((uint64_t)hart);
}

void hart_set_online(void)
{
    /* Release: whatever this hart set up before is visible to whoever sees it online. */
    __atomic_fetch_or(&online_mask, 1u << hart_index(), __ATOMIC_RELEASE);
}

uint32_t hart_online_mask(void)
{
    return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

unsigned hart_online_count(void)
{
    return (unsigned)__builtin_popcount(hart_online_mask());
}

struct hart *hart_by_index(uint32_t index)
{
    if (index >= MAX_HARTS ||
        (__atomic_load_n(&prepared_mask, __ATOMIC_ACQUIRE) & (1u << index)) == 0)
        return NULL;
    return (struct hart *)hart_blocks[index];
}
