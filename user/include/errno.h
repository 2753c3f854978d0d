/*
 * errno.h: where the library wrappers put a failed call's error number.
 * The numbers are Linux's, from the list the kernel uses too
 * (include/abi/errno.h). strerror() in <string.h> gives their text.
 */
#ifndef ERRNO_H
#define ERRNO_H

#include "abi/errno.h"

/* One process is one thread here, so one global errno is enough. */
extern int errno;

#endif
