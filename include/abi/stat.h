/*
 * stat.h: struct stat as riscv64 Linux fills it (the generic layout of
 * asm-generic/stat.h: 128 bytes), and the mode bits.
 */
#ifndef ABI_STAT_H
#define ABI_STAT_H

#include <stdint.h>

struct stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode; /* S_IF* type and permission bits */
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev; /* a device file's device number */
    uint64_t __pad1;
    int64_t st_size;
    int32_t st_blksize; /* the best size for I/O: the file system's block size */
    int32_t __pad2;
    int64_t st_blocks; /* 512-byte units allocated */
    int64_t st_atime;
    uint64_t st_atime_nsec;
    int64_t st_mtime;
    uint64_t st_mtime_nsec;
    int64_t st_ctime;
    uint64_t st_ctime_nsec;
    uint32_t __unused4;
    uint32_t __unused5;
};

_Static_assert(sizeof(struct stat) == 128, "struct stat must be Linux's 128 bytes");

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000

#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000

#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

/* A device number as Linux's new_encode_dev makes it for small numbers: major 5, minor 1. */
#define ABI_MAKEDEV(major, minor) ((((uint64_t)(major)) << 8) | ((uint64_t)(minor)&0xff))

#endif
