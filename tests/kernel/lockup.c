/*
 * lockup: a kernel thread that waits in a loop, interrupts on, for a flag
 * that nobody sets, giving up after 350 ms: the soft-lockup check's case.
 * Booted with lockup=100, the tick must report it three times (LOCKUP ...
 * no reschedule for 100 ms,
 * sepc, ra and a backtrace through lockup_wait_for_flag and kernel_run), and
 * the loop must go on: a report, not a panic. tests/system/test_hang.py.
 */
#include <stdint.h>

#include "arch/riscv.h"
#include "console/console.h"
#include "main.h"
#include "trap/timer.h"

static volatile int lockup_flag;

__attribute__((noinline)) static void lockup_wait_for_flag(uint64_t give_up)
{
    /* lockup: the next line is the loop the report must name */
    while (lockup_flag == 0 && read_time() < give_up) {
    }
}

void kernel_run(void)
{
    kprintf("lockup: waiting in the kernel for a flag nobody sets, interrupts on, for 350 ms\n");
    lockup_wait_for_flag(read_time() + timer_frequency() * 35 / 100);
    kprintf("lockup: gave up waiting; the kernel went on\n");
}
