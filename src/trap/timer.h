/*
 * timer.h: the periodic timer tick, monotonic ticks and uptime.
 *
 * The `time` CSR counts at the timebase frequency the device tree gives.
 * The timer interrupt fires when `time` reaches a deadline: set through the
 * stimecmp CSR where the hart has the Sstc extension, through SBI set_timer
 * otherwise (or when the command line says timer=sbi). A tick comes HZ
 * times a second; HZ is fixed at build time (make HZ=100).
 */
#ifndef TRAP_TIMER_H
#define TRAP_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#ifndef HZ
#define HZ 100
#endif

/* Read the timebase, choose Sstc or SBI, program the first tick and enable sie.STIE. */
void timer_init(void);

/* The same for another hart, once timer_init has run: its own first tick on the same grid. */
void timer_init_hart(void);

/*
 * An extra timer interrupt on this hart within `time_units` (unless the
 * tick comes sooner); its handler finds the tick not due and programs it
 * again. What for: a hart about to spin in the firmware for another hart
 * (an SBI remote fence) arms one, so a timer event is always due while it
 * waits. Under QEMU's -icount the harts take turns on one host thread and
 * a turn ends at the next timer event: with none due, the spinning hart's
 * turn, and so the wait, could last 2^31 instructions. Elsewhere it costs
 * one early interrupt.
 */
void timer_interrupt_within(uint64_t time_units);

/* The supervisor timer interrupt: count the ticks that passed, program the next one. */
void timer_handle_interrupt(void);

/*
 * Tick hooks: functions the timer interrupt calls after it has counted the
 * ticks that passed, with the `time` value it read. Every hart has its own
 * tick, so a hook runs on every hart, HZ times a second on each. They run
 * in interrupt context (interrupts off): they must be short and never
 * block; waking someone up is what they are for (async timers, a
 * scheduler's time slice).
 * At most TIMER_TICK_HOOKS_MAX; adding one more panics. There is no removal.
 */
#define TIMER_TICK_HOOKS_MAX 4
typedef void (*timer_tick_hook_t)(uint64_t now);
void timer_add_tick_hook(timer_tick_hook_t hook);

/* Ticks since timer_init: never goes back, counts HZ a second (not HZ per hart). */
uint64_t timer_ticks(void);

/* Nanoseconds since the `time` counter started (machine reset), from the time CSR. */
uint64_t timer_uptime_ns(void);

/* The timebase frequency in Hz, and `time` units between two ticks. */
uint64_t timer_frequency(void);
uint64_t timer_interval(void);
/* This hart's next deadline, and the grid's origin: deadlines are origin + k * interval. */
uint64_t timer_next_deadline(void);
uint64_t timer_grid_origin(void);
/* The next deadline of the hart with this index (0 if none): a test sees other harts tick. */
uint64_t timer_next_deadline_of(uint32_t index);

/* True when ticks are programmed through stimecmp, false through SBI. */
bool timer_uses_sstc(void);

/* Whether a riscv,isa string ("rv64imac_zicsr_sstc") names a multi-letter extension. */
bool timer_isa_has_extension(const char *isa, const char *extension);

#endif
