/*
 * ln [-s] TARGET NAME: make NAME a second name (a hard link) for TARGET,
 * or with -s a symbolic link holding TARGET.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    bool symbolic = argc == 4 && strcmp(argv[1], "-s") == 0;
    if (argc != (symbolic ? 4 : 3)) {
        dprintf(2, "usage: ln [-s] TARGET NAME\n");
        return 2;
    }
    const char *target = argv[argc - 2];
    const char *name = argv[argc - 1];
    int result = symbolic ? symlink(target, name) : link(target, name);
    if (result < 0) {
        dprintf(2, "ln: %s: %s\n", name, strerror(errno));
        return 1;
    }
    return 0;
}
