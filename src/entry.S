/*
 * entry.S: the first instructions the kernel runs.
 *
 * OpenSBI jumps here in supervisor mode with paging off, the hart id in a0
 * and the physical address of the device tree in a1. This stub turns on Sv39
 * paging with a boot page table of 1 GiB pages, moves the program counter up
 * to the kernel's link address in the high half, clears .bss, and calls
 * kmain(hartid, dtb_pa) on the boot stack. kmain never returns.
 */
#include "arch/hart.h"
#include "arch/layout.h"
#include "arch/sv39.h"

    .section .text.entry, "ax"
    .globl _start
_start:
    /*
     * Only the boot hart should ever come here, and it comes first. But
     * OpenSBI 1.1 marks a hart START_PENDING before it stores the start
     * address, so a parked hart that wakes in between leaves with the stale
     * cold-boot address, which is this one, and a stale a1. The first hart
     * in claims the boot; any later one is a started hart and goes on below.
     */
    la      t0, boot_claimed
    li      t1, 1
    amoswap.w.aqrl t1, t1, (t0)
    bnez    t1, late_secondary

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
    /* tp = 0 until hart_enter() points it at this hart's block (arch/hart.h). */
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
 * A started hart that came in at _start (above): find its start info by its
 * hart id (a0) in secondary_starts, which smp.c fills before it asks OpenSBI
 * to start the hart, and go on as if it had arrived at _start_secondary. A
 * hart with no entry was never asked to start: it waits here for good.
 */
late_secondary:
    la      t0, secondary_starts
    li      t1, MAX_HARTS
1:
    ld      t2, 8(t0)               /* the start info's physical address; 0: unused */
    beqz    t2, 2f
    ld      t3, 0(t0)               /* the hart id it belongs to */
    bne     t3, a0, 2f
    mv      a1, t2
    j       _start_secondary
2:
    addi    t0, t0, 16
    addi    t1, t1, -1
    bnez    t1, 1b
3:
    wfi
    j       3b

/*
 * Where every other hart starts (proc/smp.c asks OpenSBI to start it here,
 * through the HSM extension). It arrives like the boot hart, in S-mode with
 * paging off, but later: a0 = its hart id, a1 = the physical address of its
 * struct hart_start_info (arch/hart.h). The boot page table is retired by
 * then, so it turns paging on with the kernel memory set's own table, which
 * maps the kernel only at its high address, not at the physical one this
 * code runs at. The trick: stvec = the high address of 1f. Once satp is
 * written, fetching the next instruction at its physical address takes a
 * page fault, and the trap lands at 1f, at its high address. (The jr below
 * covers a table that does map the low address: either way, 1f runs high.)
 */
    .section .text
    .globl _start_secondary
    .balign 4
_start_secondary:
    csrw    sie, zero
    li      t1, KERNEL_OFFSET
    la      t2, 1f                  /* physical: the pc is */
    add     t2, t2, t1              /* ... and its high address */
    csrw    stvec, t2
    ld      t0, HART_START_SATP(a1)
    sfence.vma
    csrw    satp, t0
    jr      t2                      /* not reached if the fetch faulted, which it does */
    .balign 4
1:
    sfence.vma
    add     a1, a1, t1              /* the start info at its high address */
    ld      sp, HART_START_STACK_TOP(a1)
    ld      tp, HART_START_TP(a1)
    li      fp, 0
    li      ra, 0
    mv      a0, a1
    call    kmain_secondary
2:
    wfi
    j       2b

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

/* Set by the first hart into _start: the boot hart. In .data, since _start clears .bss. */
    .balign 4
boot_claimed:
    .word   0

/* Pairs of (hart id, physical address of its struct hart_start_info), filled by smp.c. */
    .balign 8
    .globl secondary_starts
secondary_starts:
    .fill   2 * MAX_HARTS, 8, 0

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .space  BOOT_STACK_SIZE
boot_stack_top:
