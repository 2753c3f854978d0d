/*
 * hold_harts.h: for tests: run a test case, or a test kernel, as if on one hart.
 *
 * Some tests state what one hart does: threads that yield run in FIFO
 * order; a thread that never yields loses its hart only to the timer;
 * ticks missed while this hart has interrupts off are counted when they
 * are back on; an interrupt that comes between a check and wfi ends the
 * wfi. With several harts the other harts would run those threads side by
 * side, count those ticks, take those interrupts.
 *
 * hold_other_harts() starts one thread per other hart that turns its
 * interrupts off and spins until release_other_harts(). Each holds a hart,
 * so every other thread, the caller's too, runs on the one hart left, and
 * only that hart takes interrupts. With one hart they do nothing.
 *
 * The in-kernel tests use them, and the test kernels that race an
 * interrupt against this hart (tests/kernel/async_race.c). Nothing else
 * should: a held hart does no work.
 */
#ifndef PROC_HOLD_HARTS_H
#define PROC_HOLD_HARTS_H

/* Hold every hart but one; returns how many are held. Release them before holding again. */
unsigned hold_other_harts(void);
/* Let them go and wait for their threads; nothing happens if none is held. */
void release_other_harts(void);

/* The same as a ktest suite's hooks (KTEST_SUITE_HOOKS): every case of the suite on one hart. */
struct ktest;
void hold_other_harts_for_case(struct ktest *t);
void release_other_harts_after_case(struct ktest *t);

#endif
