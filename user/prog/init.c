/*
 * init: the first user process (pid 1). It starts the shell, then waits
 * for children forever: its own shell, and every orphan the kernel hands
 * over when a parent exits before its children. Waiting is what frees a
 * finished process (a "zombie"), so without init orphans would pile up.
 *
 * When the shell ends, init ends with the shell's status, and the kernel
 * powers the machine off with it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t start_shell(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"sh", NULL};
        execvp("sh", argv); /* /bin/sh on the disk, or the packed sh of a test image */
        dprintf(2, "init: cannot run sh: %s\n", strerror(errno));
        _exit(127);
    }
    return pid;
}

/* A wait status as an exit status: the code, or 128 + the signal, as shells do. */
static int exit_status_of(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

int main(void)
{
    pid_t shell = start_shell();
    if (shell < 0) {
        dprintf(2, "init: fork: %s\n", strerror(errno));
        return 1;
    }
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            /* No children at all: cannot happen while the shell lives. */
            dprintf(2, "init: wait: %s\n", strerror(errno));
            return 1;
        }
        if (pid == shell) {
            printf("init: the shell ended with status %d; shutting down\n", exit_status_of(status));
            return exit_status_of(status);
        }
        /* An orphan that init adopted has ended: reaping it is all there is to do. */
    }
}
