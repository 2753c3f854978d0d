/*
 * syscall.h: raw system calls, the way the hardware sees them.
 *
 * `ecall` from user mode traps into the kernel. Linux's RISC-V convention:
 * the call's number goes in a7, up to six arguments in a0..a5, and the result
 * comes back in a0. A result from -4095 to -1 is a negative errno; anything
 * else is success. These functions return that raw value; the wrappers in
 * <unistd.h> and friends turn a failure into -1 and errno, as POSIX asks.
 *
 *     long pid = syscall0(SYS_getpid);
 *     long n = syscall3(SYS_write, 1, (long)"hi\n", 3);
 */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include "abi/syscall_nr.h"

/*
 * Each argument is pinned to its register with a register variable. The
 * "memory" clobber tells the compiler that the kernel may read or write any
 * memory (a buffer passed to write or read), so nothing is cached across it.
 */
static inline long syscall6(long number, long a, long b, long c, long d, long e, long f)
{
    register long a7 asm("a7") = number;
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a3 asm("a3") = d;
    register long a4 asm("a4") = e;
    register long a5 asm("a5") = f;
    asm volatile("ecall"
                 : "+r"(a0)
                 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
                 : "memory");
    return a0;
}

static inline long syscall0(long number)
{
    register long a7 asm("a7") = number;
    register long a0 asm("a0");
    asm volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
    return a0;
}

static inline long syscall1(long number, long a)
{
    register long a7 asm("a7") = number;
    register long a0 asm("a0") = a;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

static inline long syscall2(long number, long a, long b)
{
    register long a7 asm("a7") = number;
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    asm volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
    return a0;
}

static inline long syscall3(long number, long a, long b, long c)
{
    register long a7 asm("a7") = number;
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    asm volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}

static inline long syscall4(long number, long a, long b, long c, long d)
{
    return syscall6(number, a, b, c, d, 0, 0);
}

static inline long syscall5(long number, long a, long b, long c, long d, long e)
{
    return syscall6(number, a, b, c, d, e, 0);
}

/*
 * A raw result in -4095..-1 is an error: Linux's rule, so a large address
 * is not one. As unsigned numbers those are the 4095 largest: one compare.
 */
static inline int syscall_failed(long result)
{
    return (unsigned long)result >= (unsigned long)-4095;
}

#endif
