/*
 * path.h: path lookup: from a string like "/usr/../etc/passwd" to an inode,
 * one component at a time, following symbolic links. The system calls use
 * it (open, stat, mkdir, unlink, rename, ...); it talks to ext2 directly,
 * since that is the only file system (a VFS would take its place here).
 *
 * Limits, as Linux: a component of at most 255 bytes and a path of at most
 * 4095 (-ENAMETOOLONG), and 40 symbolic links per lookup (-ELOOP). No
 * permission checks are made yet: the kernel has no users to check.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stdbool.h>

#include "fs/ext2.h"

#define PATH_MAX_LENGTH   4095 /* bytes, without the NUL */
#define PATH_MAX_SYMLINKS 40

/* Flags for path_lookup. */
#define PATH_FOLLOW 0x1 /* follow a symlink in the last component (stat, open); not for lstat */

/*
 * Resolve `path`: from the root if it starts with '/', else from `start`
 * (the current directory; NULL means the root). The caller keeps its own
 * reference to `start`, and gets a new one in *out. -ENOENT, -ENOTDIR
 * (also for "file/" with a trailing slash), -ENAMETOOLONG, -ELOOP, or an
 * error of the disk (-EUCLEAN, -EIO).
 */
int path_lookup(struct ext2_fs *fs, struct ext2_inode *start, const char *path, unsigned flags,
                struct ext2_inode **out);

/*
 * For calls that create or remove the last component: the directory that
 * holds it, and its name. "/" alone gives the root and ".". A symlink as the
 * last component is not followed. Release with path_parent_release().
 */
struct path_parent {
    struct ext2_inode *dir;       /* referenced */
    char name[EXT2_NAME_MAX + 1]; /* the last component */
    bool trailing_slash;          /* "a/b/": the caller may insist on a directory */
};
int path_lookup_parent(struct ext2_fs *fs, struct ext2_inode *start, const char *path,
                       struct path_parent *out);
void path_parent_release(struct path_parent *parent);

#endif
