/*
 * dirent.c: opendir, readdir, closedir over getdents64. A DIR holds a
 * descriptor and a buffer of records that getdents64 filled; readdir hands
 * them out one at a time and refills the buffer when it runs dry.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIR_BUFFER_SIZE 2048

struct dir {
    int fd;
    size_t used; /* bytes getdents64 put in buffer */
    size_t next; /* offset of the next record to hand out */
    struct dirent entry;
    char buffer[DIR_BUFFER_SIZE];
};

DIR *fdopendir(int fd)
{
    DIR *dir = calloc(1, sizeof(*dir));
    if (dir == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    dir->fd = fd;
    return dir;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *dir = fdopendir(fd);
    if (dir == NULL)
        close(fd);
    return dir;
}

struct dirent *readdir(DIR *dir)
{
    if (dir->next >= dir->used) {
        long got = syscall3(SYS_getdents64, dir->fd, (long)dir->buffer, sizeof(dir->buffer));
        if (got <= 0) {
            if (got < 0)
                errno = (int)-got;
            return NULL;
        }
        dir->used = (size_t)got;
        dir->next = 0;
    }
    const struct linux_dirent64 *record = (const void *)(dir->buffer + dir->next);
    dir->next += record->d_reclen;
    dir->entry.d_ino = record->d_ino;
    dir->entry.d_off = record->d_off;
    dir->entry.d_reclen = record->d_reclen;
    dir->entry.d_type = record->d_type;
    strlcpy(dir->entry.d_name, record->d_name, sizeof(dir->entry.d_name));
    return &dir->entry;
}

void rewinddir(DIR *dir)
{
    lseek(dir->fd, 0, SEEK_SET);
    dir->used = 0;
    dir->next = 0;
}

int closedir(DIR *dir)
{
    int result = close(dir->fd);
    free(dir);
    return result;
}

int dirfd(DIR *dir)
{
    return dir->fd;
}
