/*
 * dirent.h: reading a directory one entry at a time, over getdents64.
 *
 *     DIR *dir = opendir("/bin");
 *     struct dirent *entry;
 *     while ((entry = readdir(dir)) != NULL)
 *         printf("%s\n", entry->d_name);
 *     closedir(dir);
 */
#ifndef DIRENT_H
#define DIRENT_H

#include <stdint.h>
#include <sys/types.h>

#include "abi/dirent.h"

struct dirent {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type; /* DT_REG, DT_DIR, DT_LNK ... */
    char d_name[256];
};

typedef struct dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
/* The next entry ("." and ".." included), or NULL at the end (errno unchanged) or on error. */
struct dirent *readdir(DIR *dir);
void rewinddir(DIR *dir);
int closedir(DIR *dir);
int dirfd(DIR *dir);

#endif
