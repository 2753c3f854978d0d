/*
 * cpu.c: per-hart state set-up.
 */
#include "proc/cpu.h"

#include "mm/layout.h"

struct cpu cpus[MAX_HARTS];

_Static_assert(offsetof(struct cpu, stack_bottom) == CPU_STACK_BOTTOM, "CPU_STACK_BOTTOM is wrong");
_Static_assert(offsetof(struct cpu, emergency_stack_top) == CPU_EMERGENCY_STACK_TOP,
               "CPU_EMERGENCY_STACK_TOP is wrong");

/*
 * Where a hart goes when its kernel stack overflows. In .bss, inside the
 * kernel image, so it is mapped in every address space and needs no frame.
 */
static uint8_t emergency_stacks[MAX_HARTS][EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));

void cpu_init(uint64_t hartid)
{
    struct cpu *cpu = &cpus[hartid % MAX_HARTS];
    cpu->hartid = hartid;
    cpu->stack_bottom = (uint64_t)boot_stack_bottom;
    cpu->stack_top = (uint64_t)boot_stack_top;
    cpu->running_name = "boot";
    cpu->emergency_stack_top =
        (uint64_t)&emergency_stacks[hartid % MAX_HARTS][EMERGENCY_STACK_SIZE];
    write_tp((uint64_t)cpu);
}

uint64_t cpu_hartid(void)
{
    struct cpu *cpu = cpu_this();
    return cpu == NULL ? 0 : cpu->hartid;
}
