/*
 * setjmp.S: see setjmp.h. jmp_buf has the layout of arch/callee_saved.h:
 * ra, sp, s0..s11, the same registers the thread switch saves.
 */
#include "arch/callee_saved.h"

    .text
    .globl setjmp
setjmp:
    SAVE_CALLEE_SAVED a0
    li      a0, 0
    ret

    .globl longjmp
longjmp:
    LOAD_CALLEE_SAVED a0
    /* setjmp must not seem to return 0 the second time. */
    seqz    a0, a1
    add     a0, a0, a1
    ret
