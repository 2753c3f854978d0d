/*
 * dispatch.c: trap set-up, the dispatcher trap.S calls, and the trap report.
 * (Not trap.c: its object file would collide with trap.S's.)
 *
 * trap_dispatch() decodes scause. Interrupts go to the timer and the PLIC;
 * a breakpoint is resumed after its instruction; every other exception in
 * the kernel is a bug, reported with what a student needs to find it.
 */
#include "trap/trap.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/hart.h"
#include "arch/riscv.h"
#include "console/backtrace.h"
#include "console/console.h"
#include "console/ksyms.h"
#include "console/panic.h"
#include "dev/plic.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "trap/ipi.h"
#include "trap/timer.h"
#include "trace/timeline.h"

/* The layout trap.S assumes. */
_Static_assert(offsetof(struct context, x[31]) == 31 * 8, "x[] must start the context");
_Static_assert(offsetof(struct context, sstatus) == CONTEXT_SSTATUS, "CONTEXT_SSTATUS is wrong");
_Static_assert(offsetof(struct context, sepc) == CONTEXT_SEPC, "CONTEXT_SEPC is wrong");
_Static_assert(sizeof(struct context) == CONTEXT_SIZE, "CONTEXT_SIZE is wrong");
_Static_assert(CONTEXT_SIZE % 16 == 0, "the stack pointer must stay 16-byte aligned");

extern char trap_entry[];

static uint64_t breakpoints;

void trap_init(void)
{
    uint64_t vector = (uint64_t)trap_entry;
    if ((vector & 3) != 0)
        panic("trap_init: trap_entry at %p is not 4-byte aligned", trap_entry);
    /* The hart runs kernel code: sscratch = 0 tells trap.S so (docs/traps.md). */
    csr_write(sscratch, 0);
    /* MODE = 0 (direct) in the low two bits: every trap goes to the one entry. */
    csr_write(stvec, vector);
}

static bool from_kernel_mode(const struct context *context)
{
    return (context->sstatus & SSTATUS_SPP) != 0;
}

/* ---- The report for an exception the kernel cannot handle ---------------------- */

static const char *const register_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* What stval means for this cause, so the reader knows what the number is. */
static const char *stval_meaning(uint64_t scause, uint64_t stval)
{
    switch (scause) {
    case EXC_INSTRUCTION_MISALIGNED:
    case EXC_INSTRUCTION_ACCESS:
    case EXC_LOAD_MISALIGNED:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_MISALIGNED:
    case EXC_STORE_ACCESS:
    case EXC_INSTRUCTION_PAGE_FAULT:
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT: return "the faulting address";
    case EXC_ILLEGAL_INSTRUCTION: return stval != 0 ? "the instruction's bits" : "not given";
    default: return "not used for this cause";
    }
}

static void print_code_address(const char *label, uint64_t address)
{
    uint64_t offset = 0;
    const char *name = ksyms_lookup(address, &offset);
    if (name != NULL)
        kprintf("  %-7s 0x%016lx  %s+0x%lx\n", label, address, name, offset);
    else
        kprintf("  %-7s 0x%016lx  (not in kernel text)\n", label, address);
}

static void print_registers(const struct context *context)
{
    kprintf("registers:\n");
    for (int i = 0; i < 32; i++) {
        /* The x[0] slot is not the zero register's value (see arch/context.h). */
        uint64_t value = i == 0 ? 0 : context->x[i];
        kprintf("  %-4s %016lx%s", register_names[i], value, i % 4 == 3 ? "\n" : "");
    }
}

/*
 * Where the backtrace starts: the trapped code's s0. One catch: a function
 * that calls nothing (a leaf) saves only s0, at fp - 8, where other
 * functions keep ra. If that slot holds a stack address rather than a code
 * address, it is the caller's frame pointer; start there (the caller itself
 * is in ra, printed above the backtrace).
 */
static uint64_t backtrace_start(const struct context *context)
{
    uint64_t fp = context->x[REG_S0];
    struct hart *hart = hart_this();
    if (hart == NULL || (fp & 7) != 0 || fp - 8 < hart->stack_bottom || fp > hart->stack_top)
        return fp; /* not a kernel frame: backtrace_print refuses it */
    uint64_t slot = *(const uint64_t *)(fp - 8);
    if (slot >= hart->stack_bottom && slot <= hart->stack_top)
        return slot;
    return fp;
}

/*
 * For a page fault: what was tried on which address, what the page table
 * says about that page, which segment holds it, and the likely mistake.
 */
void trap_describe_page_fault(uint64_t scause, uint64_t stval, const struct memory_set *set,
                              bool from_user)
{
    static const char *const kinds[] = {
        [EXC_INSTRUCTION_PAGE_FAULT] = "execute",
        [EXC_LOAD_PAGE_FAULT] = "read",
        [EXC_STORE_PAGE_FAULT] = "write",
    };
    if (!cause_is_page_fault(scause))
        return;
    kprintf("  access:  %s at 0x%lx\n", kinds[scause], stval);
    if (!sv39_canonical(stval)) {
        kprintf("  page:    not a valid Sv39 address (bits 63..39 must copy bit 38)\n");
        return;
    }
    if (set == NULL) {
        kprintf("  page:    (the boot page table is active: no segments yet)\n");
        return;
    }
    uint64_t flags = memory_set_describe_address(set, vaddr(stval));
    bool in_guard = false;
    const char *stack = from_user ? NULL : kstack_describe(stval, &in_guard);
    if (stack != NULL && in_guard)
        kprintf("  note:    this is the guard page below kernel stack '%s'\n", stack);
    else if (scause == EXC_STORE_PAGE_FAULT && (flags & PTE_X) != 0)
        kprintf("  note:    W^X violation: a write to an executable page\n");
    else if (scause == EXC_STORE_PAGE_FAULT && (flags & PTE_R) != 0 && (flags & PTE_W) == 0)
        kprintf("  note:    a write to a read-only page\n");
    else if (scause == EXC_INSTRUCTION_PAGE_FAULT && (flags & PTE_V) != 0 && (flags & PTE_X) == 0)
        kprintf("  note:    W^X: jumped into a page that is not executable (data, not code)\n");
    else if (!from_user && (flags & PTE_U) != 0)
        kprintf("  note:    a user page touched by the kernel without copy_from_user/SUM\n");
    else if (from_user && (flags & PTE_V) != 0 && (flags & PTE_U) == 0 && (stval >> 63) == 0)
        kprintf(
            "  note:    PROT_NONE: the program made this memory inaccessible (mmap, mprotect)\n");
    else if (from_user && (flags & PTE_V) != 0 && (flags & PTE_U) == 0)
        kprintf("  note:    a kernel address: user code may not touch the kernel half\n");
    else if (from_user && memory_set_find_segment(set, vaddr(stval)) == NULL)
        kprintf("  note:    not part of the program's memory: a bad pointer (NULL?)\n");
}

__attribute__((noreturn)) static void trap_report(const struct context *context, uint64_t scause,
                                                  uint64_t stval)
{
    const char *name = cause_name(scause);
    const char *mode = from_kernel_mode(context) ? "kernel" : "user";
    panic_begin();
    kprintf("\nPANIC on hart %lu (%s): %s in %s mode\n", hart_id(), hart_running_name(), name,
            mode);
    kprintf("  scause  0x%016lx  %s\n", scause, name);
    kprintf("  stval   0x%016lx  %s\n", stval, stval_meaning(scause, stval));
    print_code_address("sepc", context->sepc);
    print_code_address("ra", context->x[REG_RA]);
    kprintf("  sstatus 0x%016lx  interrupts were %s\n", context->sstatus,
            (context->sstatus & SSTATUS_SPIE) != 0 ? "on" : "off");
    trap_describe_page_fault(scause, stval, memory_set_active(), false);
    print_registers(context);
    /* The trapping instruction, its caller, then the frame chain, outermost last. */
    panic_end_trap(context->sepc, context->x[REG_RA], backtrace_start(context));
}

void trap_report_lockup(const struct context *context, uint64_t milliseconds)
{
    kprintf("LOCKUP on hart %lu (%s): no reschedule for %lu ms\n", hart_id(), hart_running_name(),
            milliseconds);
    kprintf("  sepc    0x%016lx\n", context->sepc);
    kprintf("  ra      0x%016lx\n", context->x[REG_RA]);
    backtrace_print_from(context->sepc, context->x[REG_RA], backtrace_start(context));
}

/*
 * trap.S comes here, on the hart's emergency stack, when a trap in kernel
 * code finds the stack pointer at or below its stack's bottom: the stack
 * overflowed into its guard page. The hart's stack_bottom and stack_top
 * still describe the stack that overflowed, so the backtrace walks its frames.
 */
__attribute__((noreturn)) void trap_stack_overflow(struct context *context, uint64_t scause,
                                                   uint64_t stval)
{
    struct hart *hart = hart_this();
    uint64_t sp = context->x[REG_SP];
    panic_begin(); /* a second overflow while reporting this one ends the machine here */
    bool in_guard = false;
    const char *stack = kstack_describe(sp, &in_guard);
    kprintf("\nPANIC on hart %lu (%s): kernel stack overflow\n", hart_id(), hart_running_name());
    kprintf("  stack   %s [%p, %p)\n", stack != NULL ? stack : "(not a kernel stack)",
            (void *)hart->stack_bottom, (void *)hart->stack_top);
    kprintf("  sp      0x%016lx  %ld bytes below the stack's bottom%s\n", sp,
            (long)(hart->stack_bottom - sp), in_guard ? ", in its guard page" : "");
    kprintf("  scause  0x%016lx  %s (the trap that found it)\n", scause, cause_name(scause));
    kprintf("  stval   0x%016lx  %s\n", stval, stval_meaning(scause, stval));
    print_code_address("sepc", context->sepc);
    print_code_address("ra", context->x[REG_RA]);
    kprintf("  hint: deep or unbounded recursion, or a large local array; a kernel stack is "
            "%d KiB\n",
            KSTACK_SIZE / 1024);
    print_registers(context);
    panic_end_trap(context->sepc, context->x[REG_RA], context->x[REG_S0]);
}

/* ---- Handlers ----------------------------------------------------------------- */

int trap_instruction_length(const struct context *context)
{
    /*
     * The low two bits of an instruction's first halfword are 11 for a 32-bit
     * instruction and anything else for a 16-bit compressed one ("C" extension).
     * Instructions are 2-byte aligned, so reading one halfword is always safe.
     */
    /* LAB 2 BEGIN: trap_instruction_length */
    const volatile uint16_t *pc = (const volatile uint16_t *)context->sepc;
    uint16_t first;
    if (from_kernel_mode(context)) {
        first = *pc;
    } else {
        /* S-mode reads user pages only with SUM, and execute-only ones only with MXR. */
        csr_set(sstatus, SSTATUS_SUM | SSTATUS_MXR);
        first = *pc;
        csr_clear(sstatus, SSTATUS_SUM | SSTATUS_MXR);
    }
    if ((first & 3) == 3)
        return 4;
    return 2;
    /* LAB 2 END: trap_instruction_length */
}

/* ebreak (4 bytes) or c.ebreak (2 bytes): resume at the next instruction. */
static inline void resume_after_breakpoint(struct context *context)
{
    context->sepc += trap_instruction_length(context);
    __atomic_fetch_add(&breakpoints, 1, __ATOMIC_RELAXED);
}

void trap_handle_breakpoint(struct context *context)
{
    resume_after_breakpoint(context);
}

uint64_t trap_breakpoint_count(void)
{
    return __atomic_load_n(&breakpoints, __ATOMIC_RELAXED);
}

/* ---- Where the layers above come in ---------------------------------------------- */

/* Until the layers above register theirs: the kernel's own dispatch, and every register back. */
static bool user_trap_before_registration(struct context *context, uint64_t scause, uint64_t stval)
{
    trap_dispatch(context, scause, stval);
    return true;
}

/* Registered by the layers above (trap.h); trap.S calls the user handler through this. */
trap_user_handler_t trap_user_handler = user_trap_before_registration;
static void (*interrupt_exit_hook)(void);

void trap_set_user_handler(trap_user_handler_t handler)
{
    trap_user_handler = handler;
}

void trap_set_interrupt_exit(void (*hook)(void))
{
    interrupt_exit_hook = hook;
}

HART_SLOT_CHECK(struct trap_hart);

/* An interrupt's source, as the timeline names it. */
static const char *interrupt_source(uint64_t scause)
{
    switch (scause & ~SCAUSE_INTERRUPT) {
    case IRQ_S_TIMER: return "timer";
    case IRQ_S_EXTERNAL: return "device";
    case IRQ_S_SOFTWARE: return "ipi";
    default: return "other";
    }
}

void trap_handle_interrupt(struct context *context, uint64_t scause, uint64_t stval)
{
    struct trap_hart *mine = trap_hart();
    mine->interrupt_depth++;     /* handlers must never sleep; the scheduler checks this */
    mine->interrupted = context; /* for the tick's lockup check */
    const char *source = timeline_on ? interrupt_source(scause) : NULL;
    timeline_record_irq(TIMELINE_IRQ_ENTER, source);
    switch (scause & ~SCAUSE_INTERRUPT) {
    case IRQ_S_TIMER: timer_handle_interrupt(); break;
    case IRQ_S_EXTERNAL: plic_handle_interrupt(); break;
    case IRQ_S_SOFTWARE: ipi_handle(); break; /* another hart's IPI */
    default: trap_report(context, scause, stval);
    }
    timeline_record_irq(TIMELINE_IRQ_EXIT, source);
    mine->interrupt_depth--;
    /* The handler is done: if the tick ended the running thread's slice, switch now. */
    if (interrupt_exit_hook != NULL)
        interrupt_exit_hook();
}

/* An exception in kernel code: a breakpoint is resumed, anything else is a bug. */
static inline __attribute__((always_inline)) void
dispatch_exception(struct context *context, uint64_t scause, uint64_t stval)
{
    /* LAB 2 BEGIN: trap_dispatch_exceptions */
    if (scause == EXC_BREAKPOINT)
        resume_after_breakpoint(context);
    else
        trap_report(context, scause, stval); /* any other exception in the kernel is a bug */
    /* LAB 2 END: trap_dispatch_exceptions */
}

/*
 * A page fault in kernel code is a bug too, except in the one routine that
 * copies to and from user memory: that one is resolved, or ends the copy
 * with -EFAULT (mm/uaccess.c). Out of line, so that the breakpoint path
 * above stays as short as it was (trap_roundtrip_insns).
 */
static __attribute__((noinline)) void dispatch_late_exception(struct context *context,
                                                              uint64_t scause, uint64_t stval)
{
    if (cause_is_page_fault(scause) && uaccess_fault(context, scause, stval))
        return;
    dispatch_exception(context, scause, stval);
}

void trap_dispatch(struct context *context, uint64_t scause, uint64_t stval)
{
    if (cause_is_interrupt(scause)) {
        trap_handle_interrupt(context, scause, stval);
        return;
    }
    if (scause >= EXC_INSTRUCTION_PAGE_FAULT) /* the page faults, and the rare codes above */
        dispatch_late_exception(context, scause, stval);
    else
        dispatch_exception(context, scause, stval);
}
