/*
 * errno.h: error numbers, with the values Linux uses, so that system calls
 * can return -ENOMEM and friends to programs built for RISC-V Linux.
 * Kernel functions that can fail return 0 or a negative errno.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define EPERM        1  /* operation not permitted */
#define ENOENT       2  /* no such file or program */
#define ESRCH        3  /* no such process */
#define EINTR        4  /* interrupted */
#define EIO          5  /* input/output error */
#define E2BIG        7  /* argument list too long */
#define ENOEXEC      8  /* not an executable the kernel can load */
#define EBADF        9  /* bad file descriptor */
#define ECHILD       10 /* no child to wait for */
#define EAGAIN       11 /* try again (resource limit) */
#define ENOMEM       12 /* out of memory */
#define EACCES       13 /* permission denied */
#define EFAULT       14 /* bad address */
#define EBUSY        16 /* resource busy */
#define EEXIST       17 /* already exists (already mapped) */
#define EINVAL       22 /* invalid argument */
#define ENOSPC       28 /* no space left */
#define ERANGE       34 /* result out of range */
#define ENAMETOOLONG 36 /* a name or string too long */
#define ENOSYS       38 /* no such system call */

/* Added for the file system (src/fs/): still Linux's values. */
#define EXDEV     18  /* a link across file systems */
#define ENOTDIR   20  /* a path component is not a directory */
#define EISDIR    21  /* is a directory */
#define EFBIG     27  /* file too large */
#define EROFS     30  /* read-only file system */
#define EMLINK    31  /* too many links */
#define ENOTEMPTY 39  /* directory not empty */
#define ELOOP     40  /* too many symbolic links */
#define ENOBUFS   105 /* no buffer free: every buffer-cache buffer is in use */
#define EUCLEAN   117 /* the file system's structure is corrupted (Linux's EFSCORRUPTED) */

#endif
