/*
 * echo: print the arguments, separated by spaces, and a newline, in one
 * write (so a line sent down a pipe arrives whole).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    size_t length = 1;
    for (int i = 1; i < argc; i++)
        length += strlen(argv[i]) + 1;
    char *line = malloc(length);
    if (line == NULL)
        return 1;
    size_t used = 0;
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            line[used++] = ' ';
        memcpy(line + used, argv[i], strlen(argv[i]));
        used += strlen(argv[i]);
    }
    line[used++] = '\n';
    return write(STDOUT_FILENO, line, used) == (ssize_t)used ? 0 : 1;
}
