/*
 * time.h: clocks and sleeping, in seconds and nanoseconds.
 */
#ifndef TIME_H
#define TIME_H

#include <sys/abi.h>
#include <sys/types.h>

struct timespec {
    time_t tv_sec; /* seconds */
    long tv_nsec;  /* nanoseconds, 0..999999999 */
};

int clock_gettime(clockid_t clock, struct timespec *now);
/* Sleep for *request; on an early wake-up, *remaining (if not NULL) gets what was left. */
int nanosleep(const struct timespec *request, struct timespec *remaining);

#endif
