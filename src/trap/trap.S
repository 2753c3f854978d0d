/*
 * trap.S: the way into the kernel on every trap, and the way back out.
 *
 * stvec points at trap_entry in direct mode, so every interrupt and
 * exception lands here. trap_entry saves all registers, sstatus and sepc as
 * a struct context (arch/context.h) on the kernel stack, calls
 *     trap_dispatch(context, scause, stval)        from kernel code
 *     trap_user_handler(context, scause, stval)    from user code (trap.h)
 * and then trap_return loads the context back and executes `sret`. (From
 * user code, when the handler says s0..s11 are unchanged, a shorter way
 * back leaves those twelve out: trap_return_to_user_fast.)
 *
 * sscratch tells the entry code where it came from (docs/traps.md):
 *   0                     the hart was running kernel code: keep using its sp;
 *   the kernel stack top  the hart was running user code: switch to that stack.
 */
#include "arch/context.h"
#include "arch/hart.h"
#include "arch/riscv.h"

    .section .text
    .globl trap_entry
    /* stvec's low two bits are its MODE (0 = direct), so the vector is 4-byte aligned. */
    .balign 4
trap_entry:
    /* Swap sp and sscratch: a nonzero value means the trap came from user code. */
    csrrw   sp, sscratch, sp
    bnez    sp, trap_from_user

    /*
     * From kernel code: sp is 0 and sscratch holds the interrupted sp. Swap
     * back, leaving sscratch 0 before anything is stored, so that a fault
     * while saving is still seen as a trap from kernel code.
     */
    csrrw   sp, sscratch, zero

    /*
     * Kernel stack overflow check, before the first store below sp. If the
     * context would not fit above the stack's bottom (sp ran into, or past,
     * the guard page), storing it would fault again, and again: go to the
     * hart's emergency stack instead. sscratch lends its room to t0 for the
     * three instructions in between, none of which can fault (tp is always
     * this hart's struct hart in kernel code).
     */
    csrw    sscratch, t0
    ld      t0, HART_STACK_BOTTOM(tp)
    addi    t0, t0, CONTEXT_SIZE
    bltu    sp, t0, trap_kernel_stack_overflow
    csrrw   t0, sscratch, zero      /* t0 back; sscratch = 0 again */

    addi    sp, sp, -CONTEXT_SIZE
    sd      t0, 5*8(sp)
    addi    t0, sp, CONTEXT_SIZE
    sd      t0, 2*8(sp)             /* x[2]: the interrupted sp */
    sd      tp, 4*8(sp)             /* x[4]: tp, already this hart's struct hart */

/* Save what is left once t0, sp and tp are in the context at sp. */
.macro SAVE_REMAINING_REGISTERS
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    .irp    n, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    sd      x\n, \n*8(sp)
    .endr
    csrr    t0, sstatus
    sd      t0, CONTEXT_SSTATUS(sp)
    csrr    t0, sepc
    sd      t0, CONTEXT_SEPC(sp)
.endm

trap_save_registers:
    /* Both paths meet here: t0, sp and tp are saved; save the rest. */
    SAVE_REMAINING_REGISTERS

    mv      a0, sp                  /* the struct context */
    csrr    a1, scause
    csrr    a2, stval
    /*
     * s0 is still the interrupted code's frame pointer, so a backtrace taken
     * inside the handler walks on into the code that trapped.
     */
    call    trap_dispatch

/*
 * Restore the struct context at sp and return to it. A new thread or user
 * program can start here too, with sp pointing at a context built for it.
 */
    .globl trap_return
/* sstatus and sepc from the context; t0 keeps sstatus. */
.macro LOAD_SSTATUS_AND_SEPC
    ld      t0, CONTEXT_SSTATUS(sp)
    ld      t1, CONTEXT_SEPC(sp)
    csrw    sstatus, t0             /* SPP and SPIE decide where sret goes, and SIE after it */
    csrw    sepc, t1
.endm

/*
 * Back to user code: the next trap from it must find this kernel stack
 * (sscratch = its top) and this hart's tp (kept in the unused x[0] slot).
 */
.macro LEAVE_KERNEL_STACK_AND_TP
    sd      tp, 0*8(sp)
    addi    t0, sp, CONTEXT_SIZE
    csrw    sscratch, t0
    ld      tp, 4*8(sp)             /* the user's own tp */
.endm

trap_return:
    LOAD_SSTATUS_AND_SEPC
    andi    t0, t0, SSTATUS_SPP
    bnez    t0, trap_restore_registers
    LEAVE_KERNEL_STACK_AND_TP

trap_restore_registers:
    /*
     * tp is not restored for kernel code: it must stay this hart's struct
     * hart, even if the thread trapped on another hart. sp comes last.
     */
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    .irp    n, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    ld      x\n, \n*8(sp)
    .endr
    ld      sp, 2*8(sp)
    sret

/*
 * From user code: sp is now the kernel stack top and sscratch the user's sp.
 * Every trap from user mode goes to the handler the layers above registered
 * (trap_user_handler, trap/dispatch.c): system calls, faults and interrupts.
 */
trap_from_user:
    addi    sp, sp, -CONTEXT_SIZE
    sd      t0, 5*8(sp)
    csrrw   t0, sscratch, zero      /* t0 = the user's sp; sscratch = 0: kernel code from now */
    sd      t0, 2*8(sp)
    sd      tp, 4*8(sp)             /* the user's tp... */
    ld      tp, 0*8(sp)             /* ...and this hart's, left here by trap_return */
    SAVE_REMAINING_REGISTERS
    mv      a0, sp                  /* the struct context */
    csrr    a1, scause
    csrr    a2, stval
    ld      t0, trap_user_handler
    jalr    t0
    bnez    a0, trap_return         /* the handler asks for every register back */

/*
 * The way back to user code when the handler left s0..s11 as they were
 * saved (trap.h): they are still in their registers, since every C
 * function keeps callee-saved registers for its caller, so only the rest
 * is loaded back. A system call takes this way (docs/syscalls.md).
 */
trap_return_to_user_fast:
    LOAD_SSTATUS_AND_SEPC
    LEAVE_KERNEL_STACK_AND_TP
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    .irp    n, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
    ld      x\n, \n*8(sp)
    .endr
    ld      sp, 2*8(sp)
    sret

/*
 * The kernel stack overflowed: sp is the overflowing stack pointer, and
 * sscratch holds t0. Build the context on this hart's emergency stack and
 * report; trap_kernel_stack_overflow() never returns.
 */
trap_kernel_stack_overflow:
    ld      t0, HART_EMERGENCY_STACK_TOP(tp)
    addi    t0, t0, -CONTEXT_SIZE
    sd      sp, 2*8(t0)             /* x[2]: the sp that overflowed */
    mv      sp, t0
    csrrw   t0, sscratch, zero      /* t0 back; sscratch = 0: kernel code */
    sd      t0, 5*8(sp)
    sd      tp, 4*8(sp)
    SAVE_REMAINING_REGISTERS
    mv      a0, sp
    csrr    a1, scause
    csrr    a2, stval
    call    trap_stack_overflow
1:  j       1b                      /* not reached: the report ends the machine */
