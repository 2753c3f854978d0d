/*
 * sys_io.c: moving data through descriptors: read, write, readv, writev,
 * pread64, pwrite64 and lseek.
 *
 * Each call looks the descriptor up (a reference to its open file, dropped
 * at the end), checks the access mode, and hands the user's buffer to the
 * file's operations (fs/file.h), which copy with copy_to_user and
 * copy_from_user: no user pointer is ever dereferenced here. A seekable
 * file's position moves under its position lock, so two processes sharing
 * a file after fork never read the same bytes.
 */
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "abi/uio.h"
#include "fs/file.h"
#include "fs/files.h"
#include "mm/heap/heap.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "syscall/syscall.h"

/* Linux's MAX_RW_COUNT: one call moves at most this much, and says so in its count. */
#define RW_COUNT_MAX 0x7ffff000ul

typedef long (*transfer_t)(struct file *, uint64_t, size_t, uint64_t *);

/* A file with a position: at `offset` (pread, pwrite), or at the position, under its lock. */
static __attribute__((noinline)) long seekable_transfer(transfer_t transfer, struct file *file,
                                                        uint64_t buffer, size_t count,
                                                        int64_t offset)
{
    if (offset >= 0) {
        uint64_t position = (uint64_t)offset;
        return transfer(file, buffer, count, &position);
    }
    mutex_lock(&file->position_lock);
    long result = transfer(file, buffer, count, &file->position);
    mutex_unlock(&file->position_lock);
    return result;
}

/*
 * `offset` < 0: at the file's position (and move it); else at `offset`
 * (pread, pwrite). A file without a position (a pipe, the console) is
 * handed the call directly, the last thing done here.
 */
static inline long file_transfer(struct file *file, bool writing, uint64_t buffer, size_t count,
                                 int64_t offset)
{
    if (writing ? !file_writable(file) : !file_readable(file))
        return -EBADF;
    transfer_t transfer = writing ? file->ops->write : file->ops->read;
    if (transfer == NULL)
        return -EINVAL;
    if (count > RW_COUNT_MAX)
        count = RW_COUNT_MAX;
    if (file->ops->seekable)
        return seekable_transfer(transfer, file, buffer, count, offset);
    return offset >= 0 ? -ESPIPE : transfer(file, buffer, count, NULL);
}

/* A file borrowed with a reference (the process has several threads): the reference goes after. */
static __attribute__((noinline)) long
referenced_transfer(struct file *file, bool writing, uint64_t buffer, size_t count, int64_t offset)
{
    long result = file_transfer(file, writing, buffer, count, offset);
    files_end_borrow(file, true);
    return result;
}

/*
 * Without a reference, nothing is left to do once the transfer returns, so
 * nothing has to live across it (no callee-saved register to save): every
 * read and write of a one-thread process, the pipe round trip's among them.
 */
static inline __attribute__((always_inline)) long fd_transfer(int fd, bool writing, uint64_t buffer,
                                                              size_t count, int64_t offset)
{
    bool referenced;
    struct file *file = files_borrow(fd, &referenced);
    if (file == NULL)
        return -EBADF;
    if (referenced)
        return referenced_transfer(file, writing, buffer, count, offset);
    return file_transfer(file, writing, buffer, count, offset);
}

long sys_read(struct context *context)
{
    return fd_transfer((int)syscall_arg(context, 0), false, syscall_arg(context, 1),
                       syscall_arg(context, 2), -1);
}

long sys_write(struct context *context)
{
    return fd_transfer((int)syscall_arg(context, 0), true, syscall_arg(context, 1),
                       syscall_arg(context, 2), -1);
}

long sys_pread64(struct context *context)
{
    int64_t offset = (int64_t)syscall_arg(context, 3);
    if (offset < 0)
        return -EINVAL;
    return fd_transfer((int)syscall_arg(context, 0), false, syscall_arg(context, 1),
                       syscall_arg(context, 2), offset);
}

long sys_pwrite64(struct context *context)
{
    int64_t offset = (int64_t)syscall_arg(context, 3);
    if (offset < 0)
        return -EINVAL;
    return fd_transfer((int)syscall_arg(context, 0), true, syscall_arg(context, 1),
                       syscall_arg(context, 2), offset);
}

/*
 * readv and writev: each piece in turn, stopping at the first that moves
 * less than its length (the end of a file, a pipe with no more data now).
 */
static long vector_transfer(struct context *context, bool writing)
{
    int fd = (int)syscall_arg(context, 0);
    uint64_t user_vector = syscall_arg(context, 1);
    uint64_t count = syscall_arg(context, 2);
    if (count > IOV_MAX)
        return -EINVAL;
    struct file *file = files_get(fd);
    if (file == NULL)
        return -EBADF;
    struct iovec *pieces = kmalloc(sizeof(struct iovec) * (count > 0 ? count : 1));
    long result = pieces == NULL ? -ENOMEM : 0;
    if (result == 0 && copy_from_user(process_current()->memory_set, pieces, user_vector,
                                      sizeof(struct iovec) * count) != 0)
        result = -EFAULT;
    uint64_t total = 0;
    for (uint64_t i = 0; result == 0 && i < count; i++) {
        total += pieces[i].iov_len;
        if (pieces[i].iov_len > RW_COUNT_MAX || total > RW_COUNT_MAX)
            result = -EINVAL;
    }
    long done = 0;
    for (uint64_t i = 0; result == 0 && i < count; i++) {
        if (pieces[i].iov_len == 0)
            continue;
        long n = file_transfer(file, writing, (uint64_t)pieces[i].iov_base, pieces[i].iov_len, -1);
        if (n < 0) {
            if (done == 0)
                result = n;
            break;
        }
        done += n;
        if ((size_t)n < pieces[i].iov_len)
            break;
    }
    kfree(pieces);
    file_put(file);
    return result != 0 ? result : done;
}

long sys_readv(struct context *context)
{
    return vector_transfer(context, false);
}

long sys_writev(struct context *context)
{
    return vector_transfer(context, true);
}

long sys_lseek(struct context *context)
{
    int fd = (int)syscall_arg(context, 0);
    int64_t offset = (int64_t)syscall_arg(context, 1);
    uint64_t whence = syscall_arg(context, 2);
    struct file *file = files_get(fd);
    if (file == NULL)
        return -EBADF;
    if (!file->ops->seekable) {
        file_put(file);
        return -ESPIPE;
    }
    mutex_lock(&file->position_lock);
    int64_t base = 0;
    long result = 0;
    if (whence == SEEK_CUR) {
        base = (int64_t)file->position;
    } else if (whence == SEEK_END) {
        struct stat st;
        result = file->ops->stat(file, &st);
        base = st.st_size;
    } else if (whence != SEEK_SET) {
        result = -EINVAL;
    }
    if (result == 0) {
        if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
            result = -EINVAL;
        else
            file->position = (uint64_t)(base + offset);
        if (result == 0)
            result = (long)file->position;
    }
    mutex_unlock(&file->position_lock);
    file_put(file);
    return result;
}
