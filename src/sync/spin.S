/*
 * spin.S: the contended half of taking a spinlock.
 *
 * spinlock_take (spinlock.h) tries the lock with one amoswap. Only when
 * that finds it taken (or finds a hart starving for it) does it come here,
 * with `jal t0, spinlock_spin`: a jump that links through t0, not ra, so
 * the function that takes the lock stays a leaf and needs no stack frame
 * for a call it almost never makes (the same trick as GCC's -msave-restore
 * routines). Everything here uses t1..t6 only, which the caller's asm
 * declares clobbered.
 *
 *   in:  t1 = the struct spinlock;  t0 = where to return
 *
 * A lock this hart holds already is always found taken, so the check for
 * a recursive acquire lives here, off the fast path: if the holder is this
 * hart, it jumps to spinlock_recursive_acquire, which panics (the owner
 * field is set only while the lock is held, so no other hart's lock can
 * look like ours). Otherwise it counts the contention, spins with plain
 * loads until the lock looks free (test), then swaps (test-and-set),
 * again until it wins, and adds
 * the time spent to this hart's spin time. A spin longer than the watchdog
 * allows jumps to spinlock_spun_too_long, which panics with the holder.
 *
 * Starving. Test-and-set is not fair: a hart that releases a lock and
 * takes it again a moment later can win every race against one that
 * waits. On four harts a thread that unmapped and mapped a page in a loop
 * kept the memory set's lock for ten seconds that way, while another
 * thread spun for it (each unmap's TLB shootdown interrupts the waiter,
 * so it looked at the lock least when it was free). So a hart that has
 * waited spinlock_starving_time marks itself in lock->starving (if no
 * other hart has), and every other hart, arriving or spinning, stays out
 * until the starving one has taken the lock and cleared the mark. The
 * cost on the way in is one load; a ticket lock would be fair always, but
 * under an emulator with more harts than host cores its strict order
 * stalls every waiter behind one whose host thread is not running.
 */
#include "arch/hart.h"
#include "sync/spinlock.h"

#define SPIN_TIME_OFFSET (HART_SLOT_SPINLOCK * HART_SLOT_SIZE + 8)

    .text
    .globl spinlock_spin
spinlock_spin:
    ld      t2, SPINLOCK_OWNER_OFFSET(t1)
    beq     t2, tp, 8f                  /* taken by this very hart: a recursive acquire */
    li      t2, 1
    addi    t3, t1, SPINLOCK_CONTENDED_OFFSET
    amoadd.d zero, t2, (t3)             /* lock->contended++ */
    rdtime  t4                          /* when the spin began */
1:  ld      t2, SPINLOCK_STARVING_OFFSET(t1)
    beqz    t2, 3f                      /* nobody starving: compete */
    bne     t2, tp, 4f                  /* another hart starves: let it go first */
3:  lw      t2, 0(t1)                   /* test: a plain load, no exclusive access */
    bnez    t2, 4f
    li      t2, 1
    amoswap.w.aq t2, t2, (t1)           /* test-and-set */
    beqz    t2, 6f                      /* won */
4:  .insn i 0x0f, 0, x0, x0, 0x010      /* pause (Zihintpause): a hint, a no-op elsewhere */
    rdtime  t5
    sub     t5, t5, t4
    la      t6, spinlock_starving_time
    ld      t6, 0(t6)
    beqz    t6, 5f                      /* no timebase yet: no starving either */
    bltu    t5, t6, 5f
    /* Waited long enough to starve: mark this hart, unless another hart is marked. */
    addi    t3, t1, SPINLOCK_STARVING_OFFSET
    lr.d    t2, (t3)
    bnez    t2, 5f
    sc.d    t2, tp, (t3)                /* a lost race just means another try next turn */
5:  la      t6, spinlock_watchdog_time
    ld      t6, 0(t6)
    beqz    t6, 1b                      /* no watchdog yet */
    bleu    t5, t6, 1b
    mv      a0, t1                      /* spun too long: panic, naming the holder */
    mv      a1, t5
    j       spinlock_spun_too_long      /* never returns */
6:  ld      t2, SPINLOCK_STARVING_OFFSET(t1)
    bne     t2, tp, 7f
    sd      zero, SPINLOCK_STARVING_OFFSET(t1) /* had its turn: no longer starving */
7:  rdtime  t5
    sub     t5, t5, t4
    ld      t2, SPIN_TIME_OFFSET(tp)
    add     t2, t2, t5
    sd      t2, SPIN_TIME_OFFSET(tp)    /* this hart's spin time */
    jr      t0
8:  mv      a0, t1
    j       spinlock_recursive_acquire  /* never returns */
