/*
 * cpu.c: per-hart state set-up.
 */
#include "proc/cpu.h"

#include "mm/layout.h"

struct cpu cpus[MAX_HARTS];

void cpu_init(uint64_t hartid)
{
    struct cpu *cpu = &cpus[hartid % MAX_HARTS];
    cpu->hartid = hartid;
    cpu->stack_bottom = (uint64_t)boot_stack_bottom;
    cpu->stack_top = (uint64_t)boot_stack_top;
    cpu->running_name = "boot";
    write_tp((uint64_t)cpu);
}

uint64_t cpu_hartid(void)
{
    struct cpu *cpu = cpu_this();
    return cpu == NULL ? 0 : cpu->hartid;
}
