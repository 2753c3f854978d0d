/*
 * vm_wx_violation: the kernel writes to its own text. After the remap, text
 * is R+X and never W, so the store takes a store page fault. The report must
 * name the access, show the page's flags (R-X) and its segment ("text"), and
 * call it a W^X violation.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"

/* The victim: a function whose first instruction the test tries to overwrite. */
__attribute__((noinline)) int vm_wx_victim(void)
{
    return 42;
}

__attribute__((noinline)) void vm_wx_write_into_text(void)
{
    /* A nop (addi x0, x0, 0): harmless if the write ever went through. */
    *(volatile uint32_t *)(uintptr_t)vm_wx_victim = 0x00000013;
}

void kernel_run(void)
{
    kprintf("vm_wx_violation: writing into kernel text at %p\n", (void *)vm_wx_victim);
    vm_wx_write_into_text();
    kprintf("vm_wx_violation: ERROR the write into text went through\n");
    machine_exit(1);
}
