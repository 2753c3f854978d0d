/*
 * hello: the smallest user program. Start here when you write your own.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("Hello from user mode! I am %s, pid %d, with %d argument%s.\n", argv[0], getpid(),
           argc - 1, argc == 2 ? "" : "s");
    return 0;
}
