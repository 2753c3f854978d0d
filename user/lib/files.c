/*
 * files.c: the POSIX wrappers for files, descriptors and directories. Each
 * is one system call with Linux's number; the path calls are the *at()
 * forms with AT_FDCWD, as glibc makes them on RISC-V, which has no plain
 * open or mkdir.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

static long posix_result(long raw)
{
    if (syscall_failed(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) != 0) {
        va_list args;
        va_start(args, flags);
        mode = va_arg(args, mode_t);
        va_end(args);
    }
    return (int)posix_result(syscall4(SYS_openat, dirfd, (long)path, flags, mode));
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) != 0) {
        va_list args;
        va_start(args, flags);
        mode = va_arg(args, mode_t);
        va_end(args);
    }
    return openat(AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int fcntl(int fd, int command, ...)
{
    va_list args;
    va_start(args, command);
    long argument = va_arg(args, long);
    va_end(args);
    return (int)posix_result(syscall3(SYS_fcntl, fd, command, argument));
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list args;
    va_start(args, request);
    long argument = va_arg(args, long);
    va_end(args);
    return (int)posix_result(syscall3(SYS_ioctl, fd, (long)request, argument));
}

int close(int fd)
{
    return (int)posix_result(syscall1(SYS_close, fd));
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
    return posix_result(syscall4(SYS_pread64, fd, (long)buf, (long)count, offset));
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    return posix_result(syscall4(SYS_pwrite64, fd, (long)buf, (long)count, offset));
}

ssize_t readv(int fd, const struct iovec *pieces, int count)
{
    return posix_result(syscall3(SYS_readv, fd, (long)pieces, count));
}

ssize_t writev(int fd, const struct iovec *pieces, int count)
{
    return posix_result(syscall3(SYS_writev, fd, (long)pieces, count));
}

off_t lseek(int fd, off_t offset, int whence)
{
    return posix_result(syscall3(SYS_lseek, fd, offset, whence));
}

int dup(int fd)
{
    return (int)posix_result(syscall1(SYS_dup, fd));
}

int dup3(int old_fd, int new_fd, int flags)
{
    return (int)posix_result(syscall3(SYS_dup3, old_fd, new_fd, flags));
}

/* dup2 is dup3 without flags, except that dup2(fd, fd) checks fd and does nothing. */
int dup2(int old_fd, int new_fd)
{
    if (old_fd == new_fd)
        return fcntl(old_fd, F_GETFD) < 0 ? -1 : new_fd;
    return dup3(old_fd, new_fd, 0);
}

int pipe2(int fds[2], int flags)
{
    return (int)posix_result(syscall2(SYS_pipe2, (long)fds, flags));
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
    return (int)posix_result(syscall3(SYS_unlinkat, dirfd, (long)path, flags));
}

int unlink(const char *path)
{
    return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
    return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return rmdir(path);
    return unlink(path);
}

int link(const char *old_path, const char *new_path)
{
    return (int)posix_result(
        syscall5(SYS_linkat, AT_FDCWD, (long)old_path, AT_FDCWD, (long)new_path, 0));
}

int symlink(const char *target, const char *path)
{
    return (int)posix_result(syscall3(SYS_symlinkat, (long)target, AT_FDCWD, (long)path));
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
    return posix_result(syscall4(SYS_readlinkat, AT_FDCWD, (long)path, (long)buf, (long)size));
}

int rename(const char *old_path, const char *new_path)
{
    return (int)posix_result(
        syscall5(SYS_renameat2, AT_FDCWD, (long)old_path, AT_FDCWD, (long)new_path, 0));
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    return (int)posix_result(syscall3(SYS_mkdirat, dirfd, (long)path, mode));
}

int mkdir(const char *path, mode_t mode)
{
    return mkdirat(AT_FDCWD, path, mode);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    return (int)posix_result(syscall4(SYS_newfstatat, dirfd, (long)path, (long)st, flags));
}

int stat(const char *path, struct stat *st)
{
    return fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char *path, struct stat *st)
{
    return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int fstat(int fd, struct stat *st)
{
    return (int)posix_result(syscall2(SYS_fstat, fd, (long)st));
}

mode_t umask(mode_t mask)
{
    return (mode_t)syscall1(SYS_umask, mask); /* cannot fail */
}

int access(const char *path, int mode)
{
    return (int)posix_result(syscall4(SYS_faccessat, AT_FDCWD, (long)path, mode, 0));
}

int chdir(const char *path)
{
    return (int)posix_result(syscall1(SYS_chdir, (long)path));
}

int fchdir(int fd)
{
    return (int)posix_result(syscall1(SYS_fchdir, fd));
}

char *getcwd(char *buf, size_t size)
{
    return posix_result(syscall2(SYS_getcwd, (long)buf, (long)size)) < 0 ? NULL : buf;
}

int fsync(int fd)
{
    return (int)posix_result(syscall1(SYS_fsync, fd));
}

void sync(void)
{
    syscall0(SYS_sync);
}

int ftruncate(int fd, off_t length)
{
    return (int)posix_result(syscall2(SYS_ftruncate, fd, length));
}

int tcgetattr(int fd, struct termios *settings)
{
    return ioctl(fd, TCGETS, settings);
}

int tcsetattr(int fd, int when, const struct termios *settings)
{
    unsigned long request = when == TCSAFLUSH ? TCSETSF : when == TCSADRAIN ? TCSETSW : TCSETS;
    return ioctl(fd, request, settings);
}

pid_t tcgetpgrp(int fd)
{
    pid_t group = 0;
    return ioctl(fd, TIOCGPGRP, &group) < 0 ? -1 : group;
}

int tcsetpgrp(int fd, pid_t group)
{
    return ioctl(fd, TIOCSPGRP, &group);
}

void cfmakeraw(struct termios *settings)
{
    settings->c_iflag &= ~(uint32_t)(IGNCR | ICRNL | INLCR);
    settings->c_oflag &= ~(uint32_t)OPOST;
    settings->c_lflag &= ~(uint32_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    settings->c_cc[VMIN] = 1;
    settings->c_cc[VTIME] = 0;
}

int isatty(int fd)
{
    struct termios settings;
    return tcgetattr(fd, &settings) == 0;
}

void perror(const char *what)
{
    if (what != NULL && what[0] != '\0')
        dprintf(2, "%s: %s\n", what, strerror(errno));
    else
        dprintf(2, "%s\n", strerror(errno));
}
