/*
 * vm_stack_overflow: unbounded recursion on the boot kernel stack. Each
 * frame takes 256 bytes, so the 32 KiB stack runs into its guard page after
 * about 128 calls. The trap path must notice, move to the emergency stack
 * and report "kernel stack overflow" with the stack's name, then end the
 * machine with the panic status: never hang, never loop.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"

static volatile uint64_t depth_reached;
/* Never 0 in practice, but the compiler cannot know: the recursion has an exit. */
static volatile uint64_t depth_limit = UINT64_MAX;

__attribute__((noinline)) uint64_t vm_recurse(uint64_t depth)
{
    volatile uint8_t frame[224]; /* the space each call takes on the stack */
    frame[0] = (uint8_t)depth;
    depth_reached = depth;
    if (depth == depth_limit)
        return 0;
    /* The addition after the call keeps it from being a tail call. */
    return vm_recurse(depth + 1) + frame[0];
}

void kernel_run(void)
{
    kprintf("vm_stack_overflow: recursing without end\n");
    uint64_t result = vm_recurse(0);
    kprintf("vm_stack_overflow: ERROR the recursion returned %lu\n", result);
    machine_exit(1);
}
