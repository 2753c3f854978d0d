/*
 * forkbomb: fork until the kernel says no, then clean up.
 *
 * Each child exits at once, but nobody waits for it yet, so it stays a
 * zombie and keeps its process slot. Sooner or later fork must fail with
 * EAGAIN (the process limit) or ENOMEM, and the kernel must stay up. Then
 * the parent reaps every child and checks they all exited with 0.
 * Passes (exit 0) if fork failed with EAGAIN or ENOMEM and every child came back.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FORKS 100000 /* if the kernel has no limit at all, give up here */

int main(void)
{
    int forked = 0;
    int fork_error = 0;
    while (forked < MAX_FORKS) {
        pid_t pid = fork();
        if (pid < 0) {
            fork_error = errno;
            break;
        }
        if (pid == 0)
            _exit(0);
        forked++;
    }
    printf("forkbomb: %d forks, then fork failed: %s\n", forked,
           fork_error != 0 ? strerror(fork_error) : "never");

    int reaped = 0;
    int bad_status = 0;
    int status;
    while (wait(&status) > 0) {
        reaped++;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad_status++;
    }
    printf("forkbomb: reaped %d children, %d with a bad status; wait then said: %s\n", reaped,
           bad_status, strerror(errno));

    bool ok = (fork_error == EAGAIN || fork_error == ENOMEM) && reaped == forked &&
              bad_status == 0 && errno == ECHILD;
    printf("forkbomb: %s\n", ok ? "passed" : "FAILED");
    return ok ? 0 : 1;
}
