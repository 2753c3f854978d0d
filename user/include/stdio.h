/*
 * stdio.h: formatted output straight to file descriptors. There is no FILE
 * and no buffering between calls: printf formats into a small buffer and
 * hands it to write(), so one printf is usually one system call and the
 * lines of two processes do not mix in the middle.
 *
 * Conversions: d i u x X o c s p %, length modifiers hh h l ll z t j, width
 * and precision (digits or *), flags - 0 + space #. No floating point.
 */
#ifndef STDIO_H
#define STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list args);
/* Print to a file descriptor: dprintf(2, ...) writes to standard error. */
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list args);
/* C99: at most size - 1 characters and a NUL; returns the length the whole output needs. */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

int putchar(int c);
/* Writes s and a newline to standard output. */
int puts(const char *s);
/* One byte from standard input, or EOF at end of input or on error. */
int getchar(void);
/* "what: the text of errno" on standard error. */
void perror(const char *what);
int rename(const char *old_path, const char *new_path);
/* unlink a file, or rmdir a directory. */
int remove(const char *path);

#endif
