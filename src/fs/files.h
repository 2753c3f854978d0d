/*
 * files.h: a process's open files: its descriptor table, its current
 * directory and its umask (Linux keeps these in files_struct and fs_struct).
 *
 * struct process (proc/process.h) holds a pointer to this, which only fs/
 * looks inside. proc/ sits below fs/, so it cannot call in here; instead
 * fs registers three hooks at boot (process_set_hooks), and proc calls them
 * when a process is created (the child copies its parent's descriptors and
 * directory: fork), when it exits (every descriptor is closed, so a pipe's
 * reader sees the end even when the writer was killed), and when init's end
 * powers the machine off (the disk is synced).
 *
 * A descriptor is an index into the table; close-on-exec is a bit per
 * descriptor, not a property of the file, since dup() does not copy it.
 * The table has its own spinlock, held only to read or change a slot; a
 * call on a descriptor takes a reference to the file (files_get) and drops
 * it when done (file_put), so a close by another thread can never free a
 * file in use.
 */
#ifndef FS_FILES_H
#define FS_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/file.h"
#include "proc/mutex.h"
#include "proc/process.h"
#include "sync/spinlock.h"

struct ext2_inode;

#define FILES_MAX 64 /* descriptors per process: 0..63 (Linux's RLIMIT_NOFILE is 1024) */

/* The table. Only files.c changes it; it is here so that files_borrow below can be inline. */
struct process_files {
    /* Guards the slots and the bits; never held across anything that sleeps. */
    struct spinlock lock;
    struct file *slots[FILES_MAX];
    uint64_t close_on_exec; /* bit fd */
    uint32_t umask;
    /* A sleeping lock for the directory: taking an inode reference may sleep. */
    struct mutex cwd_lock;
    struct ext2_inode *cwd; /* referenced; NULL without a root file system */
};

static inline bool fd_in_range(int fd)
{
    return fd >= 0 && fd < FILES_MAX;
}

/* The calling process's file `fd`, with a reference the caller drops with file_put; NULL: EBADF. */
struct file *files_get(int fd);

/*
 * The same, for the length of one system call, more cheaply: while the
 * process has one thread, nothing else can close fd before the call ends
 * (other processes have tables of their own, and only this thread changes
 * this one), so the descriptor's own reference keeps the file alive and
 * neither the table's lock nor a reference is needed. With more threads it
 * is files_get. *referenced says which it was, for files_end_borrow.
 * (Linux's fdget makes the same bargain for a table that is not shared.)
 * Inline: every read and write starts here (docs/pipes.md counts it).
 */
static inline struct file *files_borrow(int fd, bool *referenced)
{
    struct process *process = process_of_running_thread();
    struct process_files *files = process->files;
    if (__builtin_expect(
            __atomic_load_n(&process->live_threads, __ATOMIC_RELAXED) != 1 || files == NULL, 0)) {
        *referenced = true;
        return files_get(fd);
    }
    *referenced = false;
    return fd_in_range(fd) ? files->slots[fd] : NULL;
}

static inline void files_end_borrow(struct file *file, bool referenced)
{
    if (referenced)
        file_put(file);
}

/*
 * Put `file` in the lowest free descriptor >= `lowest`, taking over the
 * caller's reference. Returns the descriptor, or -EMFILE (the reference
 * stays the caller's) or -EINVAL (`lowest` out of range).
 */
int files_install(struct file *file, int lowest, bool close_on_exec);

/* Close descriptor fd: 0 or -EBADF. */
int files_close(int fd);

/* dup3: make `new_fd` refer to old_fd's file, closing what it held. new_fd or -EBADF. */
int files_dup_to(int old_fd, int new_fd, bool close_on_exec);

/* The FD_CLOEXEC bit of a descriptor: 0 or 1, or -EBADF; and setting it. */
int files_get_close_on_exec(int fd);
int files_set_close_on_exec(int fd, bool close_on_exec);

/* execve's point of no return: close every close-on-exec descriptor. */
void files_close_on_exec(void);

/*
 * The current directory, referenced (the caller ends it with ext2_iput), or
 * NULL when there is no root file system. files_set_cwd takes over the
 * caller's reference to `dir`.
 */
struct ext2_inode *files_get_cwd(void);
void files_set_cwd(struct ext2_inode *dir);

/* umask: set it, returning the old one. */
uint32_t files_umask(uint32_t mask);
uint32_t files_get_umask(void);

/*
 * Boot: give process 0 a table with the console open on 0, 1 and 2 and
 * `root` (referenced, may be NULL) as its directory. Every process inherits
 * from there, through files_fork.
 */
int files_init(struct file *console, struct ext2_inode *root);

/* The process hooks (fs_init registers them): a child copies its parent's table. 0 or -ENOMEM. */
int files_fork(struct process *parent, struct process *child);
/* The process ends (or is reaped without having ended itself): close everything. May sleep. */
void files_exit(struct process *process);

#endif
