/*
 * cat [FILE...]: copy each file (or standard input, also named "-") to
 * standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buffer[4096];

/* Copy fd to standard output: 0, or 1 after a message. */
static int copy(int fd, const char *name)
{
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got == 0)
            return 0;
        if (got < 0) {
            dprintf(2, "cat: %s: %s\n", name, strerror(errno));
            return 1;
        }
        for (ssize_t done = 0; done < got;) {
            ssize_t n = write(STDOUT_FILENO, buffer + done, (size_t)(got - done));
            if (n <= 0) {
                dprintf(2, "cat: write: %s\n", strerror(errno));
                return 1;
            }
            done += n;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return copy(STDIN_FILENO, "standard input");
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= copy(STDIN_FILENO, "standard input");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            dprintf(2, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        status |= copy(fd, argv[i]);
        close(fd);
    }
    return status;
}
