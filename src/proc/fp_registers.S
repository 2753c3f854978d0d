/*
 * fp_registers.S: saving, loading and zeroing the FP registers (proc/fp.h).
 *
 * The kernel is built without the F and D extensions, so that no C code of
 * its own can touch these registers; these three functions are the only
 * place that does. `.option arch, +d` lets the assembler take the FP
 * instructions here alone. Each turns sstatus.FS on first (an FP
 * instruction with FS Off is illegal, in S-mode too); what FS the user
 * gets back is in its trap context, which trap_return writes.
 */
#include "arch/riscv.h"

    .option push
    .option arch, +d
    .text

/* fp_save_registers(struct fp_state *a0): f[32] at 0..255, fcsr at 256. */
    .globl fp_save_registers
fp_save_registers:
    li      t0, SSTATUS_FS_INITIAL
    csrs    sstatus, t0
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fsd     f\n, \n*8(a0)
    .endr
    frcsr   t0
    sw      t0, 256(a0)
    ret

/* fp_load_registers(const struct fp_state *a0) */
    .globl fp_load_registers
fp_load_registers:
    li      t0, SSTATUS_FS_INITIAL
    csrs    sstatus, t0
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fld     f\n, \n*8(a0)
    .endr
    lw      t0, 256(a0)
    fscsr   t0
    ret

/* fp_zero_registers(): what a program sees at its first FP instruction. */
    .globl fp_zero_registers
fp_zero_registers:
    li      t0, SSTATUS_FS_INITIAL
    csrs    sstatus, t0
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fmv.d.x f\n, zero
    .endr
    fscsr   zero
    ret

    .option pop
