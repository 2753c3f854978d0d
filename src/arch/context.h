/*
 * context.h: struct context, the trap frame, shared by trap.S and C.
 *
 * trap.S saves every register of the interrupted code here, on the kernel
 * stack, and restores them from here before `sret`. The offsets below are
 * what the assembly uses; the _Static_asserts in trap/dispatch.c keep them honest.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

/* x[i] lives at i * 8; sstatus and sepc follow the 32 registers. */
#define CONTEXT_SSTATUS 256
#define CONTEXT_SEPC    264
#define CONTEXT_SIZE    272 /* a multiple of 16: the stack pointer stays 16-byte aligned */

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * x[0] is the zero register, so its slot is free. While the hart runs user
 * code it holds the kernel's tp (this hart's per-hart block), which the entry
 * code reloads; it is never restored into a register.
 */
struct context {
    uint64_t x[32];   /* x[1] = ra, x[2] = sp, x[8] = s0/fp, x[10] = a0 ... */
    uint64_t sstatus; /* SPP says which mode trapped; SPIE whether interrupts were on */
    uint64_t sepc;    /* where `sret` resumes */
};

/* Register numbers of the ones the kernel reads by name. */
#define REG_RA 1
#define REG_SP 2
#define REG_TP 4
#define REG_S0 8
#define REG_A0 10
#define REG_A7 17
#endif

#endif
