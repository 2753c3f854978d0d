/*
 * time.h: clock ids and struct timespec, as Linux lays them out on 64-bit
 * RISC-V (two 64-bit fields).
 */
#ifndef ABI_TIME_H
#define ABI_TIME_H

#define CLOCK_REALTIME  0 /* wall-clock time */
#define CLOCK_MONOTONIC 1 /* time since boot, never goes back */

#define TIMER_ABSTIME 1 /* clock_nanosleep: the request is a time to sleep until */

struct timespec {
    long tv_sec;  /* seconds */
    long tv_nsec; /* nanoseconds, 0..999999999 */
};

/* gettimeofday(2)'s older form of the same. */
struct timeval {
    long tv_sec;
    long tv_usec; /* microseconds */
};

/* clock_nanosleep's flag: the request is a time on the clock, not a duration. */
#define TIMER_ABSTIME 1

#endif
