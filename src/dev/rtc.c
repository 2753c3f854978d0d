/*
 * rtc.c: the Goldfish real-time clock. See rtc.h.
 *
 * Registers: TIME_LOW at 0x00 and TIME_HIGH at 0x04. Reading TIME_LOW
 * latches the high half, so the low half is read first, and two harts
 * reading at once must not interleave: a spinlock keeps the pair together.
 */
#include "dev/rtc.h"

#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "dev/devicetree.h"
#include "sync/spinlock.h"

#define RTC_TIME_LOW  0x00
#define RTC_TIME_HIGH 0x04

static uint64_t rtc_base; /* kernel-window address, 0 without an RTC */
/* Keeps one reader's two halves together: reading TIME_LOW latches TIME_HIGH for it. */
static struct spinlock rtc_lock = SPINLOCK_INIT("rtc");

void rtc_init(void)
{
    uint64_t base;
    uint64_t size;
    if (!devicetree_find_device("google,goldfish-rtc", &base, &size))
        return;
    rtc_base = (uint64_t)phys_to_virt(base);
    log_info("rtc: goldfish at %p: %lu seconds since 1970", (void *)base, rtc_seconds());
}

bool rtc_present(void)
{
    return rtc_base != 0;
}

uint64_t rtc_seconds(void)
{
    if (rtc_base == 0)
        return 0;
    spinlock_acquire(&rtc_lock);
    uint64_t low = mmio_read32(rtc_base + RTC_TIME_LOW);
    uint64_t high = mmio_read32(rtc_base + RTC_TIME_HIGH);
    spinlock_release(&rtc_lock);
    return (high << 32 | low) / 1000000000ull;
}
