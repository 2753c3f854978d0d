/*
 * sleeptime: nanosleep and the clocks. Only facts are printed ("slept at
 * least 10 ms: yes"), never a time, so the output is the same on every run.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include "linuxtest.h"

static long long ns(const struct timespec *t)
{
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void)
{
    struct timespec a, b, res, req = {0, 10 * 1000 * 1000};
    lt_init();

    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime(CLOCK_MONOTONIC) works");
    CHECK(nanosleep(&req, NULL) == 0, "nanosleep(10 ms) returns 0");
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ns(&b) - ns(&a) >= 10000000LL, "slept at least 10 ms");
    CHECK(ns(&b) - ns(&a) < 5000000000LL, "slept less than 5 s");

    int monotonic = 1;
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (ns(&b) < ns(&a))
            monotonic = 0;
        a = b;
    }
    CHECK(monotonic, "CLOCK_MONOTONIC never goes back in 1000 reads");

    struct timespec rt;
    CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0, "clock_gettime(CLOCK_REALTIME) works");
    CHECK(rt.tv_sec > 1577836800, "the real-time clock is past 2020-01-01");
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    CHECK(tv.tv_sec - rt.tv_sec <= 2 && t - rt.tv_sec <= 2, "gettimeofday and time agree with it");
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
              res.tv_nsec <= 10000000,
          "CLOCK_MONOTONIC resolution is at most 10 ms");

    struct timespec bad = {0, 1000000000L};
    errno = 0;
    CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep with tv_nsec = 1e9: EINVAL");

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec target = a;
    target.tv_nsec += 20000000;
    if (target.tv_nsec >= 1000000000L) {
        target.tv_sec++;
        target.tv_nsec -= 1000000000L;
    }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL) == 0,
          "clock_nanosleep to an absolute time returns 0");
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ns(&b) >= ns(&target), "and it woke no earlier");
    return lt_status();
}
