/*
 * format.h: the printf engine of the user library. printf, dprintf and
 * snprintf (stdio.c) all feed it a sink that receives the output.
 *
 * It is plain C with no system calls, so tests/host/test_user_format.c
 * compiles this same file on the host and compares it with glibc.
 */
#ifndef USER_FORMAT_H
#define USER_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Where the output goes: put() receives each character in order. */
struct format_sink {
    void (*put)(struct format_sink *sink, char c);
};

/* Format `fmt` with `args` into sink. Returns the number of characters produced. */
int format_to_sink(struct format_sink *sink, const char *fmt, va_list args);

#endif
