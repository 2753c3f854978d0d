/*
 * chardev.c: the console, null and zero as open files. See chardev.h.
 */
#include "fs/chardev.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/poll.h"
#include "abi/stat.h"
#include "abi/termios.h"
#include "fs/file.h"
#include "lib/string.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "tty/line.h"

#define CHUNK 256 /* bytes through the kernel at a time, on the stack */

static const struct memory_set *user_memory(void)
{
    return process_current()->memory_set;
}

/* ---- The console ----------------------------------------------------------------- */

static long console_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    if (count == 0)
        return 0;
    /* Check before waiting: a bad buffer must not first wait for a line, then lose it. */
    if (!user_range_ok(user_memory(), buffer, count, PTE_W))
        return -EFAULT;
    char chunk[CHUNK];
    long got = tty_line_read(chunk, count < CHUNK ? count : CHUNK, (file->flags & O_NONBLOCK) != 0);
    if (got > 0 && copy_to_user(user_memory(), buffer, chunk, (size_t)got) != 0)
        return -EFAULT; /* unmapped meanwhile */
    return got;
}

static long console_write(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    if (!user_range_ok(user_memory(), buffer, count, PTE_R))
        return -EFAULT; /* nothing printed: all of it is checked first */
    char chunk[CHUNK];
    for (size_t done = 0; done < count;) {
        size_t length = count - done < CHUNK ? count - done : CHUNK;
        if (copy_from_user(user_memory(), chunk, buffer + done, length) != 0)
            return done > 0 ? (long)done : -EFAULT;
        tty_line_write(chunk, length);
        done += length;
    }
    return (long)count;
}

static long console_ioctl(struct file *file, uint32_t request, uint64_t argument)
{
    struct termios settings;
    struct winsize size;
    switch (request) {
    case TCGETS:
        tty_line_get_termios(&settings);
        return copy_to_user(user_memory(), argument, &settings, sizeof(settings));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        if (copy_from_user(user_memory(), &settings, argument, sizeof(settings)) != 0)
            return -EFAULT;
        tty_line_set_termios(&settings, request == TCSETSF);
        return 0;
    case TIOCGPGRP: {
        int group = tty_line_get_foreground();
        return copy_to_user(user_memory(), argument, &group, sizeof(group));
    }
    case TIOCSPGRP: {
        int group;
        if (copy_from_user(user_memory(), &group, argument, sizeof(group)) != 0)
            return -EFAULT;
        return tty_line_set_foreground(group);
    }
    case TIOCGWINSZ:
        tty_line_get_winsize(&size);
        return copy_to_user(user_memory(), argument, &size, sizeof(size));
    case TIOCSWINSZ:
        if (copy_from_user(user_memory(), &size, argument, sizeof(size)) != 0)
            return -EFAULT;
        tty_line_set_winsize(&size);
        return 0;
    default: return -ENOTTY;
    }
}

/* What fstat says of a device: its type and numbers, and nothing on a disk. */
static void device_stat(struct stat *out, uint32_t major, uint32_t minor, uint32_t mode)
{
    memset(out, 0, sizeof(*out));
    out->st_mode = S_IFCHR | mode;
    out->st_nlink = 1;
    out->st_rdev = ABI_MAKEDEV(major, minor);
    out->st_blksize = 1024;
}

static int console_stat(struct file *file, struct stat *out)
{
    device_stat(out, CHARDEV_TTYAUX_MAJOR, 1, 0620);
    return 0;
}

static int nothing_to_sync(struct file *file)
{
    return 0;
}

/* ppoll: always writable; readable when a key or a line waits (tty/line.h). */
static uint32_t console_poll(struct file *file)
{
    uint32_t ready = POLLOUT | POLLWRNORM;
    if (tty_line_readable())
        ready |= POLLIN | POLLRDNORM;
    return ready;
}

static const struct file_ops console_ops = {
    .kind = "console",
    .read = console_read,
    .write = console_write,
    .stat = console_stat,
    .poll = console_poll,
    .ioctl = console_ioctl,
    .fsync = nothing_to_sync,
};

/* ---- null and zero --------------------------------------------------------------- */

static long null_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    return 0;
}

static long discard_write(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    if (!user_range_ok(user_memory(), buffer, count, PTE_R))
        return -EFAULT;
    return (long)count;
}

static long zero_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    static const char zeros[CHUNK];
    if (!user_range_ok(user_memory(), buffer, count, PTE_W))
        return -EFAULT;
    for (size_t done = 0; done < count;) {
        size_t length = count - done < CHUNK ? count - done : CHUNK;
        if (copy_to_user(user_memory(), buffer + done, zeros, length) != 0)
            return done > 0 ? (long)done : -EFAULT;
        done += length;
    }
    return (long)count;
}

static int null_stat(struct file *file, struct stat *out)
{
    device_stat(out, CHARDEV_MEM_MAJOR, 3, 0666);
    return 0;
}

static int zero_stat(struct file *file, struct stat *out)
{
    device_stat(out, CHARDEV_MEM_MAJOR, 5, 0666);
    return 0;
}

static const struct file_ops null_ops = {
    .kind = "null",
    .read = null_read,
    .write = discard_write,
    .stat = null_stat,
    .fsync = nothing_to_sync,
};

static const struct file_ops zero_ops = {
    .kind = "zero",
    .read = zero_read,
    .write = discard_write,
    .stat = zero_stat,
    .fsync = nothing_to_sync,
};

int chardev_open(uint32_t major, uint32_t minor, uint32_t flags, struct file **out)
{
    const struct file_ops *ops = NULL;
    if (major == CHARDEV_TTYAUX_MAJOR && (minor == 0 || minor == 1))
        ops = &console_ops;
    else if (major == CHARDEV_MEM_MAJOR && minor == 3)
        ops = &null_ops;
    else if (major == CHARDEV_MEM_MAJOR && minor == 5)
        ops = &zero_ops;
    if (ops == NULL)
        return -ENXIO;
    *out = file_alloc(ops, flags, NULL);
    return *out != NULL ? 0 : -ENOMEM;
}
