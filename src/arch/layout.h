/*
 * layout.h: the kernel's memory map, shared by C and assembly.
 *
 *   virtual address                      what                     physical
 *   0xffff_ffff_ffff_ffff  +-------------------------------+
 *                          |  physical window, continued   |
 *   0xffff_ffff_8020_0000  |  kernel image (text..ksyms)   |  0x8020_0000
 *   0xffff_ffff_8000_0000  |  OpenSBI (not mapped)         |  0x8000_0000
 *                          |  MMIO: UART, PLIC, test dev   |  0x0c00_0000...
 *   0xffff_ffff_0000_0000  +-------------------------------+  0x0
 *                          |  (unused)                     |
 *   0xffff_ffc0_0400_0000  +-------------------------------+
 *                          |  kernel stacks, each with an  |
 *                          |  unmapped guard (mm/kstack.h) |
 *   0xffff_ffc0_0000_0000  +-------------------------------+
 *                          |  (not canonical in Sv39)      |
 *   0x0000_003f_ffff_ffff  +-------------------------------+
 *                          |  user space                   |
 *   0x0000_0000_0000_0000  +-------------------------------+
 *
 * A physical address P is visible to the kernel at P + KERNEL_OFFSET. That
 * "kernel window" is how the kernel touches RAM and devices without building
 * a mapping for each. The boot page table maps all of it with gigapages;
 * the kernel's MemorySet then keeps only RAM (R+W), its own image (per
 * section, W^X) and the devices it drives (docs/paging.md).
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_OFFSET 0xffffffff00000000
#define KERNEL_BASE   0xffffffff80200000
#define RAM_BASE      0x80000000
#define PAGE_SIZE     4096
#define PAGE_SHIFT    12

/*
 * The window's last usable physical address. VA = PA + KERNEL_OFFSET ends at
 * 2^64, so physical addresses from 4 GiB up have no window address. The very
 * last page below 4 GiB is left out too: its end, as a virtual address, would
 * wrap to 0, and a segment [start, 0) is no range at all.
 */
#define PHYS_WINDOW_LIMIT 0xfffff000ull

#define BOOT_STACK_SIZE (64 * 1024)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The kernel-window address of a physical address, and back. */
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(pa + KERNEL_OFFSET);
}

static inline uint64_t virt_to_phys(const void *va)
{
    return (uint64_t)va - KERNEL_OFFSET;
}

/* Boundaries exported by kernel.ld. Declared as arrays: only their addresses mean anything. */
extern char kernel_start[], kernel_end[];
extern char text_start[], text_end[];
extern char rodata_start[], rodata_end[];
extern char data_start[], data_end[];
extern char bss_start[], bss_end[];
extern char ksyms_start[], ksyms_end[];
extern char boot_stack_bottom[], boot_stack_top[];
#endif

#endif
