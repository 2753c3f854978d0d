/*
 * forkstress [TOTAL] [WORKERS]: fork, exec and wait, TOTAL times (10000),
 * shared out among WORKERS processes (4) that run at once, on every hart.
 *
 * Each worker forks a child, the child execs exit_code 7, and the worker
 * waits for it and checks the status. Before and after the run (after a
 * warm-up, which lets the kernel heap grow to its working size once) the
 * free memory is read with sysinfo: every frame must be back. Exit status
 * 0 when every child exited with 7 and the free memory is the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

/* One worker: `rounds` fork/exec/wait cycles; exits with the number that went wrong (0..255). */
static int worker(int rounds)
{
    int wrong = 0;
    for (int i = 0; i < rounds; i++) {
        pid_t child = fork();
        if (child < 0) {
            wrong++;
            continue;
        }
        if (child == 0) {
            char *argv[] = {"exit_code", "7", NULL};
            execv("/bin/exit_code", argv);
            _exit(99); /* execv failed */
        }
        int status = 0;
        if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
            wrong++;
    }
    return wrong > 255 ? 255 : wrong;
}

/* WORKERS processes, `total` cycles among them, all at once; returns how many went wrong. */
static int run_workers(int workers, int total)
{
    int wrong = 0;
    for (int w = 0; w < workers; w++) {
        int rounds = total / workers + (w < total % workers ? 1 : 0);
        pid_t pid = fork();
        if (pid == 0)
            _exit(worker(rounds));
        if (pid < 0)
            wrong++;
    }
    int status;
    pid_t pid;
    while ((pid = wait(&status)) > 0)
        wrong += WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    return wrong;
}

int main(int argc, char **argv)
{
    int total = argc > 1 ? atoi(argv[1]) : 10000;
    int workers = argc > 2 ? atoi(argv[2]) : 4;
    struct sysinfo before, after;
    run_workers(workers, 8 * workers); /* warm-up: the kernel heap reaches its working size */
    sysinfo(&before);
    int wrong = run_workers(workers, total);
    sysinfo(&after);
    long frames_lost = (long)before.freeram - (long)after.freeram;
    printf("forkstress: %d fork/exec/wait by %d workers, %d went wrong; free frames before %lu, "
           "after %lu: %s\n",
           total, workers, wrong, before.freeram, after.freeram,
           frames_lost == 0 ? "every frame is back" : "frames are missing");
    return wrong == 0 && frames_lost == 0 ? 0 : 1;
}
