/*
 * switch.S: the thread switch, and where a new thread starts.
 *
 *     switch_context(struct switch_context *from, struct switch_context *to)
 *
 * saves the callee-saved registers of the calling thread into *from and
 * loads those of another thread from *to. Its `ret` then returns into the
 * other thread, to the place where that one called switch_context, or, the
 * first time, into one of the start stubs below.
 *
 * Why only ra, sp and s0..s11: switch_context is called like any function,
 * and the calling convention lets a function clobber every other register
 * (a0..a7, t0..t6, ra itself). The C code around the call has already saved
 * whatever of those it needs, on the thread's own stack. The stack pointer
 * is the thread: once sp points at the other stack, everything the other
 * thread had in progress is back. gp is never changed by the kernel, and tp
 * stays this hart's per-hart block. The offsets match struct switch_context
 * (proc/thread.h): ra at 0, sp at 8, s0..s11 from 16 (arch/callee_saved.h,
 * whose macros setjmp.S uses; the switch spells the stores and loads out).
 */
#include "arch/callee_saved.h"

    .text
    .globl switch_context
switch_context:
    /* LAB 5 BEGIN: switch_context */
    /* Save this thread's ra, sp and s0..s11 into *from (a0)... */
    sd      ra, 0(a0)
    sd      sp, 8(a0)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    sd      s\n, (16 + 8 * \n)(a0)
    .endr
    /* ...and take the other thread's from *to (a1): its sp is its stack, its ra where it goes on. */
    ld      ra, 0(a1)
    ld      sp, 8(a1)
    .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ld      s\n, (16 + 8 * \n)(a1)
    .endr
    ret
    /* LAB 5 END: switch_context */

/*
 * A new kernel thread's first instructions. thread_create set its switch
 * context to: ra = here, sp = the top of its stack, s0 = 0 (a backtrace
 * ends here), s1 = its function, s2 = the argument. The scheduler lock is
 * still held from the switch; sched_thread_begin_kernel releases it, which
 * turns interrupts on. What the function returns is the exit code.
 */
    .globl thread_start_kernel
thread_start_kernel:
    call    sched_thread_begin_kernel
    mv      a0, s2
    jalr    s1
    call    thread_exit             /* a0 = the function's return value; never returns */
1:  j       1b

/*
 * A new user thread's first instructions: sp points at the struct context
 * that thread_create_user copied to the top of its stack. Interrupts stay
 * off after the lock is released; trap_return loads that context and its
 * sret enters user mode, where SPIE turns them on.
 */
    .globl thread_start_user
thread_start_user:
    call    sched_thread_begin_user
    j       trap_return
