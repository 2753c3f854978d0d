/*
 * mkdir [-p] DIR...: make directories. -p makes missing parents too, and
 * is quiet about a directory that already exists.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_parents(char *path)
{
    for (char *slash = path + 1; *slash != '\0'; slash++) {
        if (*slash != '/')
            continue;
        *slash = '\0';
        int failed = mkdir(path, 0777) < 0 && errno != EEXIST;
        *slash = '/';
        if (failed)
            return -1;
    }
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
    bool parents = argc > 1 && strcmp(argv[1], "-p") == 0;
    int status = 0;
    for (int i = parents ? 2 : 1; i < argc; i++) {
        int result = parents ? make_parents(argv[i]) : mkdir(argv[i], 0777);
        if (result < 0) {
            dprintf(2, "mkdir: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
