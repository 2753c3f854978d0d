/*
 * hang_loop: a kernel that spins forever with interrupts off, waiting for a
 * flag that nobody sets: the classic hang. The system tests let it time out
 * and check that the hang report names hang_loop_wait_for_flag and the line
 * of its loop (tests/system/test_hang.py).
 */
#include "console/console.h"
#include "main.h"

/* Never set: the bug this image stands for. volatile, so every pass reads it. */
static volatile int hang_loop_flag;

__attribute__((noinline)) static void hang_loop_wait_for_flag(void)
{
    /* hang_loop: the next line is the loop the report must name */
    while (hang_loop_flag == 0) {
    }
}

void kernel_run(void)
{
    kprintf("hang_loop: spinning with interrupts off, waiting for a flag nobody sets\n");
    /* sstatus.SIE (bit 1) off: no tick interrupts the loop, so the pc is always in it. */
    __asm__ volatile("csrc sstatus, %0" : : "r"(2UL) : "memory");
    hang_loop_wait_for_flag();
}
