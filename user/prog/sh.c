/*
 * sh: the shell. It reads a line, splits it into words, and runs the program
 * named by the first word with fork + execve + wait4:
 *
 *     $ echo hello world
 *     hello world
 *     $ exit_code 3
 *     sh: exit_code: exit status 3
 *
 * The console hands the shell raw bytes, one per key, and echoes nothing, so
 * the shell echoes what is typed and does the line editing itself:
 * Backspace erases a character ("\b \b": back, blank it, back again), Ctrl-U
 * the whole line, and Ctrl-D on an empty line ends the shell.
 *
 * Built-ins: `exit [N]` ends the shell (with N, or the last command's
 * status), `help` lists the built-ins and the programs.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX 256 /* characters in a line, the NUL included */
#define ARGS_MAX 32  /* words in a line */

#define KEY_CTRL_D    0x04
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_DELETE    0x7f /* what most terminals send for the Backspace key */

/* The programs packed into the kernel, from the build (user/pack_programs.sh). */
extern const char *const user_program_names[];

static int last_status; /* of the last command, for `exit` without a number */

static void echo(const char *text)
{
    write(STDOUT_FILENO, text, strlen(text));
}

/*
 * Read one line into `line`, echoing and editing as it is typed. Returns its
 * length, or -1 at the end of input (Ctrl-D on an empty line, or read fails).
 */
static int read_line(char *line, int size)
{
    int length = 0;
    for (;;) {
        char c;
        if (read(STDIN_FILENO, &c, 1) != 1)
            return length > 0 ? length : -1;
        if (c == '\r' || c == '\n') { /* Enter sends \r on a serial console */
            echo("\n");
            break;
        }
        if (c == KEY_DELETE || c == KEY_BACKSPACE) {
            if (length > 0) {
                length--;
                echo("\b \b");
            }
        } else if (c == KEY_CTRL_U) {
            for (; length > 0; length--)
                echo("\b \b");
        } else if (c == KEY_CTRL_D) {
            if (length == 0) {
                echo("\n");
                return -1;
            }
        } else if (c >= ' ' && length < size - 1) { /* other control keys are ignored */
            line[length++] = c;
            write(STDOUT_FILENO, &c, 1);
        }
    }
    line[length] = '\0';
    return length;
}

/* Split `line` in place at spaces and tabs. Returns the number of words, or -1 if too many. */
static int split_words(char *line, char **words, int max)
{
    int count = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (count == max)
            return -1;
        words[count++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
    }
    words[count] = NULL;
    return count;
}

/* A wait status as one number, as shells report it: the code, or 128 + the signal. */
static int status_number(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void run_program(char **argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        dprintf(2, "sh: fork: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    if (pid == 0) {
        execv(argv[0], argv);
        dprintf(2, "sh: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        dprintf(2, "sh: wait: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    if (WIFSIGNALED(status))
        printf("sh: %s: killed by signal %d (%s)\n", argv[0], WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    else if (WEXITSTATUS(status) != 0)
        printf("sh: %s: exit status %d\n", argv[0], WEXITSTATUS(status));
    last_status = status_number(status);
}

static void help(void)
{
    printf("built-ins: exit [N], help\n");
    printf("programs:");
    for (int i = 0; user_program_names[i] != NULL; i++)
        printf(" %s", user_program_names[i]);
    printf("\n");
}

/* Run a built-in if argv names one; returns false if it does not. */
static bool run_builtin(int argc, char **argv)
{
    if (strcmp(argv[0], "help") == 0) {
        help();
        last_status = 0;
        return true;
    }
    if (strcmp(argv[0], "exit") == 0) {
        int status = last_status;
        if (argc > 1) {
            char *end;
            status = (int)strtol(argv[1], &end, 10);
            if (*end != '\0' || argc > 2) {
                dprintf(2, "sh: usage: exit [N]\n");
                last_status = 2;
                return true;
            }
        }
        exit(status);
    }
    return false;
}

int main(void)
{
    printf("sh: type `help` for the programs, `exit` to leave\n");
    char line[LINE_MAX];
    char *words[ARGS_MAX + 1];
    for (;;) {
        echo("$ ");
        if (read_line(line, sizeof(line)) < 0)
            break;
        int count = split_words(line, words, ARGS_MAX);
        if (count < 0) {
            dprintf(2, "sh: more than %d words\n", ARGS_MAX);
            continue;
        }
        if (count == 0)
            continue;
        if (!run_builtin(count, words))
            run_program(words);
    }
    return last_status;
}
