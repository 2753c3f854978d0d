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
#include "arch/riscv.h"
#include "proc/interruptible.h"
#include "proc/signal.h"
#include "proc/process.h"
#include "proc/sched.h"
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

/*
 * A timespec as a count of `time` units (timer_frequency() a second),
 * rounded up so that a sleep is never shorter than asked, and saturated:
 * a request too long to count lasts for ever (until a signal), where
 * multiplying it out would wrap to a short sleep.
 */
static uint64_t timespec_to_time(const struct timespec *value)
{
    uint64_t frequency = timer_frequency();
    uint64_t seconds = (uint64_t)value->tv_sec;
    uint64_t fraction = ((uint64_t)value->tv_nsec * frequency + NS_PER_SECOND - 1) / NS_PER_SECOND;
    if (seconds > (UINT64_MAX - fraction) / frequency)
        return UINT64_MAX;
    return seconds * frequency + fraction;
}

/* `time` units back to a timespec (for what is left of an interrupted sleep). */
static struct timespec time_to_timespec(uint64_t units)
{
    uint64_t frequency = timer_frequency();
    struct timespec value = {(long)(units / frequency),
                             (long)((units % frequency) * NS_PER_SECOND / frequency)};
    return value;
}

static uint64_t saturating_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Read and check a request: -EFAULT, or -EINVAL for a negative time or tv_nsec out of range. */
static int timespec_from_user(uint64_t address, struct timespec *value)
{
    if (copy_from_user(process_current()->memory_set, value, address, sizeof(*value)) != 0)
        return -EFAULT;
    if (value->tv_sec < 0 || value->tv_nsec < 0 || (uint64_t)value->tv_nsec >= NS_PER_SECOND)
        return -EINVAL;
    return 0;
}

/*
 * Sleep until `deadline` (a `time` value); a signal that runs a handler or
 * ends the process ends it early with -EINTR, and then what was left goes
 * to `remaining` if it is not 0. A stop only pauses it (Linux restarts it
 * with the time left).
 */
static long sleep_until(uint64_t deadline, uint64_t remaining)
{
    if (deadline <= read_time()) {
        sched_yield(); /* a zero sleep still gives the hart away, as before */
        return 0;
    }
    /* A stop (and its SIGCONT) or an ignored signal does not end the sleep: it goes on. */
    int error;
    while ((error = sched_sleep_until_interruptible(deadline)) != 0 && signal_sleep_may_resume())
        ;
    if (error == 0)
        return 0;
    uint64_t now = read_time();
    struct timespec left = time_to_timespec(deadline > now ? deadline - now : 0);
    if (remaining != 0 &&
        copy_to_user(process_current()->memory_set, remaining, &left, sizeof(left)) != 0)
        return -EFAULT;
    return -EINTR; /* Linux too: a handler's SA_RESTART does not restart nanosleep */
}

long sys_nanosleep(struct context *context)
{
    struct timespec value;
    int error = timespec_from_user(syscall_arg(context, 0), &value);
    if (error != 0)
        return error;
    return sleep_until(saturating_add(read_time(), timespec_to_time(&value)),
                       syscall_arg(context, 1));
}

long sys_clock_nanosleep(struct context *context)
{
    uint64_t clock = syscall_arg(context, 0);
    uint64_t flags = syscall_arg(context, 1);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return -EINVAL;
    if ((flags & ~(uint64_t)TIMER_ABSTIME) != 0)
        return -EINVAL;
    struct timespec value;
    int error = timespec_from_user(syscall_arg(context, 2), &value);
    if (error != 0)
        return error;
    uint64_t deadline;
    if ((flags & TIMER_ABSTIME) != 0 && clock == CLOCK_REALTIME) {
        /* The realtime clock is the date (the RTC's at boot): what counts is how far away. */
        uint64_t wanted = (uint64_t)value.tv_sec * NS_PER_SECOND + (uint64_t)value.tv_nsec;
        uint64_t now = syscall_realtime_ns();
        struct timespec rest = {0, 0};
        if (wanted > now)
            rest = (struct timespec){(long)((wanted - now) / NS_PER_SECOND),
                                     (long)((wanted - now) % NS_PER_SECOND)};
        deadline = saturating_add(read_time(), timespec_to_time(&rest));
    } else if ((flags & TIMER_ABSTIME) != 0) {
        deadline = timespec_to_time(&value); /* CLOCK_MONOTONIC counts from boot, as `time` does */
    } else {
        deadline = saturating_add(read_time(), timespec_to_time(&value));
    }
    return sleep_until(deadline, (flags & TIMER_ABSTIME) != 0 ? 0 : syscall_arg(context, 3));
}

/* For ppoll (sys_poll.c): the same conversions, by their exported names. */
int syscall_timespec_from_user(uint64_t address, struct timespec *value)
{
    return timespec_from_user(address, value);
}

uint64_t syscall_timespec_deadline(const struct timespec *value)
{
    return saturating_add(read_time(), timespec_to_time(value));
}

uint64_t syscall_timespec_to_time(const struct timespec *value)
{
    return timespec_to_time(value);
}

struct timespec syscall_time_left(uint64_t deadline)
{
    uint64_t now = read_time();
    return time_to_timespec(deadline > now ? deadline - now : 0);
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
