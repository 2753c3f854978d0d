/*
 * vm_jump_into_data: the kernel calls into a buffer in .data. data and bss
 * are R+W and never X, so fetching the first instruction there takes an
 * instruction page fault with stval = the buffer's address, and the report
 * names the segment ("data+bss") and the flags (RW-).
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"

/* `ret` (c.jr ra) encoded twice: code that would return at once if it ran. */
static volatile uint16_t not_code[8] = {0x8082, 0x8082};

void kernel_run(void)
{
    void (*function)(void) = (void (*)(void))(uintptr_t)not_code;
    kprintf("vm_jump_into_data: calling data at %p\n", (void *)not_code);
    function();
    kprintf("vm_jump_into_data: ERROR data ran as code\n");
    machine_exit(1);
}
