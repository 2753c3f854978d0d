/*
 * exec_file.h: reading a program from the disk for execve (exec/exec.h's
 * file reader, registered by fs_init when there is a root).
 */
#ifndef FS_EXEC_FILE_H
#define FS_EXEC_FILE_H

#include <stddef.h>

/* The largest program file read whole into memory: more than any process may map. */
#define EXEC_FILE_MAX (16u << 20)

/*
 * The whole file at `path` (from the calling process's directory), in memory
 * from kmalloc. 0, -ENOENT and the other lookup errors, -EACCES (not a
 * regular file), -ENOEXEC (larger than EXEC_FILE_MAX), -ENOMEM, -EIO.
 */
int exec_file_read(const char *path, void **image, size_t *size);

#endif
