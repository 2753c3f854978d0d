/*
 * callee_saved.h: saving and loading the registers a call preserves, for
 * assembly: ra, sp and s0..s11, 8 bytes each, in that order.
 *
 * The calling convention lets a function clobber every other register, so
 * these fourteen are all it takes to stop a flow of control and resume it
 * later. switch.S (the thread switch) and setjmp.S (the tests' way out of
 * a failed ASSERT) both use them; struct switch_context (proc/thread.h)
 * and jmp_buf (ktest/setjmp.h) have this layout.
 */
#ifndef ARCH_CALLEE_SAVED_H
#define ARCH_CALLEE_SAVED_H

#define CALLEE_SAVED_COUNT 14
#define CALLEE_SAVED_SIZE  (CALLEE_SAVED_COUNT * 8)

#ifdef __ASSEMBLER__
/* Assembler macros, which clang-format would take for C: */
// clang-format off
/* Store ra, sp, s0..s11 at base + 0, 8, 16 ... 104. */
.macro SAVE_CALLEE_SAVED base
    sd      ra, 0(\base)
    sd      sp, 8(\base)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    sd      s\n, (16 + 8 * \n)(\base)
    .endr
.endm

/* Load them back from the same layout. */
.macro LOAD_CALLEE_SAVED base
    ld      ra, 0(\base)
    ld      sp, 8(\base)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld      s\n, (16 + 8 * \n)(\base)
    .endr
.endm
// clang-format on
#endif

#endif
