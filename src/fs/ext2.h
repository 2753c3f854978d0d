/*
 * ext2.h: the ext2 file system (revision 1), read and write, as the rest of
 * the kernel uses it: mount a block device, get inodes, read and write
 * files, change directories. Everything goes through the buffer cache
 * (fs/bcache.h), which must be initialised first. docs/ext2.md explains the
 * format and what is supported.
 *
 * Errors are negative errno values (include/abi/errno.h). A damaged disk never
 * panics: it gives -EUCLEAN (structure corrupted) or -EIO (device error).
 *
 * Inodes are reference counted: ext2_iget, ext2_root, ext2_lookup and the
 * creating calls hand out a reference that the caller ends with ext2_iput.
 * An unlinked file lives on until its last reference goes, as in Unix.
 * The functions take the locks they need; a caller holds none.
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/block_device.h"
#include "fs/ext2_format.h"

struct ext2_fs;
struct ext2_inode;

/* Seconds since 1970, for timestamps. */
typedef uint32_t (*ext2_clock_fn)(void);

struct ext2_mount_options {
    bool read_only;      /* mount read-only even if the disk allows writing */
    ext2_clock_fn clock; /* NULL: every timestamp written is 0 */
};

/* What stat(2) needs. */
struct ext2_stat {
    uint32_t ino;
    uint16_t mode; /* EXT2_S_IF* type and permission bits */
    uint16_t links;
    uint32_t uid;
    uint32_t gid;
    uint64_t size;
    uint64_t blocks; /* 512-byte units, as st_blocks */
    uint32_t atime;
    uint32_t mtime;
    uint32_t ctime;
    uint32_t rdev_major; /* a device file's device number (0 for others) */
    uint32_t rdev_minor;
};

/* What statfs(2) needs. */
struct ext2_statfs {
    uint32_t block_size;
    uint64_t blocks;
    uint64_t free_blocks;
    uint64_t available_blocks; /* free minus those reserved for the superuser */
    uint64_t inodes;
    uint64_t free_inodes;
    uint32_t name_max;
    bool read_only;
};

/* One directory entry for getdents64. `type` uses Linux's DT_* values (the mode's type >> 12). */
struct ext2_dirent {
    uint32_t ino;
    uint8_t type;
    uint16_t name_len;
    char name[EXT2_NAME_MAX + 1]; /* NUL-terminated */
    uint64_t next_offset;         /* where the next call starts */
};

/* ---- Mounting (ext2_super.c) -------------------------------------------------- */

/*
 * Read and check the superblock and group descriptors of `dev`. A bad or
 * unsupported file system is refused (-EINVAL, with a log line naming why);
 * unknown read-only-compatible features mount read-only. 0 or -errno.
 */
int ext2_mount(struct block_device *dev, const struct ext2_mount_options *options,
               struct ext2_fs **out);
/* Write everything back and free the file system. -EBUSY while an inode is held. */
int ext2_unmount(struct ext2_fs *fs);
/* Write every dirty block of the file system to its device. */
int ext2_sync(struct ext2_fs *fs);
/*
 * The machine stops with inodes still held (open files, current
 * directories), so unmount is not possible: write everything back, mark the
 * file system clean as unmount would (unless an unlinked file is still open:
 * then e2fsck must free it), and refuse every write from here on.
 */
int ext2_shutdown(struct ext2_fs *fs);
bool ext2_is_read_only(const struct ext2_fs *fs);
struct block_device *ext2_fs_device(const struct ext2_fs *fs);
uint32_t ext2_block_size(const struct ext2_fs *fs);
void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *out);
/* The largest size a file can have on this file system, in bytes. */
uint64_t ext2_max_file_size(const struct ext2_fs *fs);

/* ---- Inodes (ext2_inode.c) ------------------------------------------------------ */

int ext2_root(struct ext2_fs *fs, struct ext2_inode **out);
/* The inode numbered `ino`: -EUCLEAN if the number is out of range or the inode is free. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out);
/* One more reference to an inode already held. */
struct ext2_inode *ext2_idup(struct ext2_inode *inode);
/* Drop a reference; the last one of an unlinked inode frees its blocks and the inode. */
void ext2_iput(struct ext2_inode *inode);
void ext2_stat(struct ext2_inode *inode, struct ext2_stat *out);
uint32_t ext2_inode_number(const struct ext2_inode *inode);
uint16_t ext2_inode_mode(struct ext2_inode *inode);
struct ext2_fs *ext2_inode_fs(const struct ext2_inode *inode);
/* chmod: the permission bits (07777) become `mode`'s, the type stays; ctime moves. 0 or -errno. */
int ext2_chmod(struct ext2_inode *inode, uint16_t mode);
/*
 * utimensat: atime and mtime become the given seconds, or the current time
 * (EXT2_TIME_NOW), or stay (EXT2_TIME_OMIT); ctime moves unless both stay.
 */
#define EXT2_TIME_NOW  (-1)
#define EXT2_TIME_OMIT (-2)
int ext2_set_times(struct ext2_inode *inode, int64_t atime, int64_t mtime);

/* ---- Files (ext2_file.c) -------------------------------------------------------- */

/* Bytes read (0 at or past the end), or -errno. Holes read as zeros. -EISDIR for a directory. */
int64_t ext2_file_read(struct ext2_inode *inode, uint64_t offset, void *buf, size_t len);
/*
 * Bytes written, or -errno if none were. Writing past the end leaves a hole.
 * A short count means the disk filled (or failed) part way.
 */
int64_t ext2_file_write(struct ext2_inode *inode, uint64_t offset, const void *buf, size_t len);
/*
 * The same two, with the caller's buffer somewhere the file system cannot
 * simply memcpy to (a user program's memory): copy() moves `len` bytes
 * between a cached block (`block_data`) and byte `done` of the caller's
 * buffer, in the direction of the call, and returns 0 or -errno (which ends
 * the transfer). It runs with the inode's lock and one buffer held, so it
 * must not sleep on the file system.
 */
struct ext2_io {
    int (*copy)(void *context, void *block_data, uint64_t done, size_t len);
    void *context;
};
int64_t ext2_file_read_io(struct ext2_inode *inode, uint64_t offset, size_t len,
                          const struct ext2_io *io);
/*
 * Write at *offset, or at the end of the file if `append` (read under the
 * inode's lock: appenders never overwrite each other). *offset becomes the
 * position after the last byte written.
 */
int64_t ext2_file_write_io(struct ext2_inode *inode, uint64_t *offset, bool append, size_t len,
                           const struct ext2_io *io);
/* Set the size: shrinking frees blocks, growing leaves a hole. */
int ext2_file_truncate(struct ext2_inode *inode, uint64_t size);
/* Make the file durable: this writes every dirty block of its device, not only the file's. */
int ext2_fsync(struct ext2_inode *inode);

/* ---- Directories and names (ext2_dir.c, ext2_namei.c, ext2_rename.c, ext2_symlink.c) */

/* The inode named `name` in `dir` (one component: no '/'). -ENOENT, -ENOTDIR, -ENAMETOOLONG. */
int ext2_lookup(struct ext2_inode *dir, const char *name, struct ext2_inode **out);
/*
 * The first entry at or after byte `offset` of the directory: 1 with *out
 * filled, 0 at the end, or -errno. Pass out->next_offset for the next one.
 */
int ext2_readdir(struct ext2_inode *dir, uint64_t offset, struct ext2_dirent *out);

/* A new regular file (mode: permission bits). -EEXIST if the name is taken. */
int ext2_create(struct ext2_inode *dir, const char *name, uint16_t mode, struct ext2_inode **out);
int ext2_mkdir(struct ext2_inode *dir, const char *name, uint16_t mode, struct ext2_inode **out);
/* Remove a name that is not a directory (-EISDIR). */
int ext2_unlink(struct ext2_inode *dir, const char *name);
/* Remove an empty directory (-ENOTEMPTY, -ENOTDIR). */
int ext2_rmdir(struct ext2_inode *dir, const char *name);
/* A second name for `target`, which may not be a directory (-EPERM). -EMLINK at EXT2_LINK_MAX. */
int ext2_link(struct ext2_inode *dir, const char *name, struct ext2_inode *target);
/* A symbolic link holding `target`; out may be NULL. */
int ext2_symlink(struct ext2_inode *dir, const char *name, const char *target,
                 struct ext2_inode **out);
/* Copy a symlink's target into buf (not NUL-terminated, as readlink(2)): its length, or -errno. */
int ext2_readlink(struct ext2_inode *inode, char *buf, size_t size);
/*
 * Move old_dir/old_name to new_dir/new_name, replacing a target of the same
 * kind (a directory only if it is empty). -EINVAL to move a directory into
 * itself, -EXDEV across file systems.
 */
int ext2_rename(struct ext2_inode *old_dir, const char *old_name, struct ext2_inode *new_dir,
                const char *new_name);

#endif
