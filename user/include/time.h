/*
 * time.h: clocks and sleeping, in seconds and nanoseconds.
 */
#ifndef TIME_H
#define TIME_H

#include "abi/time.h" /* struct timespec, CLOCK_* */
#include <sys/types.h>

int clock_gettime(clockid_t clock, struct timespec *now);
/* Sleep for *request; on an early wake-up, *remaining (if not NULL) gets what was left. */
int nanosleep(const struct timespec *request, struct timespec *remaining);
/* The same on a clock, or until a time (flags = TIMER_ABSTIME); returns the errno, not -1. */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                    struct timespec *remaining);

#endif
