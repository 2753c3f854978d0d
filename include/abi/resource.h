/*
 * resource.h: resource limits (getrlimit, setrlimit, prlimit64), as Linux
 * numbers and lays them out (asm-generic/resource.h), and times(2)'s struct.
 */
#ifndef ABI_RESOURCE_H
#define ABI_RESOURCE_H

#include <stdint.h>

#define RLIMIT_CPU     0
#define RLIMIT_FSIZE   1
#define RLIMIT_DATA    2
#define RLIMIT_STACK   3 /* glibc asks at start-up: the main thread's stack */
#define RLIMIT_CORE    4
#define RLIMIT_RSS     5
#define RLIMIT_NPROC   6
#define RLIMIT_NOFILE  7 /* one more than the highest descriptor number */
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS      9
#define RLIM_NLIMITS   16

#define RLIM_INFINITY (~0ull)

struct rlimit {
    uint64_t rlim_cur; /* the soft limit: what is enforced */
    uint64_t rlim_max; /* the hard limit: how far the soft one may be raised */
};

/* times(2): CPU time in clock ticks of AT_CLKTCK (100 a second). */
struct tms {
    long tms_utime;
    long tms_stime;
    long tms_cutime;
    long tms_cstime;
};

#endif
