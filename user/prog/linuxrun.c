/*
 * linuxrun: run one case of tests/linux (an unmodified static Linux
 * program) the way the reference runner does, for tests/system/test_linux.py.
 *
 *     linuxrun NAME        (as init: init=linuxrun init.args=NAME)
 *
 * reads the case's argv and environment from /tests/cases/NAME.argv and
 * NAME.env (one entry a line; an empty line is an empty string), runs
 * argv[0] in a child with exactly that environment, stdin from /dev/null,
 * stdout into /tmp/NAME.out (a file: the bytes the program wrote, with no
 * console in between) and stderr on the console. Then it prints
 * "linuxrun: NAME exit N" or "linuxrun: NAME signal N" and exits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENTRIES_MAX 32
#define TEXT_MAX    2048

/* Read PATH and split it at newlines into entries[]; returns how many, or -1. */
static int read_entries(const char *path, char *text, char *entries[ENTRIES_MAX + 1])
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t length = read(fd, text, TEXT_MAX - 1);
    close(fd);
    if (length < 0)
        return -1;
    text[length] = '\0';
    int count = 0;
    char *entry = text;
    for (char *c = text; *c != '\0' && count < ENTRIES_MAX; c++) {
        if (*c == '\n') {
            *c = '\0';
            entries[count++] = entry;
            entry = c + 1;
        }
    }
    entries[count] = NULL;
    return count;
}

int main(int argc, char *argv[])
{
    if (argc != 2) {
        dprintf(2, "usage: linuxrun NAME\n");
        return 2;
    }
    const char *name = argv[1];
    static char argv_text[TEXT_MAX], env_text[TEXT_MAX];
    char *case_argv[ENTRIES_MAX + 1], *case_env[ENTRIES_MAX + 1];
    char path[96];
    snprintf(path, sizeof(path), "/tests/cases/%s.argv", name);
    int count = read_entries(path, argv_text, case_argv);
    snprintf(path, sizeof(path), "/tests/cases/%s.env", name);
    if (count < 1 || read_entries(path, env_text, case_env) < 0) {
        dprintf(2, "linuxrun: %s: no such case in /tests/cases\n", name);
        return 1;
    }
    snprintf(path, sizeof(path), "/tmp/%s.out", name);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) {
        dprintf(2, "linuxrun: cannot open %s or /dev/null\n", path);
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in, 0);
        dup2(out, 1);
        close(in);
        close(out);
        chdir("/");
        execve(case_argv[0], case_argv, case_env);
        dprintf(2, "linuxrun: cannot exec %s\n", case_argv[0]);
        _exit(127);
    }
    close(in);
    close(out);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        dprintf(2, "linuxrun: fork or wait failed\n");
        return 1;
    }
    sync();
    if (WIFSIGNALED(status))
        printf("linuxrun: %s signal %d\n", name, WTERMSIG(status));
    else
        printf("linuxrun: %s exit %d\n", name, WEXITSTATUS(status));
    return 0;
}
