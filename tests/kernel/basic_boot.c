/*
 * basic_boot: the smallest test kernel. It boots through the whole init
 * sequence and checks what that sequence promised: the stack is the guarded
 * boot stack in the kernel stack region, .bss is zero, the device tree gave a memory size, and
 * printing works. It ends QEMU with 0 only if every check held.
 */
#include "console/console.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "main.h"
#include "mm/kstack.h"
#include "arch/layout.h"

static uint64_t must_be_zero[64];

void kernel_run(void)
{
    int failures = 0;
    uint64_t sp = read_sp();
    bool in_guard = true;
    const char *stack = kstack_describe(sp, &in_guard);
    if (stack == NULL || strcmp(stack, "boot") != 0 || in_guard) {
        kprintf("basic_boot: sp %p is not on the guarded boot stack\n", (void *)sp);
        failures++;
    }
    for (int i = 0; i < 64; i++) {
        if (must_be_zero[i] != 0) {
            kprintf("basic_boot: .bss word %d is %lx, not zero\n", i, must_be_zero[i]);
            failures++;
        }
    }
    if (devicetree_memory_total() == 0) {
        kprintf("basic_boot: the device tree reported no memory\n");
        failures++;
    }
    if ((uint64_t)kmain < KERNEL_BASE) {
        kprintf("basic_boot: kmain at %p is not in the high half\n", (void *)kmain);
        failures++;
    }
    kprintf("basic_boot: %s\n", failures == 0 ? "ok" : "FAILED");
    machine_exit(failures);
}
