/*
 * entry.S: the first instructions the kernel runs.
 *
 * OpenSBI jumps here in supervisor mode with paging off, the hart id in a0
 * and the physical address of the device tree in a1. This stub turns on Sv39
 * paging with a boot page table of 1 GiB pages, moves the program counter up
 * to the kernel's link address in the high half, clears .bss, and calls
 * kmain(hartid, dtb_pa) on the boot stack. kmain never returns.
 */
#include "arch/layout.h"
#include "arch/sv39.h"

    .section .text.entry, "ax"
    .globl _start
_start:
    /* Note the instruction count first, for the boot-cost benchmark. */
    csrr    t6, instret
    la      t0, boot_entry_instret
    sd      t6, 0(t0)

    /* No interrupts until the trap vector is ready. */
    csrw    sie, zero

    /* a0 and a1 must survive until kmain; s1/s2 are not touched below. */
    mv      s1, a0
    mv      s2, a1

    /*
     * satp = MODE (8 = Sv39) << 60 | PPN of the root table. Until now `la`
     * has given physical addresses, since the PC is physical.
     */
    la      t0, boot_page_table
    srli    t0, t0, 12
    li      t1, SATP_MODE_SV39
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma

    /*
     * The identity gigapage keeps this code mapped. Now jump to the same
     * instruction in the high half: physical + KERNEL_OFFSET.
     */
    li      t1, KERNEL_OFFSET
    la      t0, 1f
    add     t0, t0, t1
    jr      t0
1:
    /* From here on the PC is high, so `la` gives high addresses. */
    la      sp, boot_stack_top

    la      t0, bss_start
    la      t1, bss_end
2:
    bgeu    t0, t1, 3f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       2b
3:
    /* tp = 0 until hart_init() points it at this hart's per-hart block. */
    li      tp, 0
    /* fp = 0 and ra = 0 end every backtrace here. */
    li      fp, 0
    li      ra, 0
    mv      a0, s1
    mv      a1, s2
    call    kmain
4:
    wfi
    j       4b

/*
 * The boot page table: 512 entries of 8 bytes, each mapping 1 GiB.
 *   entry 2          VA 0x80000000         -> PA 0x80000000  (identity, for the jump)
 *   entries 508..511 VA 0xffffffff00000000 -> PA 0x00000000  (the kernel window,
 *                    4 GiB: MMIO, OpenSBI and RAM, the kernel image included)
 * A leaf PTE holds PPN << 10 | flags; for a gigapage PPN = PA >> 12.
 */
#define BOOT_PTE(pa) (((pa) >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

    .section .data.boot_page_table, "aw"
    .balign 4096
    .globl boot_page_table
boot_page_table:
    .quad   0
    .quad   0
    .quad   BOOT_PTE(0x80000000)
    .fill   505, 8, 0
    .quad   BOOT_PTE(0x00000000)
    .quad   BOOT_PTE(0x40000000)
    .quad   BOOT_PTE(0x80000000)
    .quad   BOOT_PTE(0xc0000000)

    .section .data
    .balign 8
    .globl boot_entry_instret
boot_entry_instret:
    .quad   0

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .space  BOOT_STACK_SIZE
boot_stack_top:
