/*
 * sys/uio.h: reading and writing several buffers in one call.
 */
#ifndef SYS_UIO_H
#define SYS_UIO_H

#include <sys/types.h>

#include "abi/uio.h"

ssize_t readv(int fd, const struct iovec *pieces, int count);
ssize_t writev(int fd, const struct iovec *pieces, int count);

#endif
