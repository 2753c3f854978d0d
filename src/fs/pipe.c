/*
 * pipe.c: pipes. See pipe.h.
 *
 * The buffer is a ring of PIPE_SIZE bytes; `written` and `read` count bytes
 * for ever (wrapping at 2^32), so `written - read` is what waits and the
 * slot of byte n is n % PIPE_SIZE. One spinlock guards everything, and the
 * copy to or from user memory happens under it: a fault in the copy is
 * resolved or ends it with -EFAULT without sleeping (mm/uaccess.h), and
 * the longest one is a few thousand instructions. A reader and a writer count how many
 * of them sleep, so the other side calls into the scheduler only when
 * someone is there to wake: the common case, one process writing while the
 * other reads, is one lock, one copy and at most one direct wake-up. The
 * two calls take the lock with spinlock.h's inline bodies, as the thread
 * switch does: the round trip is measured in instructions (docs/pipes.md).
 */
#include "fs/pipe.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/poll.h"
#include "abi/signal.h"
#include "abi/stat.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "lib/string.h"
#include "mm/heap/heap.h"
#include "mm/uaccess.h"
#include "proc/interruptible.h"
#include "proc/process.h"
#include "proc/signal.h"
#include "proc/wait_queue.h"
#include "sync/spinlock.h"

_Static_assert((PIPE_SIZE & (PIPE_SIZE - 1)) == 0, "PIPE_SIZE must be a power of two");

struct pipe {
    struct spinlock lock; /* guards everything below; the wait queues' guard */
    uint32_t written;     /* bytes ever written */
    uint32_t read;        /* bytes ever read */
    uint32_t readers;     /* read ends open */
    uint32_t writers;     /* write ends open */
    uint32_t readers_waiting;
    uint32_t writers_waiting;
    struct wait_queue can_read;  /* readers wait here for data (or the end) */
    struct wait_queue can_write; /* writers wait here for room (or no reader) */
    uint8_t *buffer;             /* PIPE_SIZE bytes */
};

static uint32_t pipe_used(const struct pipe *pipe)
{
    return pipe->written - pipe->read;
}

/*
 * Copy `count` bytes out of the ring, starting at byte `from`, to user
 * memory; and into it. Most copies do not reach the ring's end: one call
 * to the user copy, with nothing else to keep across it. A copy that
 * wraps around is two, out of line (so the callers' common case needs
 * fewer registers saved: the round trip counts them, docs/pipes.md).
 */
static __attribute__((noinline)) int ring_to_user_wrapped(const struct pipe *pipe, uint32_t start,
                                                          uint64_t buffer, uint32_t count)
{
    const struct memory_set *set = process_current()->memory_set;
    uint32_t first = PIPE_SIZE - start;
    int error = copy_to_user(set, buffer, pipe->buffer + start, first);
    if (error == 0)
        error = copy_to_user(set, buffer + first, pipe->buffer, count - first);
    return error;
}

static inline __attribute__((always_inline)) int
ring_to_user(const struct pipe *pipe, uint32_t from, uint64_t buffer, uint32_t count)
{
    uint32_t start = from % PIPE_SIZE;
    if (count > PIPE_SIZE - start)
        return ring_to_user_wrapped(pipe, start, buffer, count);
    return copy_to_user(process_of_running_thread()->memory_set, buffer, pipe->buffer + start,
                        count);
}

static __attribute__((noinline)) int ring_from_user_wrapped(struct pipe *pipe, uint32_t start,
                                                            uint64_t buffer, uint32_t count)
{
    const struct memory_set *set = process_current()->memory_set;
    uint32_t first = PIPE_SIZE - start;
    int error = copy_from_user(set, pipe->buffer + start, buffer, first);
    if (error == 0)
        error = copy_from_user(set, pipe->buffer, buffer + first, count - first);
    return error;
}

static inline __attribute__((always_inline)) int ring_from_user(struct pipe *pipe, uint32_t to,
                                                                uint64_t buffer, uint32_t count)
{
    uint32_t start = to % PIPE_SIZE;
    if (count > PIPE_SIZE - start)
        return ring_from_user_wrapped(pipe, start, buffer, count);
    return copy_from_user(process_of_running_thread()->memory_set, pipe->buffer + start, buffer,
                          count);
}

/* Sleep on `queue` with the lock held, counting the sleeper: 0 or -EINTR. */
static int pipe_wait(struct pipe *pipe, struct wait_queue *queue, uint32_t *waiting)
{
    (*waiting)++;
    int error = wait_queue_sleep_interruptible(queue, &pipe->lock);
    (*waiting)--;
    return error;
}

static long pipe_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    struct pipe *pipe = file->private_data;
    if (count == 0)
        return 0;
    spinlock_acquire_inline(&pipe->lock, SPINLOCK_SITE());
    while (pipe_used(pipe) == 0) {
        int error = 0;
        if (pipe->writers == 0)
            error = 0; /* the end: no data and nobody left to write any */
        else if ((file->flags & O_NONBLOCK) != 0)
            error = -EAGAIN;
        else
            error = pipe_wait(pipe, &pipe->can_read, &pipe->readers_waiting);
        if (error != 0 || pipe->writers == 0) {
            if (error == 0 && pipe_used(pipe) > 0)
                break; /* the last writer left data behind before closing */
            spinlock_release_inline(&pipe->lock);
            return error;
        }
    }
    uint32_t n = pipe_used(pipe) < count ? pipe_used(pipe) : (uint32_t)count;
    /* Copy before consuming: a bad buffer gets -EFAULT and the data stays for the next read. */
    int error = ring_to_user(pipe, pipe->read, buffer, n);
    if (error == 0) {
        pipe->read += n;
        if (pipe->writers_waiting > 0)
            wait_queue_wake_all(&pipe->can_write);
        poll_notify(); /* room: a poller may wait to write */
    }
    spinlock_release_inline(&pipe->lock);
    return error != 0 ? error : (long)n;
}

/* No reader is left: -EPIPE, and SIGPIPE to the writer (the lock is not held). */
static long broken_pipe(void)
{
    signal_send(process_current()->pid, SIGPIPE);
    return -EPIPE;
}

/*
 * A write of up to PIPE_ATOMIC_MAX bytes waits for room for all of it, and
 * goes in with one or two copies (the ring may wrap) under one hold of the
 * lock; the bytes count as written only once both copies have succeeded,
 * so a bad buffer leaves nothing half written, and no reader ever sees part
 * of it. A longer write goes in as room appears. Called with the lock
 * held (pipe_write took it); returns with it released.
 */
static __attribute__((noinline)) long pipe_write_slow(struct pipe *pipe, struct file *file,
                                                      uint64_t buffer, size_t count)
{
    size_t done = 0;
    while (done < count) {
        if (pipe->readers == 0) {
            spinlock_release_inline(&pipe->lock);
            return done > 0 ? (long)done : broken_pipe();
        }
        uint32_t room = PIPE_SIZE - pipe_used(pipe);
        /* A small write goes in whole or waits; a large one goes in pieces. */
        size_t needed = count - done <= PIPE_ATOMIC_MAX ? count - done : 1;
        if (room < needed) {
            int error = (file->flags & O_NONBLOCK) != 0
                            ? -EAGAIN
                            : pipe_wait(pipe, &pipe->can_write, &pipe->writers_waiting);
            if (error != 0) {
                spinlock_release_inline(&pipe->lock);
                return done > 0 ? (long)done : error;
            }
            continue;
        }
        uint32_t n = room < count - done ? room : (uint32_t)(count - done);
        int error = ring_from_user(pipe, pipe->written, buffer + done, n);
        if (error != 0) {
            spinlock_release_inline(&pipe->lock);
            return done > 0 ? (long)done : error;
        }
        pipe->written += n;
        done += n;
        if (pipe->readers_waiting > 0)
            wait_queue_wake_one(&pipe->can_read);
        poll_notify(); /* data: a poller may wait to read */
    }
    spinlock_release_inline(&pipe->lock);
    return (long)done;
}

/*
 * The fast path: a reader is there and the ring has room for the whole
 * write, so it goes in with no wait and no loop (every write that fits is
 * at most PIPE_SIZE = PIPE_ATOMIC_MAX bytes, hence atomic, as the slow path
 * would make it). Anything else, the lock still held, takes the slow path.
 */
static long pipe_write(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    struct pipe *pipe = file->private_data;
    spinlock_acquire_inline(&pipe->lock, SPINLOCK_SITE());
    if (count == 0 || count > PIPE_SIZE - pipe_used(pipe) || pipe->readers == 0)
        return pipe_write_slow(pipe, file, buffer, count);
    int error = ring_from_user(pipe, pipe->written, buffer, (uint32_t)count);
    if (error == 0) {
        pipe->written += (uint32_t)count;
        if (pipe->readers_waiting > 0)
            wait_queue_wake_one(&pipe->can_read);
        poll_notify(); /* data: a poller may wait to read (one load when nobody polls) */
    }
    spinlock_release_inline(&pipe->lock);
    return error != 0 ? error : (long)count;
}

static int pipe_stat(struct file *file, struct stat *out)
{
    struct pipe *pipe = file->private_data;
    memset(out, 0, sizeof(*out));
    out->st_mode = S_IFIFO | 0600;
    out->st_nlink = 1;
    out->st_ino = (uint64_t)(uintptr_t)pipe / 64; /* one number per pipe, as on Linux's pipefs */
    out->st_blksize = PIPE_SIZE;
    return 0;
}

/* An end closes: the other side must learn it (a reader sees the end, a writer EPIPE). */
static void pipe_release_end(struct file *file, bool read_end)
{
    struct pipe *pipe = file->private_data;
    spinlock_acquire(&pipe->lock);
    if (read_end)
        pipe->readers--;
    else
        pipe->writers--;
    wait_queue_wake_all(read_end ? &pipe->can_write : &pipe->can_read);
    poll_notify(); /* the other end now polls POLLHUP or POLLERR */
    bool last = pipe->readers == 0 && pipe->writers == 0;
    spinlock_release(&pipe->lock);
    if (last) {
        kfree(pipe->buffer);
        kfree(pipe);
    }
}

static void pipe_release_read_end(struct file *file)
{
    pipe_release_end(file, true);
}

static void pipe_release_write_end(struct file *file)
{
    pipe_release_end(file, false);
}

/* ppoll: data (or the end) to read, and whether the writers are gone. */
static uint32_t pipe_poll_read_end(struct file *file)
{
    struct pipe *pipe = file->private_data;
    spinlock_acquire(&pipe->lock);
    uint32_t ready = pipe_used(pipe) > 0 ? POLLIN | POLLRDNORM : 0;
    if (pipe->writers == 0)
        ready |= POLLHUP;
    spinlock_release(&pipe->lock);
    return ready;
}

/* ppoll: room to write (a byte at least), and POLLERR once no reader is left. */
static uint32_t pipe_poll_write_end(struct file *file)
{
    struct pipe *pipe = file->private_data;
    spinlock_acquire(&pipe->lock);
    uint32_t ready = pipe_used(pipe) < PIPE_SIZE ? POLLOUT | POLLWRNORM : 0;
    if (pipe->readers == 0)
        ready |= POLLERR;
    spinlock_release(&pipe->lock);
    return ready;
}

static const struct file_ops pipe_read_ops = {
    .kind = "pipe",
    .read = pipe_read,
    .stat = pipe_stat,
    .poll = pipe_poll_read_end,
    .release = pipe_release_read_end,
};

static const struct file_ops pipe_write_ops = {
    .kind = "pipe",
    .write = pipe_write,
    .stat = pipe_stat,
    .poll = pipe_poll_write_end,
    .release = pipe_release_write_end,
};

int pipe_create(uint32_t flags, struct file **read_end, struct file **write_end)
{
    struct pipe *pipe = kzalloc(sizeof(*pipe));
    uint8_t *buffer = kmalloc(PIPE_SIZE);
    if (pipe == NULL || buffer == NULL) {
        kfree(pipe);
        kfree(buffer);
        return -ENOMEM;
    }
    spinlock_init(&pipe->lock, "pipe");
    wait_queue_init(&pipe->can_read, "pipe read");
    wait_queue_init(&pipe->can_write, "pipe write");
    pipe->buffer = buffer;
    pipe->readers = 1;
    pipe->writers = 1;
    uint32_t status = flags & O_NONBLOCK;
    *read_end = file_alloc(&pipe_read_ops, O_RDONLY | status, pipe);
    *write_end = file_alloc(&pipe_write_ops, O_WRONLY | status, pipe);
    if (*read_end == NULL || *write_end == NULL) {
        /* Put whichever end exists: its release drops its count; free the rest by hand. */
        kfree(*read_end);
        kfree(*write_end);
        kfree(buffer);
        kfree(pipe);
        return -ENOMEM;
    }
    return 0;
}
