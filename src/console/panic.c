/*
 * panic.c: the panic report, backtraces and symbol look-up.
 *
 * Backtraces follow frame pointers. The kernel is built with
 * -fno-omit-frame-pointer, so every function that calls another keeps
 *   fp (s0)  = the stack pointer on entry to the function (its frame's top)
 *   fp - 8   = the saved return address (ra)
 *   fp - 16  = the caller's fp
 * entry.S starts the chain with fp = 0, which ends the walk.
 *
 * The names come from a table the build appends to the image (.ksyms):
 * function start addresses, sorted, each with the offset of its name.
 */
#include "console/panic.h"

#include <stdarg.h>
#include <stdbool.h>

#include "console/console.h"
#include "dev/machine.h"
#include "lib/riscv.h"
#include "mm/layout.h"
#include "proc/cpu.h"
#include "sbi/sbi.h"
#include "trap/irq.h"

/* The table layout that scripts/gen_ksyms.py writes. */
struct ksym {
    uint64_t addr;
    uint64_t name_offset;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

static int panic_exit_code = PANIC_EXIT_CODE;

void panic_set_exit_code(int code)
{
    panic_exit_code = code;
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    if (addr < (uint64_t)text_start || addr >= (uint64_t)text_end || ksyms_count == 0)
        return NULL;
    /* Binary search for the last symbol that starts at or before addr. */
    uint64_t low = 0;
    uint64_t high = ksyms_count;
    while (high - low > 1) {
        uint64_t middle = low + (high - low) / 2;
        if (ksyms_table[middle].addr <= addr)
            low = middle;
        else
            high = middle;
    }
    if (ksyms_table[low].addr > addr)
        return NULL;
    if (offset != NULL)
        *offset = addr - ksyms_table[low].addr;
    return ksyms_names + ksyms_table[low].name_offset;
}

/* A frame pointer is followed only if it lies inside the current stack. */
static bool frame_pointer_ok(uint64_t fp)
{
    struct cpu *cpu = cpu_this();
    if (fp == 0 || (fp & 7) != 0 || cpu == NULL)
        return false;
    return fp - 16 >= cpu->stack_bottom && fp <= cpu->stack_top;
}

/* Say how often the frame printed last repeated, if it did (deep recursion). */
static void print_repeats(uint64_t repeats)
{
    if (repeats > 0)
        kprintf("  ... the frame above %lu more time%s\n", repeats, repeats == 1 ? "" : "s");
}

void backtrace_print(uint64_t fp)
{
    kprintf("backtrace:\n");
    uint64_t previous_ra = 0;
    uint64_t repeats = 0;
    int printed = 0;
    /* Walk up to 4096 frames, but print at most 32 distinct lines. */
    for (int walked = 0; walked < 4096 && printed < 32 && frame_pointer_ok(fp); walked++) {
        uint64_t ra = *(uint64_t *)(fp - 8);
        uint64_t caller_fp = *(uint64_t *)(fp - 16);
        if (ra == 0)
            break;
        if (ra == previous_ra) {
            repeats++; /* recursion: count the frame instead of printing it again */
        } else {
            print_repeats(repeats);
            repeats = 0;
            /* ra is the instruction after the call; ra - 1 is still inside the caller. */
            uint64_t offset = 0;
            const char *name = ksyms_lookup(ra - 1, &offset);
            kprintf("  #%d %p %s+0x%lx\n", walked, (void *)ra, name ? name : "??", offset + 1);
            printed++;
            previous_ra = ra;
        }
        /* Frames grow downward, so each caller's frame lies above. Anything else is corrupt. */
        if (caller_fp <= fp)
            break;
        fp = caller_fp;
    }
    print_repeats(repeats);
}

void panic_begin(void)
{
    irq_disable();
    struct cpu *cpu = cpu_this();
    if (cpu != NULL && cpu->panicking) {
        /*
         * A panic inside the panic report: say so plainly and stop. Straight
         * to SBI: the console lock, the formatter or the stack may be what broke.
         */
        static const char message[] = "\nPANIC while panicking: the report above is "
                                      "incomplete; halting\n";
        sbi_console_write(message, sizeof(message) - 1);
        machine_exit(panic_exit_code);
    }
    if (cpu != NULL)
        cpu->panicking = true;
    console_break_lock();
}

void panic_end(uint64_t fp)
{
    backtrace_print(fp);
    kprintf("panic: machine halted with exit code %d\n", panic_exit_code);
    machine_exit(panic_exit_code);
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    panic_begin();
    struct cpu *cpu = cpu_this();

    char message[256];
    va_list args;
    va_start(args, fmt);
    kvsnprintf(message, sizeof(message), fmt, args);
    va_end(args);

    kprintf("\nPANIC at %s:%d on hart %lu (%s): %s\n", file, line, cpu_hartid(),
            cpu != NULL && cpu->running_name != NULL ? cpu->running_name : "?", message);
    panic_end(read_fp());
}
