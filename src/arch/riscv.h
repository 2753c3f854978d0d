/*
 * riscv.h: small accessors for the RISC-V registers and instructions the
 * kernel uses. Each is one instruction wrapped in a function, so the C code
 * reads as words and the assembly stays in one place. The bit names are
 * usable from assembly too (trap.S includes this file).
 */
#ifndef ARCH_RISCV_H
#define ARCH_RISCV_H

/* An unsigned long constant in C, a plain number in assembly (which has no suffixes). */
#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

/* sstatus bits. */
#define SSTATUS_SIE        (UL(1) << 1)  /* supervisor interrupts enabled */
#define SSTATUS_SPIE       (UL(1) << 5)  /* SIE before the last trap */
#define SSTATUS_SPP        (UL(1) << 8)  /* privilege before the last trap: 1 = S */
#define SSTATUS_FS         (UL(3) << 13) /* floating-point state: off, initial, clean, dirty */
#define SSTATUS_FS_OFF     (UL(0) << 13) /* any FP instruction is illegal */
#define SSTATUS_FS_INITIAL (UL(1) << 13) /* on; the registers hold their initial values */
#define SSTATUS_FS_CLEAN   (UL(2) << 13) /* on; unchanged since the kernel last saved them */
#define SSTATUS_FS_DIRTY   (UL(3) << 13) /* on; written since: the hardware sets it */
#define SSTATUS_SUM        (UL(1) << 18) /* S-mode may touch U pages */
#define SSTATUS_MXR        (UL(1) << 19) /* loads may read execute-only pages */

/* sie / sip bits: software, timer and external interrupts for S-mode. */
#define SIE_SSIE (UL(1) << 1)
#define SIE_STIE (UL(1) << 5)
#define SIE_SEIE (UL(1) << 9)
#define SIP_SSIP (UL(1) << 1) /* a software interrupt (an IPI) is pending; S-mode clears it */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Read a CSR by name: csr_read(sstatus). */
#define csr_read(csr)                                                                              \
    ({                                                                                             \
        uint64_t __value;                                                                          \
        asm volatile("csrr %0, " #csr : "=r"(__value));                                            \
        __value;                                                                                   \
    })

/* Write a CSR by name. */
#define csr_write(csr, value) asm volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(value)) : "memory")

/* Set bits in a CSR (csrs). */
#define csr_set(csr, bits) asm volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(bits)) : "memory")

/* Clear bits in a CSR (csrc). */
#define csr_clear(csr, bits) asm volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(bits)) : "memory")

/* Instructions retired so far: exact under qemu -icount. */
static inline uint64_t read_instret(void)
{
    uint64_t value;
    asm volatile("rdinstret %0" : "=r"(value));
    return value;
}

/* The time CSR: ticks of the timebase frequency the device tree gives. */
static inline uint64_t read_time(void)
{
    uint64_t value;
    asm volatile("rdtime %0" : "=r"(value));
    return value;
}

/*
 * Spin until `time` reaches `until`. Under -icount (make ktest, make bench)
 * every rdtime ends QEMU's translated block, so a loop of nothing but rdtime
 * runs twenty times slower than plain arithmetic: look at the clock only
 * every 256 turns of an empty counted loop (under a microsecond late).
 */
static inline void spin_until_time(uint64_t until)
{
    while (read_time() < until) {
        for (int i = 0; i < 256; i++)
            asm volatile("" ::: "memory");
    }
}

/*
 * stimecmp (CSR 0x14d, Sstc extension): the supervisor timer interrupt is
 * pending while time >= stimecmp. Named by number, since older assemblers
 * do not know it.
 */
static inline void write_stimecmp(uint64_t value)
{
    asm volatile("csrw 0x14d, %0" ::"r"(value));
}

/* The frame pointer (s0) of the calling function. */
static inline uint64_t read_fp(void)
{
    uint64_t value;
    asm volatile("mv %0, s0" : "=r"(value));
    return value;
}

/* The stack pointer. */
static inline uint64_t read_sp(void)
{
    uint64_t value;
    asm volatile("mv %0, sp" : "=r"(value));
    return value;
}

/* tp holds this hart's per-hart block in the kernel (arch/hart.h). */
static inline uint64_t read_tp(void)
{
    uint64_t value;
    asm volatile("mv %0, tp" : "=r"(value));
    return value;
}

static inline void write_tp(uint64_t value)
{
    asm volatile("mv tp, %0" ::"r"(value));
}

/* Wait for an interrupt; the hart may also wake for no reason. */
static inline void wfi(void)
{
    asm volatile("wfi");
}

/* Flush the whole TLB of this hart. */
static inline void sfence_vma_all(void)
{
    asm volatile("sfence.vma zero, zero" ::: "memory");
}

/* Flush the TLB entries of one virtual address. */
static inline void sfence_vma_addr(uint64_t va)
{
    asm volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/* A hint that this is a spin-wait loop (Zihintpause); a plain no-op on harts without it. */
static inline void cpu_relax(void)
{
    asm volatile(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory"); /* pause */
}

/* Order memory accesses, device accesses included. */
static inline void fence(void)
{
    asm volatile("fence iorw, iorw" ::: "memory");
}

/* 32-bit MMIO access through a volatile pointer. */
static inline void mmio_write32(uint64_t addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write8(uint64_t addr, uint8_t value)
{
    *(volatile uint8_t *)addr = value;
}

static inline uint8_t mmio_read8(uint64_t addr)
{
    return *(volatile uint8_t *)addr;
}

#endif /* __ASSEMBLER__ */

#endif
