/*
 * addr.h: distinct types for the four kinds of address number.
 *
 *   paddr_t  a physical address          vaddr_t  a virtual address
 *   ppn_t    a physical page number      vpn_t    a virtual page number
 *
 * Each is a one-field struct, so passing a physical address where a virtual
 * one is expected does not compile. Conversions are explicit and named.
 * A page number is an address shifted right by PAGE_SHIFT (12).
 */
#ifndef MM_ADDR_H
#define MM_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/layout.h"

typedef struct {
    uint64_t value;
} paddr_t;

typedef struct {
    uint64_t value;
} vaddr_t;

typedef struct {
    uint64_t value;
} ppn_t;

typedef struct {
    uint64_t value;
} vpn_t;

static inline paddr_t paddr(uint64_t value)
{
    return (paddr_t){value};
}

static inline vaddr_t vaddr(uint64_t value)
{
    return (vaddr_t){value};
}

static inline ppn_t paddr_to_ppn(paddr_t pa)
{
    return (ppn_t){pa.value >> PAGE_SHIFT};
}

static inline paddr_t ppn_to_paddr(ppn_t ppn)
{
    return (paddr_t){ppn.value << PAGE_SHIFT};
}

static inline vpn_t vaddr_to_vpn(vaddr_t va)
{
    return (vpn_t){va.value >> PAGE_SHIFT};
}

static inline vaddr_t vpn_to_vaddr(vpn_t vpn)
{
    /* Sv39 virtual addresses are 39 bits, sign-extended to 64. */
    uint64_t va = vpn.value << PAGE_SHIFT;
    if (va & (1ull << 38))
        va |= ~((1ull << 39) - 1);
    return (vaddr_t){va};
}

/* Where the kernel sees a physical address: its kernel-window pointer. */
static inline void *paddr_to_ptr(paddr_t pa)
{
    return (void *)(pa.value + KERNEL_OFFSET);
}

/* The physical address behind a kernel-window (or kernel-image) pointer. */
static inline paddr_t ptr_to_paddr(const void *p)
{
    return (paddr_t){(uint64_t)p - KERNEL_OFFSET};
}

static inline bool paddr_is_null(paddr_t pa)
{
    return pa.value == 0;
}

static inline uint64_t page_round_down(uint64_t x)
{
    return x & ~(uint64_t)(PAGE_SIZE - 1);
}

static inline uint64_t page_round_up(uint64_t x)
{
    return (x + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

#endif
