/*
 * random.h: the kernel's random bytes, for AT_RANDOM and getrandom(2).
 *
 * Not cryptographic: a xorshift64* generator, seeded at first use from the
 * goldfish RTC (the date) and the time CSR (ticks since power-on), and
 * stirred with the time CSR at every call. It is enough for what glibc
 * uses it for in a teaching kernel: a stack canary, a pointer guard and
 * malloc's tcache key that differ from boot to boot.
 */
#ifndef DEV_RANDOM_H
#define DEV_RANDOM_H

#include <stddef.h>

/* Fill `length` bytes at `buffer` (kernel memory). Never fails, never sleeps. */
void random_fill(void *buffer, size_t length);

#endif
