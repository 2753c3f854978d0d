/*
 * stdio.c: printf and friends over the printf engine the kernel uses too
 * (src/lib/format.c, which also provides snprintf and vsnprintf), plus
 * putchar, puts and getchar. Output to a descriptor collects in a buffer on
 * the stack and leaves in as few write() calls as fit: one for a short line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/format.h"

#define PRINT_BUFFER_SIZE 256

/* Fills a buffer and writes it to fd whenever it is full. */
struct fd_sink {
    int fd;
    size_t used;
    char buffer[PRINT_BUFFER_SIZE];
};

static void fd_sink_flush(struct fd_sink *out)
{
    size_t done = 0;
    while (done < out->used) {
        ssize_t n = write(out->fd, out->buffer + done, out->used - done);
        if (n <= 0)
            break; /* nowhere to report a failed printf: drop the rest */
        done += (size_t)n;
    }
    out->used = 0;
}

static void fd_sink_put(void *sink, char c)
{
    struct fd_sink *out = sink;
    if (out->used == sizeof(out->buffer))
        fd_sink_flush(out);
    out->buffer[out->used++] = c;
}

int vdprintf(int fd, const char *fmt, va_list args)
{
    struct fd_sink out = {.fd = fd, .used = 0};
    int count = format_emit(fd_sink_put, &out, fmt, args);
    fd_sink_flush(&out);
    return count;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vdprintf(fd, fmt, args);
    va_end(args);
    return count;
}

int vprintf(const char *fmt, va_list args)
{
    return vdprintf(STDOUT_FILENO, fmt, args);
}

int printf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vdprintf(STDOUT_FILENO, fmt, args);
    va_end(args);
    return count;
}

int putchar(int c)
{
    char byte = (char)c;
    if (write(STDOUT_FILENO, &byte, 1) != 1)
        return EOF;
    return (unsigned char)byte;
}

int puts(const char *s)
{
    /* One write for the line and its newline, so it arrives in one piece. */
    return printf("%s\n", s) < 0 ? EOF : 0;
}

int getchar(void)
{
    unsigned char byte;
    if (read(STDIN_FILENO, &byte, 1) != 1)
        return EOF;
    return byte;
}
