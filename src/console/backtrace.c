/*
 * backtrace.c: the call chain, from frame pointers.
 *
 * The kernel is built with -fno-omit-frame-pointer, so every function that
 * calls another keeps
 *   fp (s0)  = the stack pointer on entry to the function (its frame's top)
 *   fp - 8   = the saved return address (ra)
 *   fp - 16  = the caller's fp
 * entry.S starts the chain with fp = 0, which ends the walk. Each frame is
 * named through the kernel's symbol table (ksyms.h).
 */
#include "console/backtrace.h"

#include <stdbool.h>

#include "arch/hart.h"
#include "console/console.h"
#include "console/ksyms.h"

/* A frame pointer is followed only if it lies inside the current stack. */
static bool frame_pointer_ok(uint64_t fp)
{
    struct hart *hart = hart_this();
    if (fp == 0 || (fp & 7) != 0 || hart == NULL)
        return false;
    return fp - 16 >= hart->stack_bottom && fp <= hart->stack_top;
}

/* Say how often the frame printed last repeated, if it did (deep recursion). */
static void print_repeats(uint64_t repeats)
{
    if (repeats > 0)
        kprintf("  ... the frame above %lu more time%s\n", repeats, repeats == 1 ? "" : "s");
}

/* One line: the address, the function that holds it and how far in, and a note. */
static void print_frame(int number, uint64_t address, uint64_t lookup, const char *note)
{
    uint64_t offset = 0;
    const char *name = ksyms_lookup(lookup, &offset);
    offset += address - lookup;
    if (name != NULL)
        kprintf("  #%d %p %s+0x%lx%s\n", number, (void *)address, name, offset, note);
    else
        kprintf("  #%d %p ??%s\n", number, (void *)address, note);
}

void backtrace_print_from(uint64_t pc, uint64_t ra, uint64_t fp)
{
    kprintf("backtrace:\n");
    int number = 0;
    uint64_t previous_ra = 0;
    if (pc != 0)
        print_frame(number++, pc, pc, "  <- here");
    if (ra != 0 && ra != pc) {
        /* ra is the instruction after the call; ra - 1 is still inside the caller. */
        print_frame(number++, ra, ra - 1, "");
        previous_ra = ra;
    }
    /* The chain's first frame usually holds that same ra: it is not a repeat. */
    bool skip_ra_once = previous_ra != 0;
    uint64_t repeats = 0;
    int printed = 0;
    /* Walk up to 4096 frames, but print at most 32 distinct lines. */
    for (int walked = 0; walked < 4096 && printed < 32 && frame_pointer_ok(fp); walked++) {
        uint64_t frame_ra = *(uint64_t *)(fp - 8);
        uint64_t caller_fp = *(uint64_t *)(fp - 16);
        if (frame_ra == 0)
            break;
        if (skip_ra_once && frame_ra == previous_ra) {
            skip_ra_once = false;
        } else if (frame_ra == previous_ra) {
            repeats++; /* recursion: count the frame instead of printing it again */
        } else {
            skip_ra_once = false;
            print_repeats(repeats);
            repeats = 0;
            print_frame(number++, frame_ra, frame_ra - 1, "");
            printed++;
            previous_ra = frame_ra;
        }
        /* Frames grow downward, so each caller's frame lies above. Anything else is corrupt. */
        if (caller_fp <= fp)
            break;
        fp = caller_fp;
    }
    print_repeats(repeats);
}

void backtrace_print(uint64_t fp)
{
    backtrace_print_from(0, 0, fp);
}
