/*
 * backtrace.h: print the call chain that starts at a frame pointer.
 */
#ifndef CONSOLE_BACKTRACE_H
#define CONSOLE_BACKTRACE_H

#include <stdint.h>

/* Print the call chain that starts at frame pointer `fp`, within this hart's stack. */
void backtrace_print(uint64_t fp);

/*
 * The same for a trap: first the instruction that trapped (`pc`, sepc),
 * then its caller (`ra`, right even when the trapping function saved
 * nothing yet), then the frame chain from `fp`, without repeating ra.
 */
void backtrace_print_from(uint64_t pc, uint64_t ra, uint64_t fp);

#endif
