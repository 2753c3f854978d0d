/*
 * panic.c: the panic report: what happened, where, on which hart, and the
 * call chain that led there (backtrace.c), then the end of the machine.
 */
#include "console/panic.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/backtrace.h"
#include "console/console.h"
#include "sbi/sbi.h"

static int panic_exit_code = PANIC_EXIT_CODE;

/* How the machine ends: the device layer says at boot (panic_set_machine_exit). */
static void (*machine_exit_hook)(int code);

/* This hart's part (its slot, arch/hart.h). */
struct panic_hart {
    bool panicking; /* set while this hart panics, so a second panic gives up at once */
};
HART_SLOT_CHECK(struct panic_hart);

static struct panic_hart *panic_hart(void)
{
    return hart_this() == NULL ? NULL : (struct panic_hart *)hart_slot(HART_SLOT_PANIC);
}

void panic_set_exit_code(int code)
{
    panic_exit_code = code;
}

void panic_set_machine_exit(void (*machine_exit)(int code))
{
    machine_exit_hook = machine_exit;
}

/* The end of every panic: the machine's exit, or, before there is one, a halt. */
__attribute__((noreturn)) static void end_machine(int code)
{
    if (machine_exit_hook != NULL)
        machine_exit_hook(code);
    static const char message[] = "panic: no way to end the machine is known yet; halting\n";
    sbi_console_write(message, sizeof(message) - 1);
    for (;;)
        wfi(); /* interrupts are off: nothing wakes it for good */
}

/* Which hart owns the report: its index + 1, or 0 while nobody panics. */
static uint32_t panic_owner;

static uint32_t this_owner_value(void)
{
    return hart_index() + 1; /* before hart_enter: index 0, the boot hart */
}

bool panic_elsewhere(void)
{
    uint32_t owner = __atomic_load_n(&panic_owner, __ATOMIC_ACQUIRE);
    return owner != 0 && owner != this_owner_value();
}

void panic_stop_this_hart(void)
{
    for (;;) {
        irq_disable();
        wfi();
    }
}

/* Interrupt every other hart that runs the kernel: their interrupt handlers stop them. */
static void stop_other_harts(void)
{
    uint32_t others = hart_online_mask() & ~(1u << hart_index());
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        const struct hart *hart = hart_by_index(index);
        if ((others & (1u << index)) != 0 && hart != NULL)
            sbi_send_ipi(1, (long)hart->id);
    }
}

void panic_begin(void)
{
    irq_disable();
    /* Only one report: a hart that panics while another one reports stops here. */
    uint32_t expected = 0;
    if (!__atomic_compare_exchange_n(&panic_owner, &expected, this_owner_value(), false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
        expected != this_owner_value())
        panic_stop_this_hart();
    stop_other_harts();
    struct panic_hart *mine = panic_hart();
    if (mine != NULL && mine->panicking) {
        /*
         * A panic inside the panic report: say so plainly and stop. Straight
         * to SBI: the console lock, the formatter or the stack may be what broke.
         */
        static const char message[] = "\nPANIC while panicking: the report above is "
                                      "incomplete; halting\n";
        sbi_console_write(message, sizeof(message) - 1);
        end_machine(panic_exit_code);
    }
    if (mine != NULL)
        mine->panicking = true;
    console_break_lock();
}

void panic_end(uint64_t fp)
{
    panic_end_trap(0, 0, fp);
}

/* panic=halt on the command line: park the hart after the report, for a debugger. */
static bool halt_for_debugger;

void panic_set_halt(bool halt)
{
    halt_for_debugger = halt;
}

/*
 * Called once per panic, after the whole report. It does nothing: it is
 * where the project's GDB script puts its breakpoint (scripts/gdbinit), so
 * GDB stops with the report on the console and the panicking frames on the
 * stack. noinline and global, so the symbol is always there to break on.
 */
__attribute__((noinline)) void panic_break(void)
{
    asm volatile("" ::: "memory");
}

/* Interrupts are off: the hart stays here, its state intact, until a debugger looks. */
__attribute__((noinline, noreturn)) static void panic_halt(void)
{
    for (;;)
        wfi();
}

void panic_end_trap(uint64_t pc, uint64_t ra, uint64_t fp)
{
    backtrace_print_from(pc, ra, fp);
    if (halt_for_debugger) {
        kprintf("panic: hart %lu halted for the debugger (panic=halt): attach GDB, or end QEMU "
                "with Ctrl-A X\n",
                hart_id());
        panic_break();
        panic_halt();
    }
    kprintf("panic: machine halted with exit code %d\n", panic_exit_code);
    panic_break();
    end_machine(panic_exit_code);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    panic_begin();
    char message[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof(message), fmt, args);
    va_end(args);

    kprintf("\nPANIC at %s:%d on hart %lu (%s): %s\n", file, line, hart_id(), hart_running_name(),
            message);
    panic_end(read_fp());
}
