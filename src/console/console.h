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

#include "arch/irq.h"
#include "lib/format.h"

/* Print to the console, printf-style. Returns the number of characters. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);

/* Write raw bytes, under the console lock. */
void console_write(const char *buf, size_t len);

/*
 * A block of lines that nothing may split (the timeline's dump): hold the
 * console, write with console_write_held, release. No kprintf in between
 * (it would wait for the lock this hart holds).
 */
irq_state_t console_hold(void);
void console_write_held(const char *buf, size_t len);
void console_release(irq_state_t state);

/* Called by panic: forget who holds the lock, so the report can get out. */
void console_break_lock(void);

/*
 * Where the bytes go. At boot, through the SBI console (OpenSBI writes
 * the UART, and turns each "\n" into "\r\n"). Once the UART driver starts
 * it takes over (uart_init passes its writer here): the kernel then writes
 * "\n" alone, and the terminal's own line discipline adds the "\r", so a
 * newline arrives as one "\r\n", not "\r\r\n".
 */
void console_set_writer(void (*write)(const char *buf, size_t len));

/*
 * Log levels. Each line starts with a fixed, greppable tag: "[ERROR]",
 * "[WARN ]", "[INFO ]", "[DEBUG]", "[TRACE]". The level in force is chosen
 * at boot (loglevel=debug on the command line; kmain applies it) and
 * defaults to the one built in (make LOG=DEBUG, which rebuilds console.c
 * alone). A message above the level costs one comparison.
 *   ERROR  something failed that should not have
 *   WARN   something odd that the kernel survived
 *   INFO   the boot sequence, one line per subsystem (the default)
 *   DEBUG  process and memory events: fork, exec, exit, faults, frames
 *   TRACE  also every system call, strace style (strace= limits it)
 */
#define LOG_LEVEL_ERROR 1
#define LOG_LEVEL_WARN  2
#define LOG_LEVEL_INFO  3
#define LOG_LEVEL_DEBUG 4
#define LOG_LEVEL_TRACE 5

/* The level in force: messages at or below it print. */
extern int console_log_level;

/* Set the level (clamped to ERROR..TRACE). */
void console_set_log_level(int level);

/* The level named "error", "warn", "info", "debug" or "trace" (or 1..5); 0 if none. */
int console_log_level_by_name(const char *name);

/* "ERROR", "WARN", ... for a level. */
const char *console_log_level_name(int level);

void log_message(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_at(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) <= console_log_level)                                                          \
            log_message((level), __VA_ARGS__);                                                     \
    } while (0)

#define log_enabled(level) ((level) <= console_log_level)

#define log_error(...) log_at(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_at(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_at(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_trace(...) log_at(LOG_LEVEL_TRACE, __VA_ARGS__)

#endif
