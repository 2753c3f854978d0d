/*
 * sys_time.c: clocks and sleeping, and sysinfo for memory figures.
 *
 * CLOCK_MONOTONIC counts from boot; CLOCK_REALTIME adds the goldfish RTC's
 * date at boot (syscall_realtime_ns, sys_linux.c). Under `qemu -icount` the
 * monotonic clock is virtual time, the same on every run.
 */
#include "abi/errno.h"
#include "mm/frame.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "proc/thread.h"
#include "trap/timer.h"

#include "abi/sysinfo.h"
#include "abi/time.h"

#define NS_PER_SECOND 1000000000ull

_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo is Linux's");
_Static_assert(sizeof(struct timespec) == 16, "struct timespec is Linux's");

long sys_clock_gettime(struct context *context)
{
    uint64_t clock = syscall_arg(context, 0);
    uint64_t timespec = syscall_arg(context, 1);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return -EINVAL;
    uint64_t now = clock == CLOCK_REALTIME ? syscall_realtime_ns() : timer_uptime_ns();
    struct timespec value = {(long)(now / NS_PER_SECOND), (long)(now % NS_PER_SECOND)};
    return copy_to_user(process_current()->memory_set, timespec, &value, sizeof(value));
}

long sys_nanosleep(struct context *context)
{
    uint64_t request = syscall_arg(context, 0);
    struct timespec value;
    if (copy_from_user(process_current()->memory_set, &value, request, sizeof(value)) != 0)
        return -EFAULT;
    if (value.tv_sec < 0 || value.tv_nsec < 0 || (uint64_t)value.tv_nsec >= NS_PER_SECOND)
        return -EINVAL;
    /* Nothing interrupts a sleep yet (no signal handlers), so `remaining` is never written. */
    sched_sleep_ns((uint64_t)value.tv_sec * NS_PER_SECOND + (uint64_t)value.tv_nsec);
    return 0;
}

long sys_sysinfo(struct context *context)
{
    uint64_t info = syscall_arg(context, 0);
    struct sysinfo value = {0};
    value.uptime = (long)(timer_uptime_ns() / NS_PER_SECOND);
    value.totalram = frame_total_count();
    value.freeram = frame_free_count(); /* in frames: mem_unit is the frame size */
    value.procs = (uint16_t)process_count();
    value.mem_unit = PAGE_SIZE;
    return copy_to_user(process_current()->memory_set, info, &value, sizeof(value));
}
