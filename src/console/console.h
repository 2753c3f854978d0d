/*
 * console.h: kernel output (kprintf), log levels, and the console lock.
 *
 * Everything the kernel prints goes through console_write(), which holds the
 * console lock for a whole kprintf call, so lines from different harts or
 * threads never interleave.
 */
#ifndef CONSOLE_CONSOLE_H
#define CONSOLE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/format.h"

/* Print to the console, printf-style. Returns the number of characters. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);

/* Write raw bytes, under the console lock. */
void console_write(const char *buf, size_t len);

/* Called by panic: forget who holds the lock, so the report can get out. */
void console_break_lock(void);

/*
 * Log levels. LOG_LEVEL is set at build time (make LOG=DEBUG); messages
 * above it compile to nothing. Each line starts with a fixed, greppable tag:
 * "[ERROR]", "[WARN ]", "[INFO ]", "[DEBUG]", "[TRACE]".
 */
#define LOG_LEVEL_ERROR 1
#define LOG_LEVEL_WARN  2
#define LOG_LEVEL_INFO  3
#define LOG_LEVEL_DEBUG 4
#define LOG_LEVEL_TRACE 5

#ifndef LOG_LEVEL
#define LOG_LEVEL LOG_LEVEL_INFO
#endif

void log_message(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_at(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) <= LOG_LEVEL)                                                                  \
            log_message((level), __VA_ARGS__);                                                     \
    } while (0)

#define log_error(...) log_at(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_trace(...) log_at(LOG_LEVEL_TRACE, __VA_ARGS__)

#endif
