/*
 * exit_code N: end with status N (0..255), for testing wait and the shell.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    char *end = NULL;
    long code = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || end == argv[1] || *end != '\0' || code < 0 || code > 255) {
        dprintf(2, "usage: exit_code N    (N a number from 0 to 255)\n");
        return 2;
    }
    exit((int)code);
}
