/*
 * sys_poll.c: ppoll, waiting for any of several descriptors to be ready.
 *
 *     ppoll(fds, nfds, timeout, sigmask, sigsetsize)
 *
 * Each struct pollfd names a descriptor and the events wanted; the call
 * fills in revents with what is true now (the file's poll operation,
 * fs/file.h) and returns how many entries have a nonzero revents. If none
 * has, it sleeps until something changes (fs/poll.h), the timeout passes
 * (then 0) or a signal comes (then -EINTR). A NULL timeout waits for ever,
 * a zero one not at all. As on Linux the timeout is written back with what
 * is left of it, and sigmask, if given, is the blocked set while the call
 * waits (as rt_sigsuspend's: the old set comes back on the way out).
 *
 * POLLERR, POLLHUP and POLLNVAL are reported whether asked for or not; a
 * descriptor that is not open gets POLLNVAL, a negative one is skipped.
 */
#include "abi/errno.h"
#include "abi/poll.h"
#include "abi/time.h"
#include "fs/file.h"
#include "fs/files.h"
#include "fs/poll.h"
#include "mm/uaccess.h"
#include "proc/interruptible.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "syscall/syscall.h"

_Static_assert(sizeof(struct pollfd) == 8, "struct pollfd is Linux's");

/* What a file without a poll operation (a disk file, /dev/null) always is: ready. */
#define ALWAYS_READY (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/* Fill in every revents; returns how many are nonzero. */
static int poll_look(struct pollfd *fds, uint64_t count)
{
    int ready = 0;
    for (uint64_t i = 0; i < count; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct file *file = files_get(fds[i].fd);
        if (file == NULL) {
            fds[i].revents = POLLNVAL;
        } else {
            uint32_t now = file->ops->poll != NULL ? file->ops->poll(file) : ALWAYS_READY;
            uint32_t wanted = (uint16_t)fds[i].events | POLLERR | POLLHUP;
            fds[i].revents = (int16_t)(now & wanted);
            file_put(file);
        }
        if (fds[i].revents != 0)
            ready++;
    }
    return ready;
}

long sys_ppoll(struct context *context)
{
    uint64_t user_fds = syscall_arg(context, 0);
    uint64_t count = syscall_arg(context, 1);
    uint64_t user_timeout = syscall_arg(context, 2);
    uint64_t user_mask = syscall_arg(context, 3);
    const struct memory_set *memory = process_current()->memory_set;

    /* Linux's limit is RLIMIT_NOFILE, which is FILES_MAX here. */
    if (count > FILES_MAX)
        return -EINVAL;
    struct pollfd fds[FILES_MAX];
    if (count > 0 && copy_from_user(memory, fds, user_fds, count * sizeof(fds[0])) != 0)
        return -EFAULT;
    uint64_t deadline = UINT64_MAX; /* no timeout: wait for ever */
    struct timespec timeout = {0, 0};
    if (user_timeout != 0) {
        int error = syscall_timespec_from_user(user_timeout, &timeout);
        if (error != 0)
            return error;
        deadline = syscall_timespec_deadline(&timeout);
    }
    if (user_mask != 0) {
        int error = signal_mask_during_call(user_mask, syscall_arg(context, 4));
        if (error != 0)
            return error;
    }

    long result;
    uint64_t ticket = poll_begin();
    for (;;) {
        result = poll_look(fds, count);
        if (result > 0)
            break;
        int error = poll_wait(ticket, deadline);
        if (error == -ETIMEDOUT) {
            result = 0;
            break;
        }
        if (error != 0) {
            /* Linux restarts ppoll only when no handler runs; a handler always sees EINTR. */
            result = -EINTR;
            break;
        }
        ticket = poll_ticket(); /* before the next look, so no change falls in between */
    }
    poll_end();

    if (result >= 0 && count > 0 &&
        copy_to_user(memory, user_fds, fds, count * sizeof(fds[0])) != 0)
        return -EFAULT;
    /* What is left of the timeout goes back (a zero one stays zero, unwritten, as on Linux). */
    if (user_timeout != 0 && (timeout.tv_sec != 0 || timeout.tv_nsec != 0)) {
        struct timespec left = syscall_time_left(deadline);
        (void)copy_to_user(memory, user_timeout, &left, sizeof(left)); /* a fault is ignored */
    }
    return result;
}
