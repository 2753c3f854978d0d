/*
 * pipedup: pipes between a parent and its children, with dup2(2) putting a
 * pipe on a child's stdin or stdout (what a shell does for "a | b"). Also
 * EOF when the last writer closes, EPIPE and SIGPIPE when no reader is
 * left, and a transfer larger than a pipe's buffer, so writes must block.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "linuxtest.h"

/* Read everything from fd until EOF into buf; return the length. */
static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r <= 0)
            return n;
        n += (size_t)r;
    }
}

int main(void)
{
    int p[2], q[2], st;
    char buf[4096];
    lt_init();

    /* 1. The child's stdout is a pipe: its printf output reaches the parent. */
    pipe(p);
    if (fork() == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        for (int i = 1; i <= 3; i++)
            printf("line %d from the child\n", i);
        fflush(stdout);
        _exit(0);
    }
    close(p[1]);
    size_t n = read_all(p[0], buf, sizeof buf - 1);
    buf[n] = 0;
    close(p[0]);
    wait(&st);
    printf("parent read %zu bytes:\n%s", n, buf);

    /* 2. A filter: parent -> child's stdin, child's stdout -> parent. */
    pipe(p);
    pipe(q);
    if (fork() == 0) {
        dup2(p[0], 0);
        dup2(q[1], 1);
        close(p[0]);
        close(p[1]);
        close(q[0]);
        close(q[1]);
        int c;
        while ((c = getchar()) != EOF)
            putchar(toupper(c));
        fflush(stdout);
        _exit(0);
    }
    close(p[0]);
    close(q[1]);
    const char *text = "shout this\nand this too\n";
    write(p[1], text, strlen(text));
    close(p[1]); /* the child sees EOF */
    n = read_all(q[0], buf, sizeof buf - 1);
    buf[n] = 0;
    close(q[0]);
    wait(&st);
    printf("filtered:\n%s", buf);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "filter child exited 0");

    /* 3. dup and dup2 numbering. */
    int d = dup(1);
    CHECK(d == 3, "dup(1) returns the lowest free descriptor, 3");
    CHECK(dup2(d, 10) == 10, "dup2(3, 10) returns 10");
    CHECK(dup2(10, 10) == 10, "dup2(10, 10) returns 10");
    close(d);
    close(10);
    errno = 0;
    CHECK(dup2(42, 43) == -1 && errno == EBADF, "dup2 of a closed descriptor fails with EBADF");

    /* 4. 256 KiB through a pipe: more than its buffer, so the writer blocks. */
    pipe(p);
    if (fork() == 0) {
        close(p[0]);
        static char big[65536];
        for (int round = 0; round < 4; round++) {
            memset(big, 'a' + round, sizeof big);
            size_t off = 0;
            while (off < sizeof big) {
                ssize_t w = write(p[1], big + off, sizeof big - off);
                if (w <= 0)
                    _exit(1);
                off += (size_t)w;
            }
        }
        _exit(0);
    }
    close(p[1]);
    unsigned long total = 0, sum = 0;
    ssize_t r;
    while ((r = read(p[0], buf, sizeof buf)) > 0) {
        total += (unsigned long)r;
        for (ssize_t i = 0; i < r; i++)
            sum += (unsigned char)buf[i];
    }
    close(p[0]);
    wait(&st);
    printf("big transfer: %lu bytes, byte sum %lu\n", total, sum);
    CHECK(total == 4 * 65536 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "all of it arrived");

    /* 5. Writing to a pipe with no reader: EPIPE when SIGPIPE is ignored ... */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "write with no reader fails with EPIPE");
    signal(SIGPIPE, SIG_DFL);
    /* ... and death by SIGPIPE when it is not. */
    if (fork() == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    wait(&st);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "a writer with no reader dies of SIGPIPE");
    return lt_status();
}
