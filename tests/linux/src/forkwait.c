/*
 * forkwait: fork(2) (glibc's fork is clone(SIGCHLD)), exit statuses through
 * wait4(2), a child killed by a signal, a grandchild, copy-on-write memory,
 * and ECHILD when nothing is left to wait for.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "linuxtest.h"

static int shared_value = 100;

int main(void)
{
    static const int codes[] = {0, 1, 42, 255};
    pid_t pids[4];
    pid_t me = getpid();
    lt_init();

    for (int i = 0; i < 4; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            return 1;
        }
        if (pids[i] == 0) {
            shared_value += i + 1; /* only the child's copy changes */
            _exit(getppid() == me ? codes[i] : 99);
        }
    }
    /* Reap in creation order, so the output order does not depend on the scheduler. */
    for (int i = 0; i < 4; i++) {
        int st = 0;
        pid_t r = waitpid(pids[i], &st, 0);
        printf("child %d: waitpid returned its pid: %s, exited: %s, status %d\n", i,
               r == pids[i] ? "yes" : "NO", WIFEXITED(st) ? "yes" : "NO", WEXITSTATUS(st));
        if (r != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != codes[i])
            lt_failures++;
    }
    CHECK(shared_value == 100, "parent's memory unchanged by the children");

    /* A child that kills itself with SIGKILL. */
    pid_t k = fork();
    if (k == 0) {
        kill(getpid(), SIGKILL);
        _exit(0);
    }
    int st = 0;
    waitpid(k, &st, 0);
    printf("killed child: signaled %s, signal %d\n", WIFSIGNALED(st) ? "yes" : "NO",
           WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
        lt_failures++;

    /* A child that forks a grandchild and passes the grandchild's status up. */
    pid_t c = fork();
    if (c == 0) {
        pid_t g = fork();
        if (g == 0)
            _exit(7);
        int gst = 0;
        wait(&gst);
        _exit(WIFEXITED(gst) ? WEXITSTATUS(gst) + 10 : 99);
    }
    waitpid(c, &st, 0);
    printf("grandchild status via child: %d\n", WEXITSTATUS(st));
    if (WEXITSTATUS(st) != 17)
        lt_failures++;

    /* wait(2) with no children left. */
    errno = 0;
    pid_t none = wait(&st);
    CHECK(none == -1 && errno == ECHILD, "wait with no children fails with ECHILD");

    /* WNOHANG on a child that is still running. */
    int fds[2];
    if (pipe(fds) == 0) {
        pid_t s = fork();
        if (s == 0) {
            char b;
            close(fds[1]);
            read(fds[0], &b, 1); /* wait for the parent's word */
            _exit(3);
        }
        close(fds[0]);
        CHECK(waitpid(s, &st, WNOHANG) == 0, "WNOHANG on a running child returns 0");
        write(fds[1], "x", 1);
        close(fds[1]);
        waitpid(s, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "then it exits with 3");
    }
    return lt_status();
}
