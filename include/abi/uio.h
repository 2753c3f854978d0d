/*
 * uio.h: struct iovec, one piece of a readv or writev.
 */
#ifndef ABI_UIO_H
#define ABI_UIO_H

#include <stddef.h>

struct iovec {
    void *iov_base;
    size_t iov_len;
};

#define IOV_MAX 1024 /* pieces in one readv or writev, as Linux's UIO_MAXIOV */

#endif
