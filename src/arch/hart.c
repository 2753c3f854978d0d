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

/* Aligned to the slot size, so no slot straddles two cache lines. */
static uint8_t hart_blocks[MAX_HARTS][HART_BLOCK_SIZE] __attribute__((aligned(HART_SLOT_SIZE)));

/*
 * Where a hart goes when its kernel stack overflows. In .bss, inside the
 * kernel image, so it is mapped in every address space and needs no frame.
 */
static uint8_t emergency_stacks[MAX_HARTS][EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));

void hart_init(uint64_t hartid)
{
    uint32_t index = hartid % MAX_HARTS;
    struct hart *hart = (struct hart *)hart_blocks[index];
    hart->id = hartid;
    hart->index = index;
    hart->stack_bottom = (uint64_t)boot_stack_bottom;
    hart->stack_top = (uint64_t)boot_stack_top;
    hart->running = "boot";
    hart->emergency_stack_top = (uint64_t)&emergency_stacks[index][EMERGENCY_STACK_SIZE];
    write_tp((uint64_t)hart);
}
