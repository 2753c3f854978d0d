/*
 * fcntl.h: opening files, and fcntl. The flags are Linux's (include/abi/fcntl.h).
 */
#ifndef FCNTL_H
#define FCNTL_H

#include <sys/types.h>

#include "abi/fcntl.h"

/* Open `path`; with O_CREAT the third argument is the new file's mode. A descriptor, or -1. */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
/* open(path, O_WRONLY | O_CREAT | O_TRUNC, mode) */
int creat(const char *path, mode_t mode);
int fcntl(int fd, int command, ...);

#endif
