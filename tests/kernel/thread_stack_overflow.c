/*
 * thread_stack_overflow: unbounded recursion in a kernel thread, not in
 * the boot code. The report must name the thread and its stack, which
 * shows that the switch told the trap path (hart->stack_bottom, stack_top and
 * running) which stack runs now.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"
#include "proc/thread.h"

static volatile uint64_t depth_limit = UINT64_MAX;

__attribute__((noinline)) static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[224];
    frame[0] = (uint8_t)depth;
    if (depth == depth_limit)
        return 0;
    return recurse(depth + 1) + frame[0];
}

static int deep(void *unused)
{
    (void)unused;
    return (int)recurse(0);
}

void kernel_run(void)
{
    kprintf("thread_stack_overflow: thread 'deep-recursion' recurses without end\n");
    struct thread *thread = thread_create(deep, NULL, "deep-recursion");
    thread_join(thread, NULL);
    kprintf("thread_stack_overflow: ERROR the thread came back\n");
    machine_exit(1);
}
