/*
 * sv39.h: the Sv39 page-table format, as the privileged specification
 * defines it; usable from C and assembly.
 *
 * A virtual address has 39 meaningful bits, split into three 9-bit page
 * table indices and a 12-bit page offset; bits 63..39 must copy bit 38. A
 * page-table entry holds a physical page number (PPN, bits 53..10) and the
 * flag bits below. mm/pagetable.h builds the walks on these facts.
 */
#ifndef ARCH_SV39_H
#define ARCH_SV39_H

/* satp.MODE = 8 (Sv39) in bits 63..60; the root table's PPN in bits 43..0. */
#define SATP_MODE_SV39 (8UL << 60)

/* Page-table entry bits (privileged spec, section "Sv39"). */
#define PTE_V (1 << 0) /* valid */
#define PTE_R (1 << 1) /* readable */
#define PTE_W (1 << 2) /* writable */
#define PTE_X (1 << 3) /* executable */
#define PTE_U (1 << 4) /* user mode may access */
#define PTE_G (1 << 5) /* global: in every address space */
#define PTE_A (1 << 6) /* accessed */
#define PTE_D (1 << 7) /* dirty */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* Is va a canonical Sv39 address (bits 63..39 equal to bit 38)? */
static inline bool sv39_canonical(uint64_t va)
{
    uint64_t upper = va >> 38;
    return upper == 0 || upper == (1ull << 26) - 1;
}
#endif

#endif
