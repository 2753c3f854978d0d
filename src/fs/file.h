/*
 * file.h: an open file: what a file descriptor points at.
 *
 * open() makes a struct file; descriptors (fs/files.h) hold references to
 * it. dup() and fork() add references to the same struct, so the copies
 * share its position and flags, as on Unix; the last reference to go
 * releases it (closes the pipe end, drops the inode).
 *
 * What a file does depends on its kind, chosen by its operations: a file
 * or directory on the disk (fs/inode_file.h), a pipe end (fs/pipe.h), the
 * console or another character device (fs/chardev.h). The system calls
 * (syscall/sys_io.c, sys_file.c) call through the operations and never ask
 * which kind they hold.
 *
 *     fd table (per process)       struct file (shared)          the thing itself
 *     +----+                       +---------------------+
 *     | 0  |---------------------->| console ops, pos -- |-------> tty line discipline
 *     | 1  |----------+            +---------------------+
 *     | 2  |----------+            +---------------------+
 *     | 3  |---------------------->| inode ops, pos 4096 |-------> ext2 inode 12
 *     | 4  |-----+                 +---------------------+
 *     +----+     |  (after fork,   +---------------------+
 *                +-- the child's ->| pipe-read ops       |-------> struct pipe
 *                    fd 4 too)     +---------------------+
 *
 * Buffers passed to read, write and getdents are user addresses of the
 * calling process: the operations copy with copy_to_user/copy_from_user
 * (mm/uaccess.h), never by dereferencing.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/fcntl.h"
#include "abi/stat.h"
#include "proc/mutex.h"

struct file;

struct file_ops {
    const char *kind; /* "file", "directory", "pipe", "console"... for messages */
    /*
     * Read up to `count` bytes into the user buffer. `position` is the file's
     * (or pread's) position for a seekable file, which the operation advances;
     * streams ignore it. Bytes read, 0 at the end, or -errno.
     */
    long (*read)(struct file *file, uint64_t buffer, size_t count, uint64_t *position);
    long (*write)(struct file *file, uint64_t buffer, size_t count, uint64_t *position);
    int (*stat)(struct file *file, struct stat *out);
    /* Optional ones: NULL gives the errno in brackets. */
    long (*ioctl)(struct file *file, uint32_t request, uint64_t argument); /* ENOTTY */
    long (*getdents)(struct file *file, uint64_t buffer, size_t size,
                     uint64_t *position);              /* ENOTDIR */
    int (*truncate)(struct file *file, uint64_t size); /* EINVAL */
    int (*fsync)(struct file *file);                   /* EINVAL */
    /* What is true now, as ppoll's POLLIN|POLLOUT|POLLHUP|POLLERR bits (fs/poll.h). */
    uint32_t (*poll)(struct file *file); /* NULL: always ready, as a disk file is */
    /* The last reference is gone. */
    void (*release)(struct file *file);
    /* lseek, pread and pwrite apply; a position is kept (else they give ESPIPE). */
    bool seekable;
};

struct file {
    const struct file_ops *ops;
    uint32_t refcount; /* atomic: descriptors and calls in progress that hold it */
    uint32_t flags;    /* O_ACCMODE, and the status flags O_APPEND and O_NONBLOCK */
    /*
     * The position of a seekable file. One read, write or lseek at a time
     * moves it (Linux's f_pos_lock): two processes sharing a file after
     * fork never read the same bytes twice.
     */
    struct mutex position_lock;
    uint64_t position;
    void *private_data; /* the kind's own: an inode, a pipe */
};

/*
 * A new file with one reference, of the given kind, open with `flags`
 * (the access mode and O_APPEND/O_NONBLOCK; other bits are dropped).
 * NULL when memory runs out.
 */
struct file *file_alloc(const struct file_ops *ops, uint32_t flags, void *private_data);

/* One more reference. */
static inline struct file *file_ref(struct file *file)
{
    __atomic_fetch_add(&file->refcount, 1, __ATOMIC_RELAXED);
    return file;
}

/* Drop a reference; the last one releases the file. May sleep (an inode may be freed). */
void file_put(struct file *file);

/* May this open file be read / written (its access mode)? */
static inline bool file_readable(const struct file *file)
{
    return (file->flags & O_ACCMODE) != O_WRONLY;
}

static inline bool file_writable(const struct file *file)
{
    uint32_t mode = file->flags & O_ACCMODE;
    return mode == O_WRONLY || mode == O_RDWR;
}

#endif
