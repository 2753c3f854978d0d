/*
 * pipe.h: pipes: a buffer in the kernel with a read end and a write end,
 * each an open file.
 *
 *   - read waits until there is data, then returns what there is (up to
 *     the count); 0 once there is no data and no writer left: the end.
 *   - write waits for room. A write of at most PIPE_ATOMIC_MAX bytes goes in
 *     whole, never interleaved with another writer's; a longer one may be
 *     split, and returns when all of it is in.
 *   - writing when no reader is left fails with -EPIPE, and sends the writer
 *     SIGPIPE, whose default ends it (WAIT_STATUS_SIGNALED(SIGPIPE)).
 *   - O_NONBLOCK makes a wait -EAGAIN instead.
 * docs/pipes.md tells the story, with the measured cost.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <stdint.h>

struct file;

#define PIPE_SIZE       4096 /* bytes a pipe holds */
#define PIPE_ATOMIC_MAX 4096 /* PIPE_BUF: writes up to this size are atomic */

/*
 * A new pipe: *read_end and *write_end, one reference each. `flags` may
 * hold O_NONBLOCK (for both ends). 0 or -ENOMEM.
 */
int pipe_create(uint32_t flags, struct file **read_end, struct file **write_end);

#endif
