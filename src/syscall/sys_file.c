/*
 * sys_file.c: calls on descriptors themselves: close, dup, dup3, fcntl,
 * ioctl, fstat, getdents64, ftruncate, fsync, pipe2, and sync.
 */
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "fs/file.h"
#include "fs/files.h"
#include "fs/fs.h"
#include "fs/pipe.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_close(struct context *context)
{
    return files_close((int)syscall_arg(context, 0));
}

/* A new descriptor >= lowest for the file of `fd`. */
static long duplicate(int fd, int lowest, bool close_on_exec)
{
    struct file *file = files_get(fd);
    if (file == NULL)
        return -EBADF;
    int new_fd = files_install(file, lowest, close_on_exec);
    if (new_fd < 0)
        file_put(file); /* not installed: the reference is still ours */
    return new_fd;
}

long sys_dup(struct context *context)
{
    return duplicate((int)syscall_arg(context, 0), 0, false);
}

long sys_dup3(struct context *context)
{
    int old_fd = (int)syscall_arg(context, 0);
    int new_fd = (int)syscall_arg(context, 1);
    uint64_t flags = syscall_arg(context, 2);
    if ((flags & ~(uint64_t)O_CLOEXEC) != 0 || old_fd == new_fd)
        return -EINVAL;
    return files_dup_to(old_fd, new_fd, (flags & O_CLOEXEC) != 0);
}

long sys_fcntl(struct context *context)
{
    int fd = (int)syscall_arg(context, 0);
    uint64_t command = syscall_arg(context, 1);
    uint64_t argument = syscall_arg(context, 2);
    switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int64_t)argument < 0 || argument >= FILES_MAX)
            return -EINVAL;
        return duplicate(fd, (int)argument, command == F_DUPFD_CLOEXEC);
    case F_GETFD: return files_get_close_on_exec(fd);
    case F_SETFD: return files_set_close_on_exec(fd, (argument & FD_CLOEXEC) != 0);
    case F_GETFL:
    case F_SETFL: {
        struct file *file = files_get(fd);
        if (file == NULL)
            return -EBADF;
        long result = file->flags;
        if (command == F_SETFL) {
            /* Only the status flags change; the access mode is fixed at open. */
            uint32_t changeable = O_APPEND | O_NONBLOCK;
            __atomic_store_n(&file->flags,
                             (file->flags & ~changeable) | ((uint32_t)argument & changeable),
                             __ATOMIC_RELAXED);
            result = 0;
        }
        file_put(file);
        return result;
    }
    default: return -EINVAL;
    }
}

long sys_ioctl(struct context *context)
{
    struct file *file = files_get((int)syscall_arg(context, 0));
    if (file == NULL)
        return -EBADF;
    long result =
        file->ops->ioctl != NULL
            ? file->ops->ioctl(file, (uint32_t)syscall_arg(context, 1), syscall_arg(context, 2))
            : -ENOTTY;
    file_put(file);
    return result;
}

long sys_fstat(struct context *context)
{
    uint64_t user_stat = syscall_arg(context, 1);
    struct file *file = files_get((int)syscall_arg(context, 0));
    if (file == NULL)
        return -EBADF;
    struct stat st;
    int error = file->ops->stat(file, &st);
    file_put(file);
    if (error != 0)
        return error;
    return copy_to_user(process_current()->memory_set, user_stat, &st, sizeof(st));
}

long sys_getdents64(struct context *context)
{
    uint64_t buffer = syscall_arg(context, 1);
    uint64_t size = syscall_arg(context, 2);
    struct file *file = files_get((int)syscall_arg(context, 0));
    if (file == NULL)
        return -EBADF;
    long result = -ENOTDIR;
    if (file->ops->getdents != NULL) {
        mutex_lock(&file->position_lock);
        result = file->ops->getdents(file, buffer, size, &file->position);
        mutex_unlock(&file->position_lock);
    }
    file_put(file);
    return result;
}

long sys_ftruncate(struct context *context)
{
    int64_t length = (int64_t)syscall_arg(context, 1);
    struct file *file = files_get((int)syscall_arg(context, 0));
    if (file == NULL)
        return -EBADF;
    long result;
    if (length < 0)
        result = -EINVAL;
    else if (!file_writable(file))
        result = -EINVAL; /* Linux's answer when the file is not open for writing */
    else
        result =
            file->ops->truncate != NULL ? file->ops->truncate(file, (uint64_t)length) : -EINVAL;
    file_put(file);
    return result;
}

long sys_fsync(struct context *context)
{
    struct file *file = files_get((int)syscall_arg(context, 0));
    if (file == NULL)
        return -EBADF;
    long result = file->ops->fsync != NULL ? file->ops->fsync(file) : -EINVAL;
    file_put(file);
    return result;
}

long sys_sync(struct context *context)
{
    fs_sync();
    return 0; /* sync(2) cannot fail */
}

long sys_pipe2(struct context *context)
{
    uint64_t user_fds = syscall_arg(context, 0);
    uint64_t flags = syscall_arg(context, 1);
    if ((flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK)) != 0)
        return -EINVAL;
    /* Check first: once the descriptors exist, a bad pointer would leave them open. */
    if (!user_range_ok(process_current()->memory_set, user_fds, 2 * sizeof(int), PTE_W))
        return -EFAULT;
    struct file *read_end;
    struct file *write_end;
    int error = pipe_create((uint32_t)flags, &read_end, &write_end);
    if (error != 0)
        return error;
    bool close_on_exec = (flags & O_CLOEXEC) != 0;
    int fds[2];
    fds[0] = files_install(read_end, 0, close_on_exec);
    fds[1] = fds[0] < 0 ? -EMFILE : files_install(write_end, 0, close_on_exec);
    if (fds[1] < 0) {
        if (fds[0] >= 0)
            files_close(fds[0]); /* puts read_end */
        else
            file_put(read_end);
        file_put(write_end);
        return -EMFILE;
    }
    if (copy_to_user(process_current()->memory_set, user_fds, fds, sizeof(fds)) != 0) {
        files_close(fds[0]);
        files_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}
