/*
 * cause.h: what scause says, as numbers and as names; usable from C and
 * assembly.
 *
 * On every trap the hart writes scause: its top bit says whether an
 * interrupt (1) or an exception (0) happened, and the rest is the code
 * (privileged spec, table "Supervisor cause register values").
 */
#ifndef ARCH_CAUSE_H
#define ARCH_CAUSE_H

/* The interrupt bit, bit 63. (1 << 63 does not fit an assembler immediate: C only.) */
#define SCAUSE_INTERRUPT (1UL << 63)

/* Exception codes. */
#define EXC_INSTRUCTION_MISALIGNED 0
#define EXC_INSTRUCTION_ACCESS     1
#define EXC_ILLEGAL_INSTRUCTION    2
#define EXC_BREAKPOINT             3
#define EXC_LOAD_MISALIGNED        4
#define EXC_LOAD_ACCESS            5
#define EXC_STORE_MISALIGNED       6
#define EXC_STORE_ACCESS           7
#define EXC_ECALL_FROM_U           8
#define EXC_ECALL_FROM_S           9
#define EXC_INSTRUCTION_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT        13
#define EXC_STORE_PAGE_FAULT       15

/* Interrupt codes for supervisor mode: the same numbers as the sie/sip bits. */
#define IRQ_S_SOFTWARE 1
#define IRQ_S_TIMER    5
#define IRQ_S_EXTERNAL 9

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* A name for any scause value: "illegal instruction", "supervisor timer interrupt"... */
const char *cause_name(uint64_t scause);

static inline bool cause_is_interrupt(uint64_t scause)
{
    return (scause & SCAUSE_INTERRUPT) != 0;
}

static inline bool cause_is_page_fault(uint64_t scause)
{
    return scause == EXC_INSTRUCTION_PAGE_FAULT || scause == EXC_LOAD_PAGE_FAULT ||
           scause == EXC_STORE_PAGE_FAULT;
}
#endif

#endif
