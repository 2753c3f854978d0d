/*
 * trap_load_fault: a load from an unmapped address in kernel code. Sv39
 * finds no valid entry for it, so the hart raises a load page fault with
 * stval = the address; the report must say so, and end with status 101.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"

/*
 * A low (user-half) address: the kernel maps nothing below 0x80000000, and
 * an odd-looking value is easy to find in the report.
 */
#define UNMAPPED_ADDRESS 0x12345678UL

__attribute__((noinline)) uint8_t trap_load_from_unmapped(void)
{
    return *(volatile uint8_t *)UNMAPPED_ADDRESS;
}

void kernel_run(void)
{
    kprintf("trap_load_fault: loading from %p\n", (void *)UNMAPPED_ADDRESS);
    uint8_t value = trap_load_from_unmapped();
    kprintf("trap_load_fault: ERROR the load returned %u\n", value);
    machine_exit(1);
}
