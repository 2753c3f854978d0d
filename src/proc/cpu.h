/*
 * cpu.h: per-hart state, reached through the tp register.
 *
 * Each hart has one struct cpu. While the hart runs kernel code, tp points
 * at it, so cpu_this() is one register move and needs no lock.
 */
#ifndef PROC_CPU_H
#define PROC_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/riscv.h"

#define MAX_HARTS 8

struct cpu {
    uint64_t hartid;
    /* How deeply spinlocks are nested, and whether interrupts were on before the first. */
    int lock_depth;
    bool irq_enabled_before_locks;
    /* Set while this hart is panicking, so a second panic gives up at once. */
    bool panicking;
    /* The stack the hart runs on now, for bounded backtraces. */
    uint64_t stack_bottom;
    uint64_t stack_top;
    /* A short name for what runs: "boot", or a thread's name later. */
    const char *running_name;
    /* Interrupts: the `time` value of this hart's next timer tick, and its PLIC context. */
    uint64_t timer_deadline;
    uint32_t plic_context;
};

extern struct cpu cpus[MAX_HARTS];

/* Point tp at this hart's struct cpu. */
void cpu_init(uint64_t hartid);

static inline struct cpu *cpu_this(void)
{
    return (struct cpu *)read_tp();
}

/* The hart id, or 0 before cpu_init() ran. */
uint64_t cpu_hartid(void);

#endif
