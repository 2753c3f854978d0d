/*
 * file.c: allocating, sharing and releasing open files. See file.h.
 */
#include "fs/file.h"

#include "abi/fcntl.h"
#include "mm/heap/heap.h"

/* The flags an open file keeps; fcntl(F_SETFL) may change the last two. */
#define FILE_KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK)

struct file *file_alloc(const struct file_ops *ops, uint32_t flags, void *private_data)
{
    struct file *file = kzalloc(sizeof(*file));
    if (file == NULL)
        return NULL;
    file->ops = ops;
    file->refcount = 1;
    file->flags = flags & FILE_KEPT_FLAGS;
    mutex_init(&file->position_lock, "file position");
    file->private_data = private_data;
    return file;
}

void file_put(struct file *file)
{
    /* Release ordering: whatever this holder did to the file happens before its release. */
    if (__atomic_fetch_sub(&file->refcount, 1, __ATOMIC_ACQ_REL) != 1)
        return;
    if (file->ops->release != NULL)
        file->ops->release(file);
    kfree(file);
}
