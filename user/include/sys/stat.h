/*
 * sys/stat.h: a file's type, size and times (struct stat is Linux's
 * 128-byte layout, include/abi/stat.h), and the calls that make directories
 * and set the umask.
 */
#ifndef SYS_STAT_H
#define SYS_STAT_H

#include <sys/types.h>

#include "abi/stat.h"

int stat(const char *path, struct stat *st);
/* The same, but a symbolic link is described itself, not what it points at. */
int lstat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int fstatat(int dirfd, const char *path, struct stat *st, int flags);
int mkdir(const char *path, mode_t mode);
int mkdirat(int dirfd, const char *path, mode_t mode);
/* Set the mask of permission bits new files do not get; returns the old one. */
mode_t umask(mode_t mask);

#endif
