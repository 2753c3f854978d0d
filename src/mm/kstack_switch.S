/*
 * kstack_switch.S: kstack_switch_and_call(top, fn): leave the current stack
 * for good and run fn on a fresh one. fp and ra are zeroed so a backtrace
 * taken on the new stack ends cleanly at fn.
 */
    .text
    .globl kstack_switch_and_call
kstack_switch_and_call:
    mv      sp, a0
    li      fp, 0
    li      ra, 0
    jr      a1
