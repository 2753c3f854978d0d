/*
 * files.c: descriptor tables, the current directory and the umask, and the
 * hooks that copy them at fork and release them at exit. See files.h.
 */
#include "fs/files.h"

#include "abi/errno.h"
#include "console/console.h"
#include "fs/ext2.h"
#include "fs/file.h"
#include "mm/heap/heap.h"
#include "proc/mutex.h"
#include "proc/process.h"
#include "sync/spinlock.h"

_Static_assert(FILES_MAX <= 64, "close_on_exec is one 64-bit word");

static struct process_files *current_files(void)
{
    return process_current()->files;
}

struct file *files_get(int fd)
{
    struct process_files *files = current_files();
    if (!fd_in_range(fd) || files == NULL)
        return NULL;
    spinlock_acquire(&files->lock);
    struct file *file = files->slots[fd];
    if (file != NULL)
        file_ref(file);
    spinlock_release(&files->lock);
    return file;
}

static void set_close_on_exec_locked(struct process_files *files, int fd, bool on)
{
    if (on)
        files->close_on_exec |= 1ull << fd;
    else
        files->close_on_exec &= ~(1ull << fd);
}

int files_install(struct file *file, int lowest, bool close_on_exec)
{
    struct process_files *files = current_files();
    if (!fd_in_range(lowest))
        return lowest < 0 ? -EINVAL : -EMFILE;
    spinlock_acquire(&files->lock);
    int fd = lowest;
    while (fd < FILES_MAX && files->slots[fd] != NULL)
        fd++;
    if (fd < FILES_MAX) {
        files->slots[fd] = file;
        set_close_on_exec_locked(files, fd, close_on_exec);
    }
    spinlock_release(&files->lock);
    return fd < FILES_MAX ? fd : -EMFILE;
}

int files_close(int fd)
{
    struct process_files *files = current_files();
    if (!fd_in_range(fd))
        return -EBADF;
    spinlock_acquire(&files->lock);
    struct file *file = files->slots[fd];
    files->slots[fd] = NULL;
    set_close_on_exec_locked(files, fd, false);
    spinlock_release(&files->lock);
    if (file == NULL)
        return -EBADF;
    file_put(file); /* outside the lock: releasing may sleep */
    return 0;
}

int files_dup_to(int old_fd, int new_fd, bool close_on_exec)
{
    struct process_files *files = current_files();
    if (!fd_in_range(old_fd) || !fd_in_range(new_fd))
        return -EBADF;
    spinlock_acquire(&files->lock);
    struct file *file = files->slots[old_fd];
    if (file == NULL) {
        spinlock_release(&files->lock);
        return -EBADF;
    }
    struct file *replaced = files->slots[new_fd];
    files->slots[new_fd] = file_ref(file);
    set_close_on_exec_locked(files, new_fd, close_on_exec);
    spinlock_release(&files->lock);
    if (replaced != NULL)
        file_put(replaced);
    return new_fd;
}

int files_get_close_on_exec(int fd)
{
    struct process_files *files = current_files();
    if (!fd_in_range(fd))
        return -EBADF;
    spinlock_acquire(&files->lock);
    int result = files->slots[fd] == NULL ? -EBADF : (int)((files->close_on_exec >> fd) & 1);
    spinlock_release(&files->lock);
    return result;
}

int files_set_close_on_exec(int fd, bool close_on_exec)
{
    struct process_files *files = current_files();
    if (!fd_in_range(fd))
        return -EBADF;
    spinlock_acquire(&files->lock);
    int result = -EBADF;
    if (files->slots[fd] != NULL) {
        set_close_on_exec_locked(files, fd, close_on_exec);
        result = 0;
    }
    spinlock_release(&files->lock);
    return result;
}

void files_close_on_exec(void)
{
    struct process_files *files = current_files();
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if ((files->close_on_exec >> fd) & 1)
            files_close(fd);
    }
}

struct ext2_inode *files_get_cwd(void)
{
    struct process_files *files = current_files();
    mutex_lock(&files->cwd_lock);
    struct ext2_inode *cwd = files->cwd;
    if (cwd != NULL)
        ext2_idup(cwd);
    mutex_unlock(&files->cwd_lock);
    return cwd;
}

void files_set_cwd(struct ext2_inode *dir)
{
    struct process_files *files = current_files();
    mutex_lock(&files->cwd_lock);
    struct ext2_inode *old = files->cwd;
    files->cwd = dir;
    mutex_unlock(&files->cwd_lock);
    if (old != NULL)
        ext2_iput(old);
}

uint32_t files_umask(uint32_t mask)
{
    struct process_files *files = current_files();
    spinlock_acquire(&files->lock);
    uint32_t old = files->umask;
    files->umask = mask & 0777;
    spinlock_release(&files->lock);
    return old;
}

uint32_t files_get_umask(void)
{
    return current_files()->umask;
}

/* ---- The hooks: fork copies, exit releases ----------------------------------------- */

static struct process_files *files_new(void)
{
    struct process_files *files = kzalloc(sizeof(*files));
    if (files != NULL) {
        spinlock_init(&files->lock, "files");
        mutex_init(&files->cwd_lock, "current directory");
    }
    return files;
}

int files_fork(struct process *parent, struct process *child)
{
    struct process_files *from = parent->files;
    if (from == NULL)
        return 0; /* a parent without files (before files_init): so is the child */
    struct process_files *to = files_new();
    if (to == NULL)
        return -ENOMEM;
    spinlock_acquire(&from->lock);
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if (from->slots[fd] != NULL)
            to->slots[fd] = file_ref(from->slots[fd]);
    }
    to->close_on_exec = from->close_on_exec;
    to->umask = from->umask;
    spinlock_release(&from->lock);
    mutex_lock(&from->cwd_lock);
    to->cwd = from->cwd != NULL ? ext2_idup(from->cwd) : NULL;
    mutex_unlock(&from->cwd_lock);
    child->files = to;
    return 0;
}

void files_exit(struct process *process)
{
    struct process_files *files = process->files;
    if (files == NULL)
        return;
    spinlock_acquire(&files->lock);
    process->files = NULL;
    spinlock_release(&files->lock);
    for (int fd = 0; fd < FILES_MAX; fd++) {
        if (files->slots[fd] != NULL)
            file_put(files->slots[fd]);
    }
    if (files->cwd != NULL)
        ext2_iput(files->cwd);
    kfree(files);
}

int files_init(struct file *console, struct ext2_inode *root)
{
    struct process_files *files = files_new();
    if (files == NULL)
        return -ENOMEM;
    for (int fd = 0; fd < 3; fd++)
        files->slots[fd] = file_ref(console);
    files->cwd = root;
    files->umask = 022;
    kernel_process.files = files;
    return 0;
}
