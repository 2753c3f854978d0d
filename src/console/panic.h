/*
 * panic.h: stop the kernel with a report a student can act on.
 *
 * panic() prints file:line, the hart, what was running, the message and a
 * backtrace with function names, then ends the machine with PANIC_EXIT_CODE.
 * assert() panics with the failed condition's text.
 */
#ifndef CONSOLE_PANIC_H
#define CONSOLE_PANIC_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU's exit status after a panic (101, as a Rust panic exits). */
#define PANIC_EXIT_CODE 101

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#define assert(condition)                                                                          \
    do {                                                                                           \
        if (!(condition))                                                                          \
            panic_at(__FILE__, __LINE__, "assertion failed: %s", #condition);                      \
    } while (0)

__attribute__((noreturn, format(printf, 3, 4))) void panic_at(const char *file, int line,
                                                              const char *fmt, ...);

/*
 * The exit status a panic ends the machine with. A test kernel whose success
 * is an expected panic (tests/kernel/should_panic.c) sets it to 0.
 */
void panic_set_exit_code(int code);

/*
 * How a panic ends the machine. The console knows no devices, so the device
 * layer tells it at boot (dev/machine.c passes machine_exit). Before that,
 * a panic prints its report and halts the hart.
 */
void panic_set_machine_exit(void (*machine_exit)(int code));

/*
 * With `halt` true (panic=halt on the command line, which make debug sets),
 * a panic prints its report and then parks the hart, interrupts off, in a
 * wfi loop (panic_halt), instead of ending the machine: GDB finds it there.
 */
void panic_set_halt(bool halt);

/* Where a debugger breaks on a panic: called once, after the report. */
void panic_break(void);

/*
 * A panic whose report prints more than one message (the trap report):
 * panic_begin() turns interrupts off and takes the console for the report;
 * the caller prints its details; panic_end(fp) prints the backtrace that
 * starts at frame pointer fp and ends the machine.
 */
void panic_begin(void);
__attribute__((noreturn)) void panic_end(uint64_t fp);
/* panic_end for a trap report: the backtrace starts at the trapping pc and its ra. */
__attribute__((noreturn)) void panic_end_trap(uint64_t pc, uint64_t ra, uint64_t fp);

/*
 * With several harts, one panic stops them all. The first hart to panic
 * owns the report; it sends every other hart an interrupt (SBI IPI), and a
 * hart that takes it, or that tries to print, or that panics too, stops
 * (panic_stop_this_hart) instead of writing into the report. True while
 * some other hart is panicking.
 */
bool panic_elsewhere(void);

/* Stop this hart for good: interrupts off, wfi for ever. */
__attribute__((noreturn)) void panic_stop_this_hart(void);

#endif
