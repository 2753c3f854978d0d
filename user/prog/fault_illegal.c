/*
 * fault_illegal: run an illegal instruction. The kernel must kill this
 * process with SIGILL.
 */
#include <stdio.h>

int main(void)
{
    printf("fault_illegal: running an illegal instruction\n");
    /* `unimp` is an encoding the ISA promises will always be illegal. */
    asm volatile("unimp");
    printf("fault_illegal: FAILED: the illegal instruction did not trap\n");
    return 1;
}
