/*
 * trap.h: traps (interrupts and exceptions) in supervisor mode.
 *
 * trap_init() points stvec at trap.S. From then on every trap saves a
 * struct context on the kernel stack. Two handlers take it from there:
 *
 *   from kernel code   trap_dispatch() (dispatch.c) decodes scause: timer
 *                      and device interrupts go to their drivers, a
 *                      breakpoint is resumed, and any other exception is a
 *                      panic report with the cause, stval, sepc, every
 *                      register and a backtrace;
 *   from user code     the handler the layers above registered
 *                      (trap_set_user_handler): system calls, a program's
 *                      faults, interrupts that arrive while it runs.
 *
 * The trap layer knows nothing of threads or processes; the scheduler and
 * the system-call layer plug in through the two registrations below.
 */
#ifndef TRAP_TRAP_H
#define TRAP_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/cause.h"
#include "arch/context.h"
#include "arch/hart.h"

/* This hart's part (its slot, arch/hart.h). */
struct trap_hart {
    int interrupt_depth; /* how deep in interrupt handlers: nonzero means nothing may sleep */
    struct context *interrupted; /* the latest interrupt's trap frame (the tick's lockup check) */
};

static inline struct trap_hart *trap_hart(void)
{
    return (struct trap_hart *)hart_slot(HART_SLOT_TRAP);
}

/* Nonzero while this hart runs an interrupt handler. */
/*
 * The soft-lockup report (proc/sched.c decides when): "LOCKUP on hart H
 * (NAME): no reschedule for N ms", the interrupted sepc and ra, and a
 * backtrace from there. The thread is left running: it is a report.
 */
void trap_report_lockup(const struct context *context, uint64_t milliseconds);

/* Inside an interrupt handler: the context it interrupted (what ran, its sepc and ra). */
static inline struct context *trap_interrupted_context(void)
{
    return trap_hart()->interrupted;
}

static inline int trap_interrupt_depth(void)
{
    return trap_hart()->interrupt_depth;
}

/* Point stvec at the trap entry (direct mode) and mark the hart as running kernel code. */
void trap_init(void);

/*
 * Called by trap.S for a trap from kernel code (or from user code, until
 * a user handler is registered): a timer or device interrupt goes to its
 * driver, a breakpoint is resumed, and any other exception is a panic
 * report. Returning resumes the context.
 */
void trap_dispatch(struct context *context, uint64_t scause, uint64_t stval);

/*
 * Traps from user code belong to the layers that run user programs. They
 * register one handler, which trap.S calls for every trap from user mode
 * (system call, fault or interrupt); when it returns, trap_return goes back
 * to the context. kmain registers the system-call layer's (syscall/syscall.c);
 * a test kernel may register its own.
 *
 * The handler returns whether every register must be loaded back. False
 * promises that it left the context's s0..s11 as they were saved: then
 * those twelve are still in the registers (C code keeps callee-saved
 * registers for its caller, and a thread switch keeps them too), and the
 * way back skips reloading them. A system call that replaces them
 * (execve, rt_sigreturn) returns true.
 */
typedef bool (*trap_user_handler_t)(struct context *context, uint64_t scause, uint64_t stval);
void trap_set_user_handler(trap_user_handler_t handler);

/*
 * Called after every interrupt handler has finished (interrupt depth back
 * to 0): the scheduler registers its preemption check here, so a thread
 * whose time slice ended gives up the hart as the interrupt returns.
 */
void trap_set_interrupt_exit(void (*hook)(void));

/* The interrupt half of trap_dispatch, for user handlers: the driver, then the exit hook. */
void trap_handle_interrupt(struct context *context, uint64_t scause, uint64_t stval);

/*
 * The lines a page-fault report adds (nothing for other causes): the
 * access, the page's flags in `set`, the segment that holds the address,
 * and the likely mistake. The kernel's reports use it, and so do a user
 * program's (from_user: the notes are about user code).
 */
struct memory_set;
void trap_describe_page_fault(uint64_t scause, uint64_t stval, const struct memory_set *set,
                              bool from_user);

/* A breakpoint (ebreak or c.ebreak): count it and resume after it. */
void trap_handle_breakpoint(struct context *context);

/* trap.S calls this on the emergency stack when a kernel stack overflowed. */
__attribute__((noreturn)) void trap_stack_overflow(struct context *context, uint64_t scause,
                                                   uint64_t stval);

/* The length in bytes (2 or 4) of the instruction at context->sepc. */
int trap_instruction_length(const struct context *context);

/* How many breakpoints this kernel has handled and resumed. */
uint64_t trap_breakpoint_count(void);

#endif
