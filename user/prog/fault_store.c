/*
 * fault_store: write into this program's own code, which is mapped R+X.
 * The kernel must kill it with SIGSEGV: text is never writable.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)main;
    printf("fault_store: writing to my own text at %p\n", (void *)code);
    *code = 0; /* an all-zero word is an illegal instruction: harmless if it did land */
    printf("fault_store: FAILED: the write to text went through\n");
    return 1;
}
