/*
 * sys_linux.c: the calls static glibc programs make at start-up and in daily
 * use, each with Linux's semantics or Linux's error (docs/linux-abi.md has
 * the table of what is supported):
 *
 *   identity   set_tid_address, gettid, getuid/geteuid/getgid/getegid, uname, prctl
 *   limits     prlimit64, getrlimit, setrlimit (fixed limits, reported truthfully)
 *   time       gettimeofday, times, clock_getres (clock_nanosleep: sys_time.c)
 *   odds       getrandom, madvise (accepted), set_robust_list (accepted),
 *              rseq and membarrier (-ENOSYS on purpose: glibc copes)
 *
 * A process's first thread has the pid as its tid, as on Linux; the
 * threads clone adds have tids of their own (sys_thread.c).
 */
#include "abi/errno.h"
#include "abi/resource.h"
#include "abi/time.h"
#include "abi/utsname.h"
#include "dev/random.h"
#include "dev/rtc.h"
#include "fs/files.h"
#include "lib/string.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "syscall/syscall.h"
#include "trap/timer.h"

#define NS_PER_SECOND 1000000000ull

static struct memory_set *current_memory(void)
{
    return process_current()->memory_set;
}

/* ---- identity ------------------------------------------------------------------ */

long sys_set_tid_address(struct context *context)
{
    /* Where this thread's exit writes 0 and wakes a futex, as CLONE_CHILD_CLEARTID would. */
    struct thread *self = thread_current();
    self->clear_child_tid = syscall_arg(context, 0);
    return self->user_tid;
}

long sys_gettid(struct context *context)
{
    return thread_current()->user_tid;
}

/* getuid, geteuid, getgid, getegid: there are no users; everyone is root. */
long sys_getuid(struct context *context)
{
    return 0;
}

long sys_set_robust_list(struct context *context)
{
    /* Linux's check: the list head is 24 bytes. The list matters only to futexes at a
       thread's death, and this kernel has neither. */
    if (syscall_arg(context, 1) != 24)
        return -EINVAL;
    return 0;
}

long sys_uname(struct context *context)
{
    struct utsname name;
    memset(&name, 0, sizeof(name));
    strlcpy(name.sysname, "Linux", UTSNAME_LENGTH);
    strlcpy(name.nodename, "rvkernel", UTSNAME_LENGTH);
    strlcpy(name.release, "6.1.0", UTSNAME_LENGTH); /* the ABI followed: Debian 12's kernel */
    strlcpy(name.version, "#1 SMP rvkernel", UTSNAME_LENGTH);
    strlcpy(name.machine, "riscv64", UTSNAME_LENGTH);
    strlcpy(name.domainname, "(none)", UTSNAME_LENGTH);
    return copy_to_user(current_memory(), syscall_arg(context, 0), &name, sizeof(name));
}

long sys_prctl(struct context *context)
{
    uint64_t option = syscall_arg(context, 0);
    uint64_t address = syscall_arg(context, 1);
    struct process *process = process_current();
    char name[TASK_COMM_LEN];
    switch (option) {
    case PR_SET_NAME: {
        /* Linux takes at most 15 bytes and never fails on a longer name: it cuts it. */
        long length = string_from_user(process->memory_set, name, address, sizeof(name));
        if (length == -ENAMETOOLONG) {
            if (copy_from_user(process->memory_set, name, address, sizeof(name) - 1) != 0)
                return -EFAULT;
            name[sizeof(name) - 1] = '\0';
        } else if (length < 0) {
            return length;
        }
        strlcpy(process->name, name, sizeof(process->name));
        strlcpy(thread_current()->name, name, sizeof(thread_current()->name));
        return 0;
    }
    case PR_GET_NAME:
        memset(name, 0, sizeof(name));
        strlcpy(name, process->name, sizeof(name));
        return copy_to_user(process->memory_set, address, name, sizeof(name));
    default: return -EINVAL;
    }
}

/* ---- limits ---------------------------------------------------------------------- */

/* The limits are the kernel's, fixed: what it enforces, or infinity where it enforces none. */
static struct rlimit limit_of(unsigned resource)
{
    struct rlimit limit = {RLIM_INFINITY, RLIM_INFINITY};
    if (resource == RLIMIT_STACK)
        limit.rlim_cur = limit.rlim_max = MEMORY_SET_STACK_MAX;
    else if (resource == RLIMIT_NOFILE)
        limit.rlim_cur = limit.rlim_max = FILES_MAX;
    else if (resource == RLIMIT_CORE)
        limit.rlim_cur = limit.rlim_max = 0; /* no core dumps */
    return limit;
}

/* Read the old limit into `old` and check the new one: only the limit as it stands is taken. */
static long rlimit_call(uint64_t resource, uint64_t new_limit, uint64_t old_limit)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    struct memory_set *set = current_memory();
    struct rlimit limit = limit_of((unsigned)resource);
    if (new_limit != 0) {
        struct rlimit wanted;
        if (copy_from_user(set, &wanted, new_limit, sizeof(wanted)) != 0)
            return -EFAULT;
        if (wanted.rlim_cur > wanted.rlim_max)
            return -EINVAL;
        /* The limits cannot change here: say so, as Linux does to a raise past the hard one. */
        if (wanted.rlim_cur != limit.rlim_cur || wanted.rlim_max != limit.rlim_max)
            return -EPERM;
    }
    if (old_limit != 0 && copy_to_user(set, old_limit, &limit, sizeof(limit)) != 0)
        return -EFAULT;
    return 0;
}

long sys_prlimit64(struct context *context)
{
    int64_t pid = (int64_t)syscall_arg(context, 0);
    if (pid != 0 && pid != process_current()->pid)
        return process_find((int)pid) == NULL ? -ESRCH : -EPERM;
    return rlimit_call(syscall_arg(context, 1), syscall_arg(context, 2), syscall_arg(context, 3));
}

long sys_getrlimit(struct context *context)
{
    return rlimit_call(syscall_arg(context, 0), 0, syscall_arg(context, 1));
}

long sys_setrlimit(struct context *context)
{
    return rlimit_call(syscall_arg(context, 0), syscall_arg(context, 1), 0);
}

/* ---- time ------------------------------------------------------------------------ */

uint64_t syscall_realtime_ns(void)
{
    /* The RTC's date at boot plus the time since: it never jumps, as the RTC is read once. */
    static uint64_t boot_ns;
    if (boot_ns == 0) {
        uint64_t date = rtc_seconds() * NS_PER_SECOND;
        uint64_t uptime = timer_uptime_ns();
        boot_ns = date > uptime ? date - uptime : 1;
    }
    return boot_ns + timer_uptime_ns();
}

long sys_gettimeofday(struct context *context)
{
    uint64_t timeval = syscall_arg(context, 0);
    uint64_t timezone = syscall_arg(context, 1);
    uint64_t now = syscall_realtime_ns();
    struct timeval value = {(long)(now / NS_PER_SECOND), (long)(now % NS_PER_SECOND / 1000)};
    if (timeval != 0 && copy_to_user(current_memory(), timeval, &value, sizeof(value)) != 0)
        return -EFAULT;
    /* struct timezone, obsolete: UTC, no daylight saving time. */
    const int zone[2] = {0, 0};
    if (timezone != 0 && copy_to_user(current_memory(), timezone, zone, sizeof(zone)) != 0)
        return -EFAULT;
    return 0;
}

long sys_times(struct context *context)
{
    uint64_t buffer = syscall_arg(context, 0);
    /* No CPU time is accounted per process yet: all four figures are 0. */
    const struct tms value = {0, 0, 0, 0};
    if (buffer != 0 && copy_to_user(current_memory(), buffer, &value, sizeof(value)) != 0)
        return -EFAULT;
    return (long)(timer_uptime_ns() / (NS_PER_SECOND / 100)); /* in ticks of AT_CLKTCK */
}

static bool clock_known(uint64_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC;
}

long sys_clock_getres(struct context *context)
{
    uint64_t clock = syscall_arg(context, 0);
    uint64_t timespec = syscall_arg(context, 1);
    if (!clock_known(clock))
        return -EINVAL;
    /* One tick of the time CSR (100 ns at QEMU's 10 MHz). */
    uint64_t frequency = timer_frequency();
    uint64_t tick = frequency >= NS_PER_SECOND || frequency == 0 ? 1 : NS_PER_SECOND / frequency;
    struct timespec value = {0, (long)tick};
    if (timespec != 0 && copy_to_user(current_memory(), timespec, &value, sizeof(value)) != 0)
        return -EFAULT;
    return 0;
}

/* ---- odds ------------------------------------------------------------------------ */

long sys_getrandom(struct context *context)
{
    uint64_t buffer = syscall_arg(context, 0);
    uint64_t length = syscall_arg(context, 1);
    uint64_t flags = syscall_arg(context, 2);
    if ((flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0 ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if (length > 33554431) /* Linux's cap for one call: INT_MAX >> 6 (it returns that many) */
        length = 33554431;
    uint8_t chunk[256];
    for (uint64_t done = 0; done < length;) {
        size_t now = length - done < sizeof(chunk) ? (size_t)(length - done) : sizeof(chunk);
        random_fill(chunk, now);
        if (copy_to_user(current_memory(), buffer + done, chunk, now) != 0)
            return done > 0 ? (long)done : -EFAULT;
        done += now;
    }
    return (long)length;
}

long sys_madvise(struct context *context)
{
    uint64_t address = syscall_arg(context, 0);
    /*
     * Advice is a hint, and this kernel takes none of it. MADV_DONTNEED
     * would zero anonymous pages on Linux: no program here relies on that
     * (glibc uses it only for the stacks of threads that have ended).
     */
    if (address % PAGE_SIZE != 0)
        return -EINVAL;
    return 0;
}

/* rseq and membarrier: not here, and glibc does without them. */
long sys_not_implemented(struct context *context)
{
    return -ENOSYS;
}
