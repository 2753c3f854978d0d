/*
 * fault_load [ADDRESS]: load from an address this program may not read.
 * The kernel must kill it with SIGSEGV and nothing else. The default is
 * NULL; `fault_load 0xffffffff80200000` tries the kernel's own text, which is
 * mapped in every address space but without the U bit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    uintptr_t address = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
    printf("fault_load: reading 0x%lx\n", (unsigned long)address);
    volatile uint64_t *p = (volatile uint64_t *)address;
    uint64_t value = *p;
    printf("fault_load: FAILED: read 0x%lx and was not stopped\n", value);
    return 1;
}
