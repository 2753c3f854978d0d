/*
 * cpu.h: per-hart state, reached through the tp register.
 *
 * Each hart has one struct cpu. While the hart runs kernel code, tp points
 * at it, so cpu_this() is one register move and needs no lock.
 */
#ifndef PROC_CPU_H
#define PROC_CPU_H

#define MAX_HARTS 8

/* Offsets into struct cpu that trap.S reads (checked in cpu.c). */
#define CPU_STACK_BOTTOM        16
#define CPU_EMERGENCY_STACK_TOP 56

/* Each hart's emergency stack, where a kernel stack overflow is reported. */
#define EMERGENCY_STACK_SIZE (16 * 1024)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/riscv.h"

struct memory_set;
struct thread;

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
    /* A short name for what runs: the running thread's name ("boot", "idle", ...). */
    const char *running_name;
    /* Interrupts: the `time` value of this hart's next timer tick, and its PLIC context. */
    uint64_t timer_deadline;
    uint32_t plic_context;
    /* The top of this hart's emergency stack (see trap.S, docs/paging.md). */
    uint64_t emergency_stack_top;
    /* The address space the hart translates with (memory_set_activate sets it). */
    const struct memory_set *memory_set;

    /* Threads (proc/sched.c). New fields go at the end: trap.S uses the offsets above. */
    /* The thread running on this hart, and the one that runs when no other is ready. */
    struct thread *current;
    struct thread *idle;
    /* Set by the tick when the running thread's slice is used up; acted on as interrupts end. */
    bool preempt_pending;
    /* How deep the hart is in interrupt handlers; nonzero means nothing may sleep. */
    int interrupt_depth;
    /* A detached thread that has just exited here; the next thread to run frees it. */
    struct thread *exited_thread;
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

#endif /* __ASSEMBLER__ */
#endif
