/*
 * tee [-a] FILE: copy standard input to standard output and to FILE
 * (-a: appending to it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int append = argc == 3 && strcmp(argv[1], "-a") == 0;
    if (argc != 2 + append) {
        dprintf(2, "usage: tee [-a] FILE\n");
        return 2;
    }
    int fd = open(argv[argc - 1], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
        dprintf(2, "tee: %s: %s\n", argv[argc - 1], strerror(errno));
        return 1;
    }
    char buffer[4096];
    ssize_t got;
    while ((got = read(STDIN_FILENO, buffer, sizeof(buffer))) > 0) {
        write(STDOUT_FILENO, buffer, (size_t)got);
        write(fd, buffer, (size_t)got);
    }
    return close(fd) < 0 ? 1 : 0;
}
