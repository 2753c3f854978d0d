/*
 * main.h: the kernel's start and what it runs after the init sequence.
 */
#ifndef MAIN_H
#define MAIN_H

#include <stdint.h>

void kmain(uint64_t hartid, uint64_t dtb_pa);

struct hart_start_info;
/* Where the other harts enter C (entry.S's _start_secondary), once paging is on. */
__attribute__((noreturn)) void kmain_secondary(const struct hart_start_info *info);

/*
 * Runs after the init sequence. The kernel's own is weak: a test image
 * (each image in tests/kernel, the ktest image, the bench image) defines its own.
 */
void kernel_run(void);

/* Instructions retired from the first instruction of entry.S to the end of kmain's init. */
uint64_t kmain_boot_instructions(void);

#endif
