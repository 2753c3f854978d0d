/*
 * head [-n N] [FILE]: the first N lines (10) of a file or of standard input.
 * It stops reading as soon as it has them: a writer still writing into the
 * pipe then gets SIGPIPE, which is how `yes | head` ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long lines = 10;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        lines = atoi(argv[i + 1]);
        i += 2;
    }
    int fd = STDIN_FILENO;
    if (i < argc && (fd = open(argv[i], O_RDONLY)) < 0) {
        dprintf(2, "head: %s: %s\n", argv[i], strerror(errno));
        return 1;
    }
    char buffer[512];
    while (lines > 0) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got <= 0)
            break;
        ssize_t keep = 0;
        while (keep < got && lines > 0) {
            if (buffer[keep++] == '\n')
                lines--;
        }
        write(STDOUT_FILENO, buffer, (size_t)keep);
    }
    return 0;
}
