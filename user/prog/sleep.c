/*
 * sleep SECONDS [MILLISECONDS]: do nothing for that long, with nanosleep.
 * `sleep 0 250` sleeps a quarter of a second.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        dprintf(2, "usage: sleep SECONDS [MILLISECONDS]\n");
        return 2;
    }
    struct timespec request = {.tv_sec = atoi(argv[1]), .tv_nsec = 0};
    if (argc == 3)
        request.tv_nsec = atoi(argv[2]) * 1000000L;
    if (nanosleep(&request, NULL) < 0) {
        dprintf(2, "sleep: nanosleep: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
