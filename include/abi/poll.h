/*
 * abi/poll.h: ppoll's structure and event bits, as Linux defines them
 * (the asm-generic values RISC-V uses).
 */
#ifndef ABI_POLL_H
#define ABI_POLL_H

#include <stdint.h>

struct pollfd {
    int32_t fd;      /* a negative one is skipped: its revents is 0 */
    int16_t events;  /* what the caller waits for */
    int16_t revents; /* what is true now; POLLERR, POLLHUP and POLLNVAL come unasked */
};

#define POLLIN     0x0001 /* a read would not block */
#define POLLPRI    0x0002 /* urgent data: never, here */
#define POLLOUT    0x0004 /* a write would not block */
#define POLLERR    0x0008 /* an error: the read end of this pipe is gone */
#define POLLHUP    0x0010 /* hung up: the write end of this pipe is gone */
#define POLLNVAL   0x0020 /* fd is not open */
#define POLLRDNORM 0x0040 /* POLLIN's twin */
#define POLLWRNORM 0x0100 /* POLLOUT's twin */

#endif
