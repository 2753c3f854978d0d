/*
 * setjmp.S: setjmp and longjmp for user programs: the callee-saved
 * registers, integer (ra, sp, s0..s11) and FP (fs0..fs11: lp64d keeps
 * them across calls), in jmp_buf (user/include/setjmp.h).
 * sigsetjmp (below) and siglongjmp (sigsetjmp.c) add the signal mask.
 */
    .text
    .globl setjmp
setjmp:
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    sd      s\n, (16 + 8 * \n)(a0)
    .endr
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    fsd     fs\n, (112 + 8 * \n)(a0)
    .endr
    li      a0, 0
    ret

    .globl longjmp
longjmp:
    ld      ra, 0(a0)
    ld      sp, 8(a0)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld      s\n, (16 + 8 * \n)(a0)
    .endr
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    fld     fs\n, (112 + 8 * \n)(a0)
    .endr
    seqz    a0, a1          /* longjmp(env, 0) returns 1, as C asks */
    add     a0, a0, a1
    ret

/* sigsetjmp(env, save_mask): note the mask (sigprocmask) first, then a tail call to setjmp. */
    .globl sigsetjmp
sigsetjmp:
    sd      a1, 208(a0)     /* mask_saved */
    beqz    a1, 1f
    addi    sp, sp, -16
    sd      ra, 0(sp)
    sd      a0, 8(sp)
    addi    a2, a0, 216     /* sigprocmask(SIG_BLOCK, NULL, &env->mask) */
    li      a1, 0
    li      a0, 0
    call    sigprocmask
    ld      ra, 0(sp)
    ld      a0, 8(sp)
    addi    sp, sp, 16
1:  tail    setjmp
