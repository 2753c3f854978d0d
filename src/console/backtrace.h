/*
 * backtrace.h: print the call chain that starts at a frame pointer.
 */
#ifndef CONSOLE_BACKTRACE_H
#define CONSOLE_BACKTRACE_H

#include <stdint.h>

/* Print the call chain that starts at frame pointer `fp`, within this hart's stack. */
void backtrace_print(uint64_t fp);

#endif
