/*
 * exit_code N: end with status N (0..255), for testing wait and the shell.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        dprintf(2, "usage: exit_code N\n");
        return 2;
    }
    exit(atoi(argv[1]));
}
