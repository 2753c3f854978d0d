/*
 * random.c: xorshift64* seeded from the RTC and the time CSR. See random.h.
 */
#include "dev/random.h"

#include <stdint.h>

#include "arch/riscv.h"
#include "dev/rtc.h"
#include "sync/spinlock.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint64_t random_state; /* 0: not seeded yet (xorshift never reaches 0) */

/* One step of xorshift64* (Vigna, 2016): period 2^64 - 1, and 0 is never reached. */
static uint64_t random_next_locked(void)
{
    uint64_t x = random_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    random_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

void random_fill(void *buffer, size_t length)
{
    uint8_t *out = buffer;
    spinlock_acquire(&random_lock);
    /* The time CSR differs at every call, and the RTC from boot to boot. */
    uint64_t stir = read_time() * 0x9e3779b97f4a7c15ull;
    if (random_state == 0)
        stir ^= rtc_seconds() * 0xbf58476d1ce4e5b9ull;
    random_state ^= stir;
    if (random_state == 0)
        random_state = 0x853c49e6748fea9bull;
    while (length > 0) {
        uint64_t word = random_next_locked();
        for (int i = 0; i < 8 && length > 0; i++, length--) {
            *out++ = (uint8_t)word;
            word >>= 8;
        }
    }
    spinlock_release(&random_lock);
}
