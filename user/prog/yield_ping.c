/*
 * yield_ping [ROUNDS]: a parent and a child take turns with sched_yield.
 * Each prints its line and yields; with a FIFO scheduler and nothing else
 * ready, the lines alternate: ping 0, pong 0, ping 1, pong 1, ...
 * (Only the count is checked: other schedulers may order them otherwise.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

static int play(const char *word, int rounds)
{
    int failures = 0;
    for (int i = 0; i < rounds; i++) {
        printf("yield_ping: %s %d\n", word, i);
        if (sched_yield() != 0)
            failures++;
    }
    return failures;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    pid_t pid = fork();
    if (pid < 0) {
        printf("yield_ping: FAILED: fork\n");
        return 1;
    }
    if (pid == 0)
        _exit(play("pong", rounds));
    int failures = play("ping", rounds);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        failures++;
    printf("yield_ping: %s\n", failures == 0 ? "passed" : "FAILED");
    return failures;
}
