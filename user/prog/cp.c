/*
 * cp FROM TO: copy a file; if TO is a directory, into it under FROM's name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buffer[8192];

int main(int argc, char **argv)
{
    if (argc != 3) {
        dprintf(2, "usage: cp FROM TO\n");
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
    int from = open(argv[1], O_RDONLY);
    if (from < 0 || fstat(from, &st) < 0) {
        dprintf(2, "cp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    int to = open(target, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777);
    if (to < 0) {
        dprintf(2, "cp: %s: %s\n", target, strerror(errno));
        return 1;
    }
    for (;;) {
        ssize_t got = read(from, buffer, sizeof(buffer));
        if (got == 0)
            break;
        if (got < 0 || write(to, buffer, (size_t)got) != got) {
            dprintf(2, "cp: %s: %s\n", got < 0 ? argv[1] : target, strerror(errno));
            return 1;
        }
    }
    close(from);
    return close(to) < 0 ? 1 : 0;
}
