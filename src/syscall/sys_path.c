/*
 * sys_path.c: calls that name files by path: openat, mkdirat, unlinkat,
 * linkat, symlinkat, readlinkat, renameat2, newfstatat, faccessat, chdir,
 * fchdir, getcwd, and umask.
 *
 * Each copies its paths into the kernel (string_from_user: -EFAULT for a bad
 * pointer, -ENAMETOOLONG for a path of PATH_MAX bytes or more without its
 * NUL), then calls fs/vfs.h, and copies any answer back out.
 */
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/stat.h"
#include "abi/time.h"
#include "fs/file.h"
#include "fs/ext2.h"
#include "fs/files.h"
#include "fs/path.h"
#include "fs/vfs.h"
#include "mm/heap/heap.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "syscall/syscall.h"

#define PATH_BUFFER_SIZE (PATH_MAX_LENGTH + 1) /* Linux's PATH_MAX, 4096, with the NUL */

/* A kernel copy of the user's path at `user_path`, from kmalloc (kfree it). 0 or -errno. */
static int path_from_user(uint64_t user_path, char **out)
{
    char *path = kmalloc(PATH_BUFFER_SIZE);
    if (path == NULL)
        return -ENOMEM;
    long length =
        string_from_user(process_current()->memory_set, path, user_path, PATH_BUFFER_SIZE);
    if (length < 0) {
        kfree(path);
        return (int)length;
    }
    *out = path;
    return 0;
}

/* The dirfd argument: an int, which the register holds sign-extended or not. */
static int dirfd_arg(struct context *context, int n)
{
    return (int)syscall_arg(context, n);
}

long sys_openat(struct context *context)
{
    int dirfd = dirfd_arg(context, 0);
    uint32_t flags = (uint32_t)syscall_arg(context, 2);
    uint32_t mode = (uint32_t)syscall_arg(context, 3);
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    struct file *file;
    error = vfs_open(dirfd, path, flags, mode, &file);
    kfree(path);
    if (error != 0)
        return error;
    int fd = files_install(file, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_put(file);
    return fd;
}

long sys_mkdirat(struct context *context)
{
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    error = vfs_mkdir(dirfd_arg(context, 0), path, (uint32_t)syscall_arg(context, 2));
    kfree(path);
    return error;
}

long sys_unlinkat(struct context *context)
{
    uint64_t flags = syscall_arg(context, 2);
    if ((flags & ~(uint64_t)AT_REMOVEDIR) != 0)
        return -EINVAL;
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    error = vfs_unlink(dirfd_arg(context, 0), path, (flags & AT_REMOVEDIR) != 0);
    kfree(path);
    return error;
}

/* Two paths from the user: for link and rename. */
static int two_paths_from_user(uint64_t first, uint64_t second, char **a, char **b)
{
    int error = path_from_user(first, a);
    if (error != 0)
        return error;
    error = path_from_user(second, b);
    if (error != 0)
        kfree(*a);
    return error;
}

long sys_linkat(struct context *context)
{
    uint64_t flags = syscall_arg(context, 4);
    if ((flags & ~(uint64_t)AT_SYMLINK_FOLLOW) != 0)
        return -EINVAL;
    char *old_path;
    char *new_path;
    int error =
        two_paths_from_user(syscall_arg(context, 1), syscall_arg(context, 3), &old_path, &new_path);
    if (error != 0)
        return error;
    error = vfs_link(dirfd_arg(context, 0), old_path, dirfd_arg(context, 2), new_path,
                     (flags & AT_SYMLINK_FOLLOW) != 0);
    kfree(old_path);
    kfree(new_path);
    return error;
}

long sys_symlinkat(struct context *context)
{
    char *target;
    char *path;
    int error =
        two_paths_from_user(syscall_arg(context, 0), syscall_arg(context, 2), &target, &path);
    if (error != 0)
        return error;
    error = vfs_symlink(target, dirfd_arg(context, 1), path);
    kfree(target);
    kfree(path);
    return error;
}

long sys_readlinkat(struct context *context)
{
    uint64_t user_buffer = syscall_arg(context, 2);
    int64_t size = (int64_t)syscall_arg(context, 3);
    if (size <= 0)
        return -EINVAL;
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    char *target = kmalloc(PATH_BUFFER_SIZE);
    long length = target == NULL ? -ENOMEM
                                 : vfs_readlink(dirfd_arg(context, 0), path, target,
                                                (size_t)size < PATH_BUFFER_SIZE ? (size_t)size
                                                                                : PATH_BUFFER_SIZE);
    if (length > 0 &&
        copy_to_user(process_current()->memory_set, user_buffer, target, (size_t)length) != 0)
        length = -EFAULT;
    kfree(target);
    kfree(path);
    return length;
}

long sys_renameat2(struct context *context)
{
    char *old_path;
    char *new_path;
    int error =
        two_paths_from_user(syscall_arg(context, 1), syscall_arg(context, 3), &old_path, &new_path);
    if (error != 0)
        return error;
    error = vfs_rename(dirfd_arg(context, 0), old_path, dirfd_arg(context, 2), new_path,
                       (uint32_t)syscall_arg(context, 4));
    kfree(old_path);
    kfree(new_path);
    return error;
}

long sys_newfstatat(struct context *context)
{
    uint64_t user_stat = syscall_arg(context, 2);
    uint64_t flags = syscall_arg(context, 3);
    if ((flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
        return -EINVAL;
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    struct stat st;
    error = vfs_stat(dirfd_arg(context, 0), path, (uint32_t)flags, &st);
    kfree(path);
    if (error != 0)
        return error;
    return copy_to_user(process_current()->memory_set, user_stat, &st, sizeof(st));
}

long sys_faccessat(struct context *context)
{
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    error = vfs_access(dirfd_arg(context, 0), path);
    kfree(path);
    return error;
}

long sys_chdir(struct context *context)
{
    char *path;
    int error = path_from_user(syscall_arg(context, 0), &path);
    if (error != 0)
        return error;
    error = vfs_chdir(path);
    kfree(path);
    return error;
}

long sys_fchdir(struct context *context)
{
    return vfs_fchdir((int)syscall_arg(context, 0));
}

long sys_getcwd(struct context *context)
{
    uint64_t user_buffer = syscall_arg(context, 0);
    uint64_t size = syscall_arg(context, 1);
    char *path = kmalloc(PATH_BUFFER_SIZE);
    if (path == NULL)
        return -ENOMEM;
    long length = vfs_getcwd(path, size < PATH_BUFFER_SIZE ? size : PATH_BUFFER_SIZE);
    if (length > 0 &&
        copy_to_user(process_current()->memory_set, user_buffer, path, (size_t)length) != 0)
        length = -EFAULT;
    kfree(path);
    return length; /* Linux's raw getcwd returns the length with the NUL */
}

long sys_umask(struct context *context)
{
    return files_umask((uint32_t)syscall_arg(context, 0));
}

/* ---- Attributes: fchmodat, fchmod, utimensat --------------------------------------- */

/* fchmodat(dirfd, path, mode): the system call has no flags (glibc handles its own). */
long sys_fchmodat(struct context *context)
{
    char *path;
    int error = path_from_user(syscall_arg(context, 1), &path);
    if (error != 0)
        return error;
    error = vfs_chmod(dirfd_arg(context, 0), path, (uint32_t)syscall_arg(context, 2), 0);
    kfree(path);
    return error;
}

long sys_fchmod(struct context *context)
{
    return vfs_chmod((int)syscall_arg(context, 0), NULL, (uint32_t)syscall_arg(context, 1), 0);
}

/* Linux's tv_nsec markers: this time is now / this time stays as it is. */
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* One of utimensat's timespecs as ext2_set_times takes it; false if it is not a valid time. */
static bool utime_seconds(const struct timespec *value, int64_t *out)
{
    if (value->tv_nsec == UTIME_NOW)
        *out = EXT2_TIME_NOW;
    else if (value->tv_nsec == UTIME_OMIT)
        *out = EXT2_TIME_OMIT;
    else if (value->tv_nsec < 0 || value->tv_nsec >= 1000000000l || value->tv_sec < 0)
        return false;
    else
        *out = value->tv_sec;
    return true;
}

/*
 * utimensat(dirfd, path, times[2], flags): atime and mtime from times (NULL:
 * both now). A NULL path means dirfd itself (futimens). touch calls it first
 * and creates the file only on ENOENT, so the error matters as much as the act.
 */
long sys_utimensat(struct context *context)
{
    int dirfd = dirfd_arg(context, 0);
    uint64_t user_path = syscall_arg(context, 1);
    uint64_t user_times = syscall_arg(context, 2);
    uint64_t flags = syscall_arg(context, 3);
    if ((flags & ~(uint64_t)AT_SYMLINK_NOFOLLOW) != 0)
        return -EINVAL;
    int64_t atime = EXT2_TIME_NOW, mtime = EXT2_TIME_NOW;
    if (user_times != 0) {
        struct timespec times[2];
        if (copy_from_user(process_current()->memory_set, times, user_times, sizeof(times)) != 0)
            return -EFAULT;
        if (!utime_seconds(&times[0], &atime) || !utime_seconds(&times[1], &mtime))
            return -EINVAL;
    }
    if (user_path == 0) {
        if (dirfd == AT_FDCWD)
            return -EFAULT; /* Linux: no path and no descriptor */
        return vfs_set_times(dirfd, NULL, atime, mtime, 0);
    }
    char *path;
    int error = path_from_user(user_path, &path);
    if (error != 0)
        return error;
    error = vfs_set_times(dirfd, path, atime, mtime, (uint32_t)flags);
    kfree(path);
    return error;
}
