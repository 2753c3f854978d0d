/*
 * sys_io.c: read and write on the console, the only files there are so far.
 *
 * fd 0 reads what is typed (raw bytes: the shell echoes and edits), fds 1
 * and 2 print. Data passes through a small kernel buffer, one chunk at a
 * time, so no user pointer is ever touched without copy_to_user or
 * copy_from_user.
 */
#include "console/console.h"
#include "tty/tty.h"
#include "abi/errno.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "syscall/syscall.h"

#define CHUNK 256

long sys_read(struct context *context)
{
    uint64_t fd = syscall_arg(context, 0);
    uint64_t buffer = syscall_arg(context, 1);
    uint64_t count = syscall_arg(context, 2);
    if (fd != 0)
        return -EBADF;
    if (count == 0)
        return 0;
    /* Check before waiting: a bad buffer must not sit waiting for a key first. */
    if (!user_range_ok(process_current()->memory_set, buffer, count, PTE_W))
        return -EFAULT;
    char chunk[CHUNK];
    size_t got = tty_read_blocking(chunk, count < CHUNK ? count : CHUNK);
    if (copy_to_user(process_current()->memory_set, buffer, chunk, got) != 0)
        return -EFAULT; /* unmapped meanwhile */
    return (long)got;
}

long sys_write(struct context *context)
{
    uint64_t fd = syscall_arg(context, 0);
    uint64_t buffer = syscall_arg(context, 1);
    uint64_t count = syscall_arg(context, 2);
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (!user_range_ok(process_current()->memory_set, buffer, count, PTE_R))
        return -EFAULT; /* nothing printed: all of it is checked first */
    char chunk[CHUNK];
    for (uint64_t done = 0; done < count;) {
        size_t length = count - done < CHUNK ? count - done : CHUNK;
        if (copy_from_user(process_current()->memory_set, chunk, buffer + done, length) != 0)
            return done > 0 ? (long)done : -EFAULT;
        console_write(chunk, length);
        done += length;
    }
    return (long)count;
}
