/*
 * exec_file.c: a program file, read whole for the loader. See exec_file.h.
 */
#include "fs/exec_file.h"

#include "abi/errno.h"
#include "fs/ext2.h"
#include "fs/files.h"
#include "fs/fs.h"
#include "fs/path.h"
#include "mm/heap/heap.h"

int exec_file_read(const char *path, void **image, size_t *size)
{
    struct ext2_fs *fs = fs_root();
    if (fs == NULL)
        return -ENOENT;
    struct ext2_inode *cwd = files_get_cwd();
    struct ext2_inode *inode;
    int error = path_lookup(fs, cwd, path, PATH_FOLLOW, &inode);
    if (cwd != NULL)
        ext2_iput(cwd);
    if (error != 0)
        return error;
    struct ext2_stat st;
    ext2_stat(inode, &st);
    if ((st.mode & EXT2_S_IFMT) != EXT2_S_IFREG) {
        ext2_iput(inode);
        return -EACCES; /* Linux's answer for a directory or a device */
    }
    if (st.size > EXEC_FILE_MAX) {
        ext2_iput(inode);
        return -ENOEXEC;
    }
    void *buffer = kmalloc(st.size > 0 ? st.size : 1);
    if (buffer == NULL) {
        ext2_iput(inode);
        return -ENOMEM;
    }
    int64_t got = ext2_file_read(inode, 0, buffer, st.size);
    ext2_iput(inode);
    if (got < 0 || (uint64_t)got != st.size) {
        kfree(buffer);
        return got < 0 ? (int)got : -EIO; /* shrank while being read */
    }
    *image = buffer;
    *size = st.size;
    return 0;
}
