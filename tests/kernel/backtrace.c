/*
 * backtrace: a panic three calls deep. The report's backtrace must name
 * backtrace_level_three, backtrace_level_two and backtrace_level_one, in
 * that order (innermost first). noinline keeps each a real call.
 */
#include "console/panic.h"
#include "main.h"

__attribute__((noinline)) void backtrace_level_three(int value)
{
    panic("backtrace: deep panic with value %d", value);
}

__attribute__((noinline)) void backtrace_level_two(int value)
{
    backtrace_level_three(value + 1);
    asm volatile(""); /* keep this a call, not a jump */
}

__attribute__((noinline)) void backtrace_level_one(int value)
{
    backtrace_level_two(value + 1);
    asm volatile("");
}

void kernel_run(void)
{
    backtrace_level_one(1);
}
