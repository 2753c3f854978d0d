/*
 * hang: a kernel that never ends, so the system tests can prove that the
 * harness reports a hang as a timeout instead of waiting forever.
 */
#include "console/console.h"
#include "arch/riscv.h"
#include "main.h"

void kernel_run(void)
{
    kprintf("hang: looping forever\n");
    for (;;)
        wfi();
}
