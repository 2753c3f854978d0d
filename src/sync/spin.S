/*
 * spin.S: the contended half of taking a spinlock.
 *
 * spinlock_take (spinlock.h) tries the lock with one amoswap. Only when
 * that finds it taken does it come here, with `jal t0, spinlock_spin`: a
 * jump that links through t0, not ra, so the function that takes the lock
 * stays a leaf and needs no stack frame for a call it almost never makes
 * (the same trick as GCC's -msave-restore routines). Everything here uses
 * t1..t6 only, which the caller's asm declares clobbered.
 *
 *   in:  t1 = the struct spinlock;  t0 = where to return
 *
 * It counts the contention, spins with plain loads until the lock looks
 * free (test), then swaps (test-and-set), again until it wins, and adds
 * the time spent to this hart's spin time. A spin longer than the watchdog
 * allows jumps to spinlock_spun_too_long, which panics with the holder.
 */
#include "arch/hart.h"

/* Offsets checked in spinlock.c. */
#define SPINLOCK_CONTENDED_OFFSET 32
#define SPIN_TIME_OFFSET          (HART_SLOT_SPINLOCK * HART_SLOT_SIZE + 8)

    .text
    .globl spinlock_spin
spinlock_spin:
    li      t2, 1
    addi    t3, t1, SPINLOCK_CONTENDED_OFFSET
    amoadd.d zero, t2, (t3)             /* lock->contended++ */
    rdtime  t4                          /* when the spin began */
1:  lw      t2, 0(t1)                   /* test: a plain load, no exclusive access */
    beqz    t2, 2f
    .insn i 0x0f, 0, x0, x0, 0x010      /* pause (Zihintpause): a hint, a no-op elsewhere */
    rdtime  t5
    sub     t5, t5, t4
    la      t6, spinlock_watchdog_time
    ld      t6, 0(t6)
    beqz    t6, 1b                      /* no watchdog yet */
    bleu    t5, t6, 1b
    mv      a0, t1                      /* spun too long: panic, naming the holder */
    mv      a1, t5
    j       spinlock_spun_too_long      /* never returns */
2:  li      t2, 1
    amoswap.w.aq t2, t2, (t1)           /* test-and-set */
    bnez    t2, 1b                      /* another hart won the race: spin again */
    rdtime  t5
    sub     t5, t5, t4
    ld      t2, SPIN_TIME_OFFSET(tp)
    add     t2, t2, t5
    sd      t2, SPIN_TIME_OFFSET(tp)    /* this hart's spin time */
    jr      t0
