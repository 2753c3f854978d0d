/*
 * vfs.c: the calls that take a path. See vfs.h.
 */
#include "fs/vfs.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "fs/chardev.h"
#include "fs/ext2.h"
#include "fs/file.h"
#include "fs/files.h"
#include "fs/fs.h"
#include "fs/inode_file.h"
#include "fs/path.h"
#include "lib/string.h"
#include "mm/heap/heap.h"

static uint16_t inode_type(struct ext2_inode *inode)
{
    return ext2_inode_mode(inode) & EXT2_S_IFMT;
}

/*
 * Where a relative path starts: the current directory (AT_FDCWD) or dirfd's
 * directory. *out is referenced, or NULL for the root. An absolute path
 * ignores dirfd, as on Linux.
 */
static int start_dir(int dirfd, const char *path, struct ext2_inode **out)
{
    *out = NULL;
    if (path[0] == '/')
        return 0;
    if (dirfd == AT_FDCWD) {
        *out = files_get_cwd();
        return 0;
    }
    struct file *file = files_get(dirfd);
    if (file == NULL)
        return -EBADF;
    struct ext2_inode *inode = inode_file_inode(file);
    int error = 0;
    if (inode == NULL || inode_type(inode) != EXT2_S_IFDIR)
        error = -ENOTDIR;
    else
        *out = ext2_idup(inode);
    file_put(file);
    return error;
}

static void put_start(struct ext2_inode *start)
{
    if (start != NULL)
        ext2_iput(start);
}

/* path_lookup from dirfd. */
static int lookup_at(int dirfd, const char *path, unsigned flags, struct ext2_inode **out)
{
    struct ext2_fs *fs = fs_root();
    if (fs == NULL)
        return -ENOENT;
    struct ext2_inode *start;
    int error = start_dir(dirfd, path, &start);
    if (error != 0)
        return error;
    error = path_lookup(fs, start, path, flags, out);
    put_start(start);
    return error;
}

/* path_lookup_parent from dirfd. */
static int lookup_parent_at(int dirfd, const char *path, struct path_parent *out)
{
    struct ext2_fs *fs = fs_root();
    if (fs == NULL)
        return -ENOENT;
    struct ext2_inode *start;
    int error = start_dir(dirfd, path, &start);
    if (error != 0)
        return error;
    error = path_lookup_parent(fs, start, path, out);
    put_start(start);
    return error;
}

/* ---- open -------------------------------------------------------------------------- */

/* O_CREAT: the existing file, or a new regular file. *created says which. */
static int open_or_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
                          struct ext2_inode **out)
{
    struct path_parent parent;
    int error = lookup_parent_at(dirfd, path, &parent);
    if (error != 0)
        return error;
    if (parent.trailing_slash || strcmp(parent.name, ".") == 0 || strcmp(parent.name, "..") == 0) {
        path_parent_release(&parent);
        return -EISDIR; /* "dir/" or "." with O_CREAT: only a directory could be meant */
    }
    error = ext2_lookup(parent.dir, parent.name, out);
    if (error == -ENOENT) {
        uint16_t permissions = (uint16_t)(mode & ~files_get_umask() & 07777);
        error = ext2_create(parent.dir, parent.name, permissions, out);
        if (error == -EEXIST && (flags & O_EXCL) == 0) /* another process made it first */
            error = ext2_lookup(parent.dir, parent.name, out);
        else if (error == 0)
            flags &= ~O_EXCL;
    } else if (error == 0 && (flags & O_EXCL) != 0) {
        ext2_iput(*out);
        error = -EEXIST;
    }
    path_parent_release(&parent);
    if (error == 0 && inode_type(*out) == EXT2_S_IFLNK) {
        /* An existing symlink: open what it names (O_NOFOLLOW refuses). */
        ext2_iput(*out);
        if ((flags & O_NOFOLLOW) != 0)
            return -ELOOP;
        error = lookup_at(dirfd, path, PATH_FOLLOW, out);
    }
    return error;
}

/* What open may do with an inode of this type, and the file that results. */
static int open_inode(struct ext2_inode *inode, uint32_t flags, struct file **out)
{
    uint16_t type = inode_type(inode);
    bool writing = (flags & O_ACCMODE) != O_RDONLY;
    if (type == EXT2_S_IFDIR) {
        if (writing || (flags & (O_TRUNC | O_CREAT)) != 0)
            return -EISDIR;
    } else if ((flags & O_DIRECTORY) != 0) {
        return -ENOTDIR;
    }
    if (type == EXT2_S_IFCHR) {
        struct ext2_stat st;
        ext2_stat(inode, &st);
        return chardev_open(st.rdev_major, st.rdev_minor, flags, out);
    }
    if (type == EXT2_S_IFLNK)
        return -ELOOP; /* O_NOFOLLOW met a symlink */
    if (type != EXT2_S_IFREG && type != EXT2_S_IFDIR)
        return -ENXIO; /* a FIFO, socket or block device: none is supported yet */
    if (type == EXT2_S_IFREG && writing && (flags & O_TRUNC) != 0) {
        int error = ext2_file_truncate(inode, 0);
        if (error != 0)
            return error;
    }
    int error = inode_file_open(inode, flags, out);
    if (error == 0)
        ext2_idup(inode); /* the file's own reference; the caller drops its own */
    return error;
}

int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
    struct ext2_inode *inode;
    int error;
    if ((flags & O_CREAT) != 0)
        error = open_or_create(dirfd, path, flags, mode, &inode);
    else
        error = lookup_at(dirfd, path, (flags & O_NOFOLLOW) != 0 ? 0 : PATH_FOLLOW, &inode);
    if (error != 0)
        return error;
    error = open_inode(inode, flags, out);
    ext2_iput(inode);
    return error;
}

/* ---- Names: mkdir, unlink, link, symlink, rename --------------------------------- */

int vfs_mkdir(int dirfd, const char *path, uint32_t mode)
{
    struct path_parent parent;
    int error = lookup_parent_at(dirfd, path, &parent);
    if (error != 0)
        return error;
    if (strcmp(parent.name, ".") == 0 || strcmp(parent.name, "..") == 0) {
        error = -EEXIST; /* "/", ".", ".." and "a/." all exist */
    } else {
        struct ext2_inode *dir;
        uint16_t permissions = (uint16_t)(mode & ~files_get_umask() & 01777);
        error = ext2_mkdir(parent.dir, parent.name, permissions, &dir);
        if (error == 0)
            ext2_iput(dir);
    }
    path_parent_release(&parent);
    return error;
}

int vfs_unlink(int dirfd, const char *path, bool directory)
{
    struct path_parent parent;
    int error = lookup_parent_at(dirfd, path, &parent);
    if (error != 0)
        return error;
    if (directory) {
        if (strcmp(parent.name, ".") == 0)
            error = -EINVAL;
        else if (strcmp(parent.name, "..") == 0)
            error = -ENOTEMPTY;
        else
            error = ext2_rmdir(parent.dir, parent.name);
    } else if (parent.trailing_slash) {
        /* "file/": a directory was meant; a directory gives EISDIR as unlink always does. */
        struct ext2_inode *inode;
        error = ext2_lookup(parent.dir, parent.name, &inode);
        if (error == 0) {
            error = inode_type(inode) == EXT2_S_IFDIR ? -EISDIR : -ENOTDIR;
            ext2_iput(inode);
        }
    } else {
        error = ext2_unlink(parent.dir, parent.name);
    }
    path_parent_release(&parent);
    return error;
}

int vfs_link(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path, bool follow)
{
    struct ext2_inode *target;
    int error = lookup_at(old_dirfd, old_path, follow ? PATH_FOLLOW : 0, &target);
    if (error != 0)
        return error;
    struct path_parent parent;
    error = lookup_parent_at(new_dirfd, new_path, &parent);
    if (error == 0) {
        if (strcmp(parent.name, ".") == 0 || strcmp(parent.name, "..") == 0)
            error = -EEXIST;
        else
            error = ext2_link(parent.dir, parent.name, target);
        path_parent_release(&parent);
    }
    ext2_iput(target);
    return error;
}

int vfs_symlink(const char *target, int dirfd, const char *path)
{
    if (target[0] == '\0')
        return -ENOENT;
    struct path_parent parent;
    int error = lookup_parent_at(dirfd, path, &parent);
    if (error != 0)
        return error;
    if (strcmp(parent.name, ".") == 0 || strcmp(parent.name, "..") == 0)
        error = -EEXIST;
    else
        error = ext2_symlink(parent.dir, parent.name, target, NULL);
    path_parent_release(&parent);
    return error;
}

long vfs_readlink(int dirfd, const char *path, char *buf, size_t size)
{
    struct ext2_inode *inode;
    int error = lookup_at(dirfd, path, 0, &inode);
    if (error != 0)
        return error;
    long length = inode_type(inode) == EXT2_S_IFLNK ? ext2_readlink(inode, buf, size) : -EINVAL;
    ext2_iput(inode);
    return length;
}

int vfs_rename(int old_dirfd, const char *old_path, int new_dirfd, const char *new_path,
               uint32_t flags)
{
    if ((flags & ~(uint32_t)RENAME_NOREPLACE) != 0)
        return -EINVAL; /* RENAME_EXCHANGE, RENAME_WHITEOUT: not supported */
    struct path_parent from;
    int error = lookup_parent_at(old_dirfd, old_path, &from);
    if (error != 0)
        return error;
    struct path_parent to;
    error = lookup_parent_at(new_dirfd, new_path, &to);
    if (error != 0) {
        path_parent_release(&from);
        return error;
    }
    if ((flags & RENAME_NOREPLACE) != 0) {
        struct ext2_inode *existing;
        if (ext2_lookup(to.dir, to.name, &existing) == 0) {
            ext2_iput(existing);
            error = -EEXIST;
        }
    }
    if (error == 0)
        error = ext2_rename(from.dir, from.name, to.dir, to.name);
    path_parent_release(&to);
    path_parent_release(&from);
    return error;
}

/* ---- stat, access, the current directory -------------------------------------------- */

int vfs_stat(int dirfd, const char *path, uint32_t flags, struct stat *out)
{
    if (path[0] == '\0' && (flags & AT_EMPTY_PATH) != 0) {
        if (dirfd == AT_FDCWD) {
            struct ext2_inode *cwd = files_get_cwd();
            if (cwd == NULL)
                return -ENOENT;
            inode_file_stat(cwd, out);
            ext2_iput(cwd);
            return 0;
        }
        struct file *file = files_get(dirfd);
        if (file == NULL)
            return -EBADF;
        int error = file->ops->stat(file, out);
        file_put(file);
        return error;
    }
    struct ext2_inode *inode;
    unsigned follow = (flags & AT_SYMLINK_NOFOLLOW) != 0 ? 0 : PATH_FOLLOW;
    int error = lookup_at(dirfd, path, follow, &inode);
    if (error != 0)
        return error;
    inode_file_stat(inode, out);
    ext2_iput(inode);
    return 0;
}

/*
 * The inode that fchmodat and utimensat change: *out is a reference, or NULL
 * for an open file that has no inode on the disk (0 then too).
 */
static int attribute_target(int dirfd, const char *path, uint32_t flags, struct ext2_inode **out)
{
    *out = NULL;
    if (path == NULL) {
        struct file *file = files_get(dirfd);
        if (file == NULL)
            return -EBADF;
        struct ext2_inode *inode = inode_file_inode(file);
        if (inode != NULL)
            *out = ext2_idup(inode);
        file_put(file);
        return 0;
    }
    unsigned follow = (flags & AT_SYMLINK_NOFOLLOW) != 0 ? 0 : PATH_FOLLOW;
    return lookup_at(dirfd, path, follow, out);
}

int vfs_chmod(int dirfd, const char *path, uint32_t mode, uint32_t flags)
{
    struct ext2_inode *inode;
    int error = attribute_target(dirfd, path, flags, &inode);
    if (error != 0 || inode == NULL)
        return error;
    error = ext2_chmod(inode, (uint16_t)mode);
    ext2_iput(inode);
    return error;
}

int vfs_set_times(int dirfd, const char *path, int64_t atime, int64_t mtime, uint32_t flags)
{
    struct ext2_inode *inode;
    int error = attribute_target(dirfd, path, flags, &inode);
    if (error != 0 || inode == NULL)
        return error;
    error = ext2_set_times(inode, atime, mtime);
    ext2_iput(inode);
    return error;
}

int vfs_access(int dirfd, const char *path)
{
    struct ext2_inode *inode;
    int error = lookup_at(dirfd, path, PATH_FOLLOW, &inode);
    if (error == 0)
        ext2_iput(inode);
    return error;
}

int vfs_chdir(const char *path)
{
    struct ext2_inode *dir;
    int error = lookup_at(AT_FDCWD, path, PATH_FOLLOW, &dir);
    if (error != 0)
        return error;
    if (inode_type(dir) != EXT2_S_IFDIR) {
        ext2_iput(dir);
        return -ENOTDIR;
    }
    files_set_cwd(dir);
    return 0;
}

int vfs_fchdir(int fd)
{
    struct file *file = files_get(fd);
    if (file == NULL)
        return -EBADF;
    struct ext2_inode *dir = inode_file_inode(file);
    int error = dir == NULL || inode_type(dir) != EXT2_S_IFDIR ? -ENOTDIR : 0;
    if (error == 0)
        files_set_cwd(ext2_idup(dir));
    file_put(file);
    return error;
}

/* The name under which `dir` lists the inode `ino` (not "." or ".."): 0, or -ENOENT. */
static int name_in_parent(struct ext2_inode *dir, uint32_t ino, struct ext2_dirent *entry)
{
    uint64_t offset = 0;
    for (;;) {
        int found = ext2_readdir(dir, offset, entry);
        if (found <= 0)
            return found == 0 ? -ENOENT : found;
        if (entry->ino == ino && strcmp(entry->name, ".") != 0 && strcmp(entry->name, "..") != 0)
            return 0;
        offset = entry->next_offset;
    }
}

/*
 * Build the path backwards from the current directory up to the root,
 * climbing ".." and finding each directory's name in its parent: there is
 * no cache of names to ask. A directory that was removed has no ".." any
 * more, and gives -ENOENT, as on Linux.
 */
static long build_cwd_path(struct ext2_inode *cwd, char *path, size_t capacity)
{
    size_t start = capacity - 1;
    path[start] = '\0';
    struct ext2_inode *at = ext2_idup(cwd);
    long error = 0;
    struct ext2_dirent *entry = kmalloc(sizeof(*entry));
    if (entry == NULL)
        error = -ENOMEM;
    while (error == 0 && ext2_inode_number(at) != EXT2_ROOT_INO) {
        struct ext2_inode *parent;
        error = ext2_lookup(at, "..", &parent);
        if (error != 0)
            break;
        error = name_in_parent(parent, ext2_inode_number(at), entry);
        if (error == 0 && (size_t)entry->name_len + 1 > start)
            error = -ENAMETOOLONG;
        if (error == 0) {
            start -= entry->name_len;
            memcpy(path + start, entry->name, entry->name_len);
            path[--start] = '/';
        }
        ext2_iput(at);
        at = parent;
    }
    ext2_iput(at);
    kfree(entry);
    if (error != 0)
        return error;
    if (path[start] == '\0')
        path[--start] = '/'; /* the root itself */
    return (long)start;
}

long vfs_getcwd(char *buf, size_t size)
{
    struct ext2_inode *cwd = fs_root() != NULL ? files_get_cwd() : NULL;
    if (cwd == NULL) {
        /* No file system: "/" is all there is. */
        if (size < 2)
            return -ERANGE;
        memcpy(buf, "/", 2);
        return 2;
    }
    char *path = kmalloc(PATH_MAX_LENGTH + 1);
    long start = path == NULL ? -ENOMEM : build_cwd_path(cwd, path, PATH_MAX_LENGTH + 1);
    ext2_iput(cwd);
    long result = start;
    if (start >= 0) {
        size_t length = PATH_MAX_LENGTH + 1 - (size_t)start; /* the NUL included */
        if (length > size) {
            result = -ERANGE;
        } else {
            memcpy(buf, path + start, length);
            result = (long)length;
        }
    }
    kfree(path);
    return result;
}
