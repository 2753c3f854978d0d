/*
 * rtc.h: the real-time clock: the date, for file timestamps.
 *
 * QEMU's virt machine has a Goldfish RTC ("google,goldfish-rtc"): a 64-bit
 * count of nanoseconds since 1970, read as two 32-bit registers. Without
 * one in the device tree, the clock reads 0 (1970).
 */
#ifndef DEV_RTC_H
#define DEV_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* Find the RTC in the device tree. */
void rtc_init(void);
bool rtc_present(void);

/* Seconds since 1970-01-01 00:00 UTC, or 0 without an RTC. */
uint64_t rtc_seconds(void);

#endif
