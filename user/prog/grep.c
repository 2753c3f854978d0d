/*
 * grep [-v] [-n] [-c] TEXT [FILE...]: print the lines that contain TEXT
 * (a fixed string, not a regular expression), from each file or standard
 * input. -v: the lines that do not; -n: with line numbers; -c: only how
 * many. Exit status 0 if a line matched, 1 if none, 2 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool invert, numbers, count_only;
static const char *needle;
static bool several_files;

static char buffer[4096];
static char line[4096];

/* Scan one file; returns the matching lines. */
static long scan(int fd, const char *name)
{
    long matches = 0;
    long number = 0;
    size_t length = 0;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got < 0) {
            dprintf(2, "grep: %s: %s\n", name, strerror(errno));
            return matches;
        }
        /* At the end a last line without a newline still counts: feed one. */
        bool end = got == 0;
        if (end && length == 0)
            break;
        if (end) {
            buffer[0] = '\n';
            got = 1;
        }
        for (ssize_t i = 0; i < got; i++) {
            if (buffer[i] != '\n') {
                if (length < sizeof(line) - 1)
                    line[length++] = buffer[i];
                continue;
            }
            line[length] = '\0';
            number++;
            bool hit = (strstr(line, needle) != NULL) != invert;
            if (hit) {
                matches++;
                if (!count_only && several_files)
                    printf("%s:", name);
                if (!count_only && numbers)
                    printf("%ld:", number);
                if (!count_only)
                    printf("%s\n", line);
            }
            length = 0;
        }
        if (end)
            break;
    }
    if (count_only)
        printf("%s%s%ld\n", several_files ? name : "", several_files ? ":" : "", matches);
    return matches;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *flag = argv[i] + 1; *flag != '\0'; flag++) {
            if (*flag == 'v')
                invert = true;
            else if (*flag == 'n')
                numbers = true;
            else if (*flag == 'c')
                count_only = true;
            else {
                dprintf(2, "usage: grep [-vnc] TEXT [FILE...]\n");
                return 2;
            }
        }
    }
    if (i == argc) {
        dprintf(2, "usage: grep [-vnc] TEXT [FILE...]\n");
        return 2;
    }
    needle = argv[i++];
    if (i == argc)
        return scan(STDIN_FILENO, "(standard input)") > 0 ? 0 : 1;
    several_files = argc - i > 1;
    long matches = 0;
    int status = 0;
    for (; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            dprintf(2, "grep: %s: %s\n", argv[i], strerror(errno));
            status = 2;
            continue;
        }
        matches += scan(fd, argv[i]);
        close(fd);
    }
    return status != 0 ? status : matches > 0 ? 0 : 1;
}
