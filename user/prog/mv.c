/*
 * mv FROM TO: rename FROM to TO; if TO is a directory, move FROM into it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        dprintf(2, "usage: mv FROM TO\n");
        return 2;
    }
    char target[4096];
    struct stat st;
    if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(argv[1], '/');
        snprintf(target, sizeof(target), "%s/%s", argv[2], base != NULL ? base + 1 : argv[1]);
    } else {
        snprintf(target, sizeof(target), "%s", argv[2]);
    }
    if (rename(argv[1], target) < 0) {
        dprintf(2, "mv: %s -> %s: %s\n", argv[1], target, strerror(errno));
        return 1;
    }
    return 0;
}
