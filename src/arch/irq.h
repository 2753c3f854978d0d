/*
 * irq.h: turning this hart's supervisor interrupts off and on.
 *
 * sstatus.SIE is the one switch for all S-mode interrupts. irq_save() turns
 * it off and returns what it was; irq_restore() puts that back. Because each
 * caller restores what it saved, pairs nest: the inner pair never turns
 * interrupts on behind the outer one's back.
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/riscv.h"

typedef uint64_t irq_state_t;

static inline void irq_enable(void)
{
    csr_set(sstatus, SSTATUS_SIE);
}

static inline void irq_disable(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
}

static inline bool irq_enabled(void)
{
    return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* Disable interrupts and return the previous state, in one csrrc. */
static inline irq_state_t irq_save(void)
{
    uint64_t old;
    asm volatile("csrrc %0, sstatus, %1" : "=r"(old) : "r"(SSTATUS_SIE) : "memory");
    return old & SSTATUS_SIE;
}

/* Put back what irq_save() returned. */
static inline void irq_restore(irq_state_t state)
{
    if (state & SSTATUS_SIE)
        csr_set(sstatus, SSTATUS_SIE);
}

#endif
