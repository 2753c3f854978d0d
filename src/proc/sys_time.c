/*
 * sys_time.c: clocks and sleeping, and sysinfo for memory figures.
 *
 * Both clocks count from boot: this machine has no battery-backed clock, so
 * CLOCK_REALTIME is the time since boot too. Under `qemu -icount` it is
 * virtual time, the same on every run.
 */
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/syscall.h"
#include "proc/thread.h"
#include "trap/timer.h"

#include "../user/include/sys/abi.h"

#define NS_PER_SECOND 1000000000ull

/* struct timespec as Linux lays it out on 64-bit RISC-V. */
struct user_timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

/* struct sysinfo as Linux lays it out on 64-bit RISC-V (112 bytes). */
struct user_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct user_sysinfo) == 112, "struct sysinfo is Linux's");

long sys_clock_gettime(uint64_t clock, uint64_t timespec, uint64_t a2, uint64_t a3, uint64_t a4,
                       uint64_t a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return -EINVAL;
    uint64_t now = timer_uptime_ns();
    struct user_timespec value = {(int64_t)(now / NS_PER_SECOND), (int64_t)(now % NS_PER_SECOND)};
    return copy_to_user(process_current()->memory_set, timespec, &value, sizeof(value));
}

long sys_nanosleep(uint64_t request, uint64_t remaining, uint64_t a2, uint64_t a3, uint64_t a4,
                   uint64_t a5)
{
    (void)remaining, (void)a2, (void)a3, (void)a4, (void)a5;
    struct user_timespec value;
    if (copy_from_user(process_current()->memory_set, &value, request, sizeof(value)) != 0)
        return -EFAULT;
    if (value.seconds < 0 || value.nanoseconds < 0 || (uint64_t)value.nanoseconds >= NS_PER_SECOND)
        return -EINVAL;
    /* Nothing interrupts a sleep yet (no signal handlers), so `remaining` is never written. */
    thread_sleep_ns((uint64_t)value.seconds * NS_PER_SECOND + (uint64_t)value.nanoseconds);
    return 0;
}

long sys_sysinfo(uint64_t info, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    struct user_sysinfo value = {0};
    value.uptime = (int64_t)(timer_uptime_ns() / NS_PER_SECOND);
    value.totalram = frame_total_count();
    value.freeram = frame_free_count(); /* in frames: mem_unit is the frame size */
    value.procs = (uint16_t)process_count();
    value.mem_unit = PAGE_SIZE;
    return copy_to_user(process_current()->memory_set, info, &value, sizeof(value));
}
