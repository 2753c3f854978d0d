/*
 * trap.h: traps (interrupts and exceptions) in supervisor mode.
 *
 * trap_init() points stvec at trap.S. From then on every trap saves a
 * struct context on the kernel stack and arrives at trap_dispatch(), which
 * decodes scause: timer and device interrupts go to their drivers, a
 * breakpoint is resumed, and any other exception is a panic report with
 * the cause, stval, sepc, every register and a backtrace.
 */
#ifndef TRAP_TRAP_H
#define TRAP_TRAP_H

#include <stdint.h>

#include "trap/context.h"

/* scause: the top bit says interrupt (1) or exception (0); the rest is the code. */
#define SCAUSE_INTERRUPT (1UL << 63)

/* Exception codes (privileged spec, table "Supervisor cause register values"). */
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

/* Point stvec at the trap entry (direct mode) and mark the hart as running kernel code. */
void trap_init(void);

/* Called by trap.S with the saved context; returning resumes it. */
void trap_dispatch(struct context *context, uint64_t scause, uint64_t stval);

/*
 * An exception from user mode other than a breakpoint: a system call or a
 * fault (proc/syscall.c; weak there, so a test kernel can take them over).
 */
void trap_user_exception(struct context *context, uint64_t scause, uint64_t stval);

/* Called after every trap from user mode, before the return to it (weak; proc/syscall.c). */
void trap_user_return(struct context *context);

/* trap.S calls this on the emergency stack when a kernel stack overflowed. */
__attribute__((noreturn)) void trap_stack_overflow(struct context *context, uint64_t scause,
                                                   uint64_t stval);

/* A name for any scause value: "illegal instruction", "supervisor timer interrupt"... */
const char *trap_cause_name(uint64_t scause);

/* The length in bytes (2 or 4) of the instruction at context->sepc. */
int trap_instruction_length(const struct context *context);

/* How many breakpoints this kernel has handled and resumed. */
uint64_t trap_breakpoint_count(void);

#endif
