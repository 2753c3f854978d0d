/*
 * sh: the shell. It reads a line, splits it into words, and runs the
 * programs it names with fork + execve + wait4, joined by pipes and with
 * their input and output redirected as the line says:
 *
 *     $ echo hello world
 *     hello world
 *     $ echo hi > /tmp/x            standard output to a file (>> appends)
 *     $ cat < /tmp/x | wc           a pipe between two programs, input from a file
 *     $ ls /nowhere 2> /tmp/err     standard error to a file (2>&1: to where output goes)
 *     $ exit_code 3
 *     sh: exit_code: exit status 3
 *     $ mkdir d && cd d; pwd         ; runs the next anyway, && only after a success,
 *                                    || only after a failure; $? is the last status
 *
 * A name without a '/' is looked for in the directories of $PATH ("/bin"
 * without one): execvp. Words may be quoted with '...' or "..." to keep
 * spaces in them.
 *
 * The terminal's line discipline (the kernel's, in canonical mode) echoes
 * what is typed and edits the line: Backspace, Ctrl-U for the whole line,
 * and Ctrl-D on an empty line, which ends the shell. The shell sees whole
 * lines only. Ctrl-C ends the running command (SIGINT to its process group,
 * the terminal's foreground: see "Job control"), and at the prompt drops
 * the line; Ctrl-\ sends SIGQUIT the same way. The shell survives both. Without a terminal (sh <
 * script) it reads lines all the same, and prints no prompt.
 *
 * Ctrl-Z stops the running command (SIGTSTP): the shell says
 * "[pid] Stopped name" and gives its prompt back; `fg` continues it in the
 * foreground, `bg` in the background ("[pid] Done" when it ends), `jobs`
 * lists what is stopped or running (pid: the job's process group).
 *
 * Built-ins: `exit [N]` ends the shell (with N, or the last command's
 * status), `cd [DIR]`, `pwd`, `jobs`, `fg`, `bg`, and `help` (the
 * built-ins and the programs in /bin).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX     512 /* characters in a line, the NUL included */
#define WORDS_MAX    64  /* words and operators in a line */
#define COMMANDS_MAX 8   /* programs in one pipeline */

/* The programs packed into test images, from the build (user/pack_programs.sh). */
extern const char *const user_program_names[];

static int last_status; /* of the last command, for `exit` without a number */

/* ---- Reading lines --------------------------------------------------------------- */

static char input[LINE_MAX];
static size_t input_used;

/*
 * Read one line into `line` (without its newline). From a terminal one read
 * is one line; from a pipe or a file, reads may hold parts of lines or several,
 * so what comes after the newline waits in `input` for the next call.
 * Returns the length, -1 at the end of input, or -2 if Ctrl-C cut the line short.
 */
static int read_line(char *line, size_t size)
{
    for (;;) {
        char *newline = memchr(input, '\n', input_used);
        if (newline == NULL && input_used == sizeof(input)) {
            /* A line longer than the buffer (from a file or a pipe): refuse it, never cut it. */
            dprintf(STDERR_FILENO, "sh: line longer than %d characters: not run\n", LINE_MAX - 1);
            input_used = 0;
            for (;;) { /* skip the rest of it, up to its newline */
                ssize_t got = read(STDIN_FILENO, input, sizeof(input));
                if (got <= 0)
                    return -1;
                newline = memchr(input, '\n', (size_t)got);
                if (newline != NULL) {
                    input_used = (size_t)got - (size_t)(newline + 1 - input);
                    memmove(input, newline + 1, input_used);
                    break;
                }
            }
            continue;
        }
        if (newline != NULL || input_used == sizeof(input)) {
            size_t length = newline != NULL ? (size_t)(newline - input) : input_used;
            size_t copied = length < size - 1 ? length : size - 1;
            memcpy(line, input, copied);
            line[copied] = '\0';
            size_t consumed = newline != NULL ? length + 1 : length;
            memmove(input, input + consumed, input_used - consumed);
            input_used -= consumed;
            return (int)copied;
        }
        ssize_t got = read(STDIN_FILENO, input + input_used, sizeof(input) - input_used);
        if (got < 0 && errno == EINTR) {
            input_used = 0; /* Ctrl-C: the line typed so far is gone (the tty dropped it too) */
            return -2;
        }
        if (got <= 0) {
            if (input_used == 0)
                return -1;
            input[input_used++] = '\n'; /* a last line without its newline */
            continue;
        }
        input_used += (size_t)got;
    }
}

/* ---- Words ------------------------------------------------------------------------ */

/* An operator word: the shell's own, never a quoted one. */
enum word_kind {
    WORD,
    PIPE,
    REDIRECT_IN,
    REDIRECT_OUT,
    REDIRECT_APPEND,
    REDIRECT_ERR,
    ERR_TO_OUT,
    THEN, /* ;  the next pipeline runs anyway */
    AND,  /* && the next runs if this one succeeded */
    OR,   /* || the next runs if this one failed */
};

struct word {
    enum word_kind kind;
    char *text; /* for a WORD */
};

/* The operator at p, its kind and length; 0 if none starts there. */
static int operator_at(const char *p, enum word_kind *kind)
{
    if (strncmp(p, "2>&1", 4) == 0) {
        *kind = ERR_TO_OUT;
        return 4;
    }
    if (strncmp(p, "&&", 2) == 0 || strncmp(p, "||", 2) == 0) {
        *kind = *p == '&' ? AND : OR;
        return 2;
    }
    if (*p == ';') {
        *kind = THEN;
        return 1;
    }
    if (strncmp(p, "2>", 2) == 0) {
        *kind = REDIRECT_ERR;
        return 2;
    }
    if (strncmp(p, ">>", 2) == 0) {
        *kind = REDIRECT_APPEND;
        return 2;
    }
    if (*p == '>' || *p == '<' || *p == '|') {
        *kind = *p == '>' ? REDIRECT_OUT : *p == '<' ? REDIRECT_IN : PIPE;
        return 1;
    }
    return 0;
}

/*
 * Split `line` into words and operators; the words' text goes into
 * `storage` (as long as the line), each ended by a NUL. Quotes join what
 * they hold into the word and are removed. Returns the count, or -1 with a
 * message (too many words, a quote left open).
 */
static int split_words(const char *line, char *storage, struct word *words, int max)
{
    int count = 0;
    const char *p = line;
    char *out = storage;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            return count;
        if (count == max) {
            dprintf(2, "sh: more than %d words\n", max);
            return -1;
        }
        enum word_kind kind;
        int length = operator_at(p, &kind);
        if (length > 0) {
            words[count++] = (struct word){kind, NULL};
            p += length;
            continue;
        }
        words[count++] = (struct word){WORD, out};
        while (*p != '\0' && *p != ' ' && *p != '\t' && operator_at(p, &kind) == 0) {
            if (*p == '\'' || *p == '"') {
                char quote = *p++;
                while (*p != '\0' && *p != quote)
                    *out++ = *p++;
                if (*p != quote) {
                    dprintf(2, "sh: a %c quote is not closed\n", quote);
                    return -1;
                }
                p++;
            } else {
                *out++ = *p++;
            }
        }
        *out++ = '\0';
    }
}

/* ---- Commands ------------------------------------------------------------------------ */

struct command {
    char *argv[WORDS_MAX + 1];
    int argc;
    const char *input;  /* < file, or NULL */
    const char *output; /* > or >> file, or NULL */
    bool append;
    const char *error; /* 2> file, or NULL */
    bool error_to_output;
};

/* $? is the last command's status; other words are themselves. */
static char *expand(char *word)
{
    static char status_text[12];
    if (strcmp(word, "$?") != 0)
        return word;
    snprintf(status_text, sizeof(status_text), "%d", last_status);
    return status_text;
}

/* Turn words into a pipeline of commands. Returns how many, or -1 with a message. */
static int parse_pipeline(struct word *words, int count, struct command *commands)
{
    int n = 0;
    memset(&commands[0], 0, sizeof(commands[0]));
    for (int i = 0; i < count; i++) {
        struct command *command = &commands[n];
        enum word_kind kind = words[i].kind;
        if (kind == WORD) {
            command->argv[command->argc++] = expand(words[i].text);
            continue;
        }
        if (kind == PIPE) {
            if (command->argc == 0 || n + 1 == COMMANDS_MAX) {
                dprintf(2, "sh: %s\n",
                        command->argc == 0 ? "a pipe with no command before it"
                                           : "too many commands in a pipeline");
                return -1;
            }
            memset(&commands[++n], 0, sizeof(commands[0]));
            continue;
        }
        if (kind == ERR_TO_OUT) {
            command->error_to_output = true;
            continue;
        }
        if (i + 1 == count || words[i + 1].kind != WORD) {
            dprintf(2, "sh: a redirection needs a file name\n");
            return -1;
        }
        const char *file = words[++i].text;
        if (kind == REDIRECT_IN) {
            command->input = file;
        } else if (kind == REDIRECT_ERR) {
            command->error = file;
        } else {
            command->output = file;
            command->append = kind == REDIRECT_APPEND;
        }
    }
    if (commands[n].argc == 0) {
        if (n > 0 || commands[0].input || commands[0].output || commands[0].error)
            dprintf(2, "sh: a command is missing\n");
        return n > 0 ? -1 : 0;
    }
    return n + 1;
}

/* Open `path` onto descriptor `fd`. Prints why not. */
static bool redirect(int fd, const char *path, int flags)
{
    int opened = open(path, flags, 0644);
    if (opened < 0) {
        dprintf(2, "sh: %s: %s\n", path, strerror(errno));
        return false;
    }
    if (opened != fd) {
        dup2(opened, fd);
        close(opened);
    }
    return true;
}

static bool apply_redirections(const struct command *command)
{
    if (command->input != NULL && !redirect(STDIN_FILENO, command->input, O_RDONLY))
        return false;
    int out_flags = O_WRONLY | O_CREAT | (command->append ? O_APPEND : O_TRUNC);
    if (command->output != NULL && !redirect(STDOUT_FILENO, command->output, out_flags))
        return false;
    if (command->error_to_output)
        dup2(STDOUT_FILENO, STDERR_FILENO);
    if (command->error != NULL &&
        !redirect(STDERR_FILENO, command->error, O_WRONLY | O_CREAT | O_TRUNC))
        return false;
    return true;
}

/* A wait status as one number, as shells report it: the code, or 128 + the signal. */
static int status_number(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void report(const char *name, int status)
{
    /* A reader that left a pipe early is not news: its writer's SIGPIPE is expected. */
    if (WIFSIGNALED(status) && WTERMSIG(status) != SIGPIPE)
        printf("sh: %s: killed by signal %d (%s)\n", name, WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        printf("sh: %s: exit status %d\n", name, WEXITSTATUS(status));
}

/* In the child: plumbing, then the program. Never returns. */
static void run_child(const struct command *command, int input_fd, int output_fd)
{
    if (input_fd != STDIN_FILENO) {
        dup2(input_fd, STDIN_FILENO);
        close(input_fd);
    }
    if (output_fd != STDOUT_FILENO) {
        dup2(output_fd, STDOUT_FILENO);
        close(output_fd);
    }
    if (!apply_redirections(command))
        _exit(1);
    execvp(command->argv[0], command->argv);
    dprintf(2, "sh: %s: %s\n", command->argv[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
}

/* ---- Job control ------------------------------------------------------------------- */

/*
 * Interactive, each pipeline runs in a process group of its own (named
 * after its first process), which the shell makes the terminal's
 * foreground group: Ctrl-C and Ctrl-\ go to it, not to the shell. Both
 * the child and the shell call setpgid, so it is done whichever runs
 * first. The shell takes the terminal back when the pipeline is done.
 */
static bool job_control;

static void join_group(pid_t pid, pid_t *group)
{
    if (!job_control)
        return;
    setpgid(pid, *group);
    if (*group == 0)
        *group = pid;
}

/* The shell itself: a handler (not SIG_IGN) so exec gives its children the default back. */
static void interrupted(int signal)
{
    (void)signal;
}

/*
 * In a child, before anything else: the terminal's signals act as they will in the
 * program. The handler above came with fork and stays until execve; a Ctrl-C in
 * between would run it and leave the child alive while the rest of its pipeline
 * dies (cat then reads end of file and exits 0). Shells reset them here (bash too).
 * Only the shell's own handler goes: a signal the shell was started with ignored
 * stays ignored, as execve would have left it.
 */
static void child_takes_default_signals(void)
{
    static const int signals[] = {SIGINT, SIGQUIT, SIGTSTP};
    struct sigaction action = {.sa_handler = SIG_DFL};
    for (unsigned i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        struct sigaction now;
        if (sigaction(signals[i], NULL, &now) == 0 && now.sa_handler == interrupted)
            sigaction(signals[i], &action, NULL);
    }
}

static void start_job_control(void)
{
    struct sigaction action = {.sa_handler = interrupted}; /* no SA_RESTART: read ends */
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGQUIT, &action, NULL);
    sigaction(SIGTSTP, &action, NULL); /* Ctrl-Z at the prompt does not stop the shell */
    setpgid(0, 0);                     /* a group of its own (a session leader has one already) */
    job_control = tcsetpgrp(STDIN_FILENO, getpgrp()) == 0;
}

/*
 * Jobs: a pipeline that Ctrl-Z stopped, or that `bg` continued in the
 * background, waits here with the processes not yet reaped. A few are
 * enough; `fg` and `bg` take the latest one.
 */
#define JOBS_MAX 4

struct job {
    pid_t group; /* its process group, the pid it is known by; 0: a free slot */
    pid_t pids[COMMANDS_MAX];
    bool reaped[COMMANDS_MAX];
    int count;
    bool stopped; /* else running in the background */
    char name[32];
};

static struct job jobs[JOBS_MAX];

/* The latest job (the last slot in use), or NULL. */
static struct job *latest_job(void)
{
    for (int i = JOBS_MAX - 1; i >= 0; i--) {
        if (jobs[i].group != 0)
            return &jobs[i];
    }
    return NULL;
}

/* Keep `job` in the table (compacted, newest last); false if it is full. */
static bool keep_job(const struct job *job)
{
    for (int i = 0; i < JOBS_MAX; i++) {
        if (jobs[i].group == 0) {
            jobs[i] = *job;
            return true;
        }
    }
    return false;
}

static void forget_job(struct job *job)
{
    int at = (int)(job - jobs);
    for (int i = at; i + 1 < JOBS_MAX; i++)
        jobs[i] = jobs[i + 1];
    jobs[JOBS_MAX - 1].group = 0;
}

/*
 * Wait in the foreground for the processes of `job` that are not yet
 * reaped, the terminal given to its group. True if it stopped (Ctrl-Z,
 * SIGSTOP): it is left for `fg` or `bg`, and the terminal is the shell's.
 */
static bool wait_in_foreground(struct job *job)
{
    if (job_control && job->group != 0)
        tcsetpgrp(STDIN_FILENO, job->group);
    bool stopped = false;
    last_status = 1;
    for (int i = 0; i < job->count && !stopped; i++) {
        if (job->reaped[i])
            continue;
        int status;
        pid_t reaped;
        while ((reaped = waitpid(job->pids[i], &status, job_control ? WUNTRACED : 0)) < 0 &&
               errno == EINTR) {
        }
        if (reaped < 0) {
            dprintf(2, "sh: wait: %s\n", strerror(errno));
            job->reaped[i] = true;
            continue;
        }
        if (WIFSTOPPED(status)) {
            stopped = true;
            last_status = 128 + WSTOPSIG(status);
            break;
        }
        job->reaped[i] = true;
        if (i == job->count - 1) {
            report(job->name, status);
            last_status = status_number(status);
        }
    }
    if (job_control)
        tcsetpgrp(STDIN_FILENO, getpgrp()); /* the terminal is the shell's again */
    job->stopped = stopped;
    return stopped;
}

/* A pipeline that stopped: into the table, with its "[pid] Stopped" line. */
static void job_stopped(struct job *job)
{
    printf("[%d] Stopped %s\n", job->group, job->name);
    if (!keep_job(job)) {
        printf("sh: %d jobs already wait: [%d] killed\n", JOBS_MAX, job->group);
        kill(-job->group, SIGKILL);
        kill(-job->group, SIGCONT);
        for (int i = 0; i < job->count; i++) {
            if (!job->reaped[i])
                waitpid(job->pids[i], NULL, 0);
        }
    }
}

/* Before a prompt: background jobs whose processes have all ended are reaped and reported. */
static void reap_background_jobs(void)
{
    for (int i = 0; i < JOBS_MAX; i++) {
        struct job *job = &jobs[i];
        if (job->group == 0 || job->stopped)
            continue;
        bool all = true;
        for (int k = 0; k < job->count; k++) {
            if (!job->reaped[k])
                job->reaped[k] = waitpid(job->pids[k], NULL, WNOHANG) != 0;
            all = all && job->reaped[k];
        }
        if (all) {
            printf("[%d] Done %s\n", job->group, job->name);
            forget_job(job);
            i--;
        }
    }
}

/* fg and bg: continue the latest job, in the foreground (waiting for it) or the background. */
static void continue_job(bool foreground)
{
    struct job *job = latest_job();
    if (job == NULL || !job_control) {
        dprintf(2, "sh: %s: no job\n", foreground ? "fg" : "bg");
        last_status = 1;
        return;
    }
    struct job copy = *job;
    if (foreground) {
        forget_job(job);
        printf("%s\n", copy.name);
        tcsetpgrp(STDIN_FILENO, copy.group); /* before it runs: it may read the terminal */
        kill(-copy.group, SIGCONT);
        if (wait_in_foreground(&copy))
            job_stopped(&copy);
    } else {
        job->stopped = false;
        printf("[%d] %s &\n", job->group, job->name);
        kill(-job->group, SIGCONT);
        last_status = 0;
    }
}

static void list_jobs(void)
{
    for (int i = 0; i < JOBS_MAX && jobs[i].group != 0; i++)
        printf("[%d] %s %s\n", jobs[i].group, jobs[i].stopped ? "Stopped" : "Running",
               jobs[i].name);
    last_status = 0;
}

/* Run a pipeline: each command in a child, the pipes between them, then wait for all. */
static void run_pipeline(struct command *commands, int count)
{
    pid_t group = 0;
    pid_t pids[COMMANDS_MAX];
    int input_fd = STDIN_FILENO;
    int started = 0;
    for (int i = 0; i < count; i++) {
        int fds[2] = {-1, STDOUT_FILENO};
        if (i + 1 < count && pipe(fds) < 0) {
            dprintf(2, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid == 0) {
            child_takes_default_signals();
            pid_t mine = group;
            join_group(0, &mine);
            if (fds[0] >= 0)
                close(fds[0]); /* the next command's end */
            run_child(&commands[i], input_fd, fds[1]);
        }
        if (input_fd != STDIN_FILENO)
            close(input_fd);
        if (fds[1] != STDOUT_FILENO)
            close(fds[1]);
        input_fd = fds[0];
        if (pid < 0) {
            dprintf(2, "sh: fork: %s\n", strerror(errno));
            break;
        }
        join_group(pid, &group);
        pids[started++] = pid;
    }
    if (input_fd >= 0 && input_fd != STDIN_FILENO)
        close(input_fd);
    struct job job = {.group = group, .count = started};
    for (int i = 0; i < started; i++)
        job.pids[i] = pids[i];
    /* Named after its last command, whose status is the pipeline's. */
    const char *name = count > 0 ? commands[count - 1].argv[0] : "?";
    strncpy(job.name, name, sizeof(job.name) - 1);
    if (job.group == 0)
        job.group = started > 0 ? pids[0] : 0;
    if (started == 0) {
        last_status = 1;
        return;
    }
    if (wait_in_foreground(&job))
        job_stopped(&job);
}

/* ---- Built-ins --------------------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a few names: insertion sort (there is no qsort here). */
static void sort_names(char **names, int count)
{
    for (int i = 1; i < count; i++) {
        char *name = names[i];
        int j = i - 1;
        for (; j >= 0 && compare_names(&names[j], &name) > 0; j--)
            names[j + 1] = names[j];
        names[j + 1] = name;
    }
}

static void help(void)
{
    printf("built-ins: cd [DIR], exit [N], help, pwd, jobs, fg, bg\n");
    printf("programs:");
    DIR *dir = opendir("/bin");
    if (dir == NULL) {
        /* No disk: the programs packed into the kernel. */
        for (int i = 0; user_program_names[i] != NULL; i++)
            printf(" %s", user_program_names[i]);
        printf("\n");
        return;
    }
    char *names[256];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 256) {
        if (entry->d_name[0] != '.')
            names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    sort_names(names, count);
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void change_directory(int argc, char **argv)
{
    const char *target = argc > 1 ? argv[1] : "/";
    if (chdir(target) < 0) {
        dprintf(2, "sh: cd: %s: %s\n", target, strerror(errno));
        last_status = 1;
    } else {
        last_status = 0;
    }
}

static void print_directory(void)
{
    char path[4096];
    if (getcwd(path, sizeof(path)) == NULL) {
        dprintf(2, "sh: pwd: %s\n", strerror(errno));
        last_status = 1;
        return;
    }
    printf("%s\n", path);
    last_status = 0;
}

/* A built-in's redirections apply to the shell itself, and are undone after it. */
static bool run_builtin(struct command *command)
{
    const char *name = command->argv[0];
    bool known = strcmp(name, "help") == 0 || strcmp(name, "exit") == 0 ||
                 strcmp(name, "cd") == 0 || strcmp(name, "pwd") == 0 || strcmp(name, "fg") == 0 ||
                 strcmp(name, "bg") == 0 || strcmp(name, "jobs") == 0;
    if (!known)
        return false;
    int saved[3];
    for (int fd = 0; fd < 3; fd++)
        saved[fd] = dup(fd);
    if (!apply_redirections(command)) {
        last_status = 1;
    } else if (strcmp(name, "help") == 0) {
        help();
        last_status = 0;
    } else if (strcmp(name, "cd") == 0) {
        change_directory(command->argc, command->argv);
    } else if (strcmp(name, "pwd") == 0) {
        print_directory();
    } else if (strcmp(name, "fg") == 0 || strcmp(name, "bg") == 0) {
        continue_job(name[0] == 'f');
    } else if (strcmp(name, "jobs") == 0) {
        list_jobs();
    } else {
        int status = last_status;
        char *end = "";
        if (command->argc > 1)
            status = (int)strtol(command->argv[1], &end, 10);
        if (*end != '\0' || command->argc > 2) {
            dprintf(2, "sh: usage: exit [N]\n");
            last_status = 2;
        } else {
            exit(status);
        }
    }
    for (int fd = 0; fd < 3; fd++) {
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    }
    return true;
}

/* One pipeline: a built-in in the shell itself, or programs in children. */
static void run_line(struct word *words, int count, struct command *commands)
{
    int commands_count = parse_pipeline(words, count, commands);
    if (commands_count <= 0)
        return;
    if (commands_count == 1 && run_builtin(&commands[0]))
        return;
    run_pipeline(commands, commands_count);
}

int main(void)
{
    bool interactive = isatty(STDIN_FILENO);
    if (interactive) {
        start_job_control();
        printf("sh: type `help` for the programs, `exit` to leave\n");
    }
    char line[LINE_MAX];
    char storage[2 * LINE_MAX];
    struct word words[WORDS_MAX];
    struct command commands[COMMANDS_MAX];
    for (;;) {
        reap_background_jobs();
        if (interactive)
            write(STDOUT_FILENO, "$ ", 2);
        int length = read_line(line, sizeof(line));
        if (length == -2)
            continue; /* Ctrl-C at the prompt: a fresh one */
        if (length < 0)
            break;
        int count = split_words(line, storage, words, WORDS_MAX);
        /* Pipelines joined by ;, && and ||: each runs or not on the status before it. */
        enum word_kind joined_by = THEN;
        for (int start = 0; start < count;) {
            int end = start;
            while (end < count && words[end].kind != THEN && words[end].kind != AND &&
                   words[end].kind != OR)
                end++;
            bool run = joined_by == THEN || (joined_by == AND) == (last_status == 0);
            if (run)
                run_line(words + start, end - start, commands);
            joined_by = end < count ? words[end].kind : THEN;
            start = end + 1;
        }
    }
    if (interactive)
        printf("\n");
    return last_status;
}
