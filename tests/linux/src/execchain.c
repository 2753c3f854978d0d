/*
 * execchain: execve(2) of itself, several times, with a new argv each time
 * and the environment passed on with DEPTH=n changed. It also checks what survives an exec: a plain
 * descriptor stays open, one marked close-on-exec is closed, and an ignored signal stays ignored
 * while a caught one is reset to the default. And execve of a missing file
 * fails with ENOENT and returns.
 *
 *   execchain [LEVELS]     start a chain of LEVELS execs (default 3)
 * The program re-executes argv[0], so start it with a path (/bin/execchain).
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "linuxtest.h"

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy of envp without its DEPTH=, plus depth (and extra, if not NULL). */
static char **with_depth(char **envp, char *depth, char *extra)
{
    int n = 0;
    while (envp[n])
        n++;
    char **out = malloc((size_t)(n + 3) * sizeof *out);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (strncmp(envp[i], "DEPTH=", 6) != 0)
            out[k++] = envp[i];
    out[k++] = depth;
    if (extra)
        out[k++] = extra;
    out[k] = NULL;
    return out;
}

static void on_usr1(int sig)
{
    (void)sig;
}

/*
 * Set the dispositions that the next program checks. Every level sets them
 * again before its exec: Linux keeps SIG_IGN across any number of execs, but
 * qemu-user 7.2, the reference, loses it on the second exec in a chain.
 */
static void prepare_exec(void)
{
    signal(SIGUSR2, SIG_IGN);
    signal(SIGUSR1, on_usr1);
}

int main(int argc, char **argv, char **envp)
{
    lt_init();

    /* Inner levels are called as: execchain -level N LEVELS FD_KEEP FD_CLOEXEC */
    if (argc == 6 && strcmp(argv[1], "-level") == 0) {
        int n = atoi(argv[2]), levels = atoi(argv[3]);
        int keep = atoi(argv[4]), cloexec = atoi(argv[5]);
        printf("level %d: argc %d, argv:", n, argc);
        for (int i = 0; i < argc; i++)
            printf(" %s", argv[i]);
        /* The environment is printed sorted: qemu-user 7.2, the reference,
         * hands a program its environment in reverse order, Linux in the
         * order execve was given. Only the set is compared here. */
        int envc = 0;
        while (envp[envc])
            envc++;
        qsort(envp, (size_t)envc, sizeof envp[0], by_string);
        printf("\nlevel %d: envp (sorted):", n);
        for (int i = 0; i < envc; i++)
            printf(" %s", envp[i]);
        printf("\n");
        CHECK(fcntl(keep, F_GETFD) == 0, "plain descriptor survived exec");
        CHECK(fcntl(cloexec, F_GETFD) == -1 && errno == EBADF, "close-on-exec descriptor closed");
        struct sigaction sa;
        sigaction(SIGUSR2, NULL, &sa);
        CHECK(sa.sa_handler == SIG_IGN, "ignored signal still ignored");
        sigaction(SIGUSR1, NULL, &sa);
        CHECK(sa.sa_handler == SIG_DFL, "caught signal reset to default");
        if (lt_failures)
            return 1;
        if (n < levels) {
            char next[16], depth[32];
            snprintf(next, sizeof next, "%d", n + 1);
            snprintf(depth, sizeof depth, "DEPTH=%d", n + 1);
            char *nargv[] = {argv[0], "-level", next, argv[3], argv[4], argv[5], NULL};
            char **nenvp = with_depth(envp, depth, NULL);
            prepare_exec();
            execve(argv[0], nargv, nenvp);
            printf("execve %s failed: %s\n", argv[0], strerror(errno));
            return 1;
        }
        printf("chain of %d execs done\n", levels);
        return 0;
    }

    int levels = argc > 1 ? atoi(argv[1]) : 3;
    printf("start: %d levels\n", levels);

    errno = 0;
    char *noargv[] = {"/nonexistent/program", NULL};
    int r = execve(noargv[0], noargv, envp);
    CHECK(r == -1 && errno == ENOENT, "execve of a missing file fails with ENOENT");

    int fds[2], cfds[2];
    if (pipe(fds) != 0 || pipe2(cfds, O_CLOEXEC) != 0) {
        perror("pipe");
        return 1;
    }
    prepare_exec();
    char keep[16], cloexec[16], lv[16];
    snprintf(keep, sizeof keep, "%d", fds[0]);
    snprintf(cloexec, sizeof cloexec, "%d", cfds[0]);
    snprintf(lv, sizeof lv, "%d", levels);
    char *nargv[] = {argv[0], "-level", "1", lv, keep, cloexec, NULL};
    char **nenvp = with_depth(envp, "DEPTH=1", "CHAIN=execchain");
    execve(argv[0], nargv, nenvp);
    printf("execve %s failed: %s\n", argv[0], strerror(errno));
    return 1;
}
