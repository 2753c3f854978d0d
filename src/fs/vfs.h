/*
 * vfs.h: the calls that name files by path: open, mkdir, unlink, link,
 * symlink, readlink, rename, stat, access, chdir, getcwd.
 *
 * Each takes a kernel copy of the path (the system call copied it from the
 * user) and, for the *at() forms, a directory descriptor that a relative
 * path starts from: AT_FDCWD for the calling process's current directory.
 * There is one file system, ext2 on the root disk, so these go straight
 * to path lookup (fs/path.h) and ext2; a VFS with mount points would sit
 * here. Without a root every path gives -ENOENT.
 *
 * Errors are Linux's: -ENOENT, -ENOTDIR, -EEXIST, -EISDIR, -ENOTEMPTY,
 * -ENAMETOOLONG, -ELOOP, -EBADF (a bad dirfd), -ENOSPC, -EROFS, and -EIO or
 * -EUCLEAN when the disk fails or is found damaged.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/stat.h"

struct file;

/* openat: O_CREAT (with `mode`, less the umask), O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW... */
int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);
int vfs_mkdir(int dirfd, const char *path, uint32_t mode);
/* unlinkat: a directory (rmdir) when `directory`, anything else otherwise. */
int vfs_unlink(int dirfd, const char *path, bool directory);
/* linkat: `follow` links to the target of a symlink given as old_path. */
int vfs_link(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path, bool follow);
int vfs_symlink(const char *target, int dirfd, const char *path);
/* readlinkat: the target's length (not NUL-terminated), -EINVAL if not a symlink. */
long vfs_readlink(int dirfd, const char *path, char *buf, size_t size);
/* renameat2: flags 0 or RENAME_NOREPLACE (RENAME_EXCHANGE is -EINVAL). */
int vfs_rename(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path,
               uint32_t flags);
/* newfstatat: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (then dirfd itself, of any kind). */
int vfs_stat(int dirfd, const char *path, uint32_t flags, struct stat *out);
/* faccessat: does it exist (there are no permissions to check yet)? */
int vfs_access(int dirfd, const char *path);
/*
 * fchmodat, fchmod, utimensat: the inode at dirfd/path (following a symlink
 * unless AT_SYMLINK_NOFOLLOW), or the open file dirfd itself when path is
 * NULL (fchmod, futimens). A descriptor that is not a disk file (a pipe,
 * the console) is accepted and nothing is recorded: it has no inode on the
 * disk. Times are seconds, or EXT2_TIME_NOW / EXT2_TIME_OMIT (fs/ext2.h).
 */
int vfs_chmod(int dirfd, const char *path, uint32_t mode, uint32_t flags);
int vfs_set_times(int dirfd, const char *path, int64_t atime, int64_t mtime, uint32_t flags);
int vfs_chdir(const char *path);
int vfs_fchdir(int fd);
/* The current directory's absolute path into buf (NUL-terminated): its length + 1, or -ERANGE. */
long vfs_getcwd(char *buf, size_t size);

#endif
