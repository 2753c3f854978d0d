/*
 * console.c: kprintf and the log functions.
 *
 * kprintf formats into a small buffer and hands it, in pieces, to the
 * console's writer (the SBI console at first, the UART once its driver
 * takes over), all under the console lock, so printing is safe with
 * interrupts on or off, from any hart, and lines from two harts never mix.
 */
#include "console/console.h"

#include <stdint.h>

#include "arch/irq.h"
#include "console/panic.h"
#include "sbi/sbi.h"

/*
 * The console lock. It is not a sync/ spinlock, on purpose: a spinlock
 * panics when it is misused, and a panic prints through this console, so
 * the console's lock must be one that never panics (and the console layer
 * sits below sync/). It is the spinlock idea in its plainest form:
 * interrupts off on this hart, then an atomic swap until the word was 0.
 */
static volatile uint32_t console_locked;

static irq_state_t console_lock(void)
{
    irq_state_t state = irq_save();
    while (__atomic_exchange_n(&console_locked, 1, __ATOMIC_ACQUIRE) != 0)
        ;
    /* Another hart's panic report has the console: do not write into it, stop. */
    if (panic_elsewhere())
        panic_stop_this_hart();
    return state;
}

static void console_unlock(irq_state_t state)
{
    __atomic_store_n(&console_locked, 0, __ATOMIC_RELEASE);
    irq_restore(state);
}

/* Characters are gathered here and written in runs. */
struct console_buffer {
    char bytes[128];
    size_t used;
};

/* The device that shows the console: SBI's until a driver takes over (console_set_writer). */
static void (*console_writer)(const char *buf, size_t len) = sbi_console_write;

void console_set_writer(void (*write)(const char *buf, size_t len))
{
    irq_state_t state = console_lock(); /* not halfway through someone's line */
    console_writer = write != NULL ? write : sbi_console_write;
    console_unlock(state);
}

static void console_flush(struct console_buffer *buffer)
{
    console_writer(buffer->bytes, buffer->used);
    buffer->used = 0;
}

static void console_emit(void *context, char c)
{
    struct console_buffer *buffer = context;
    buffer->bytes[buffer->used++] = c;
    if (buffer->used == sizeof(buffer->bytes))
        console_flush(buffer);
}

void console_write(const char *buf, size_t len)
{
    irq_state_t state = console_lock();
    console_writer(buf, len);
    console_unlock(state);
}

irq_state_t console_hold(void)
{
    return console_lock();
}

void console_write_held(const char *buf, size_t len)
{
    console_writer(buf, len);
}

void console_release(irq_state_t state)
{
    console_unlock(state);
}

void console_break_lock(void)
{
    /* Only panic calls this: the hart that held the lock will never release it. */
    __atomic_store_n(&console_locked, 0, __ATOMIC_RELEASE);
}

int kvprintf(const char *fmt, va_list args)
{
    struct console_buffer buffer = {.used = 0};
    irq_state_t state = console_lock();
    int count = format_emit(console_emit, &buffer, fmt, args);
    console_flush(&buffer);
    console_unlock(state);
    return count;
}

int kprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = kvprintf(fmt, args);
    va_end(args);
    return count;
}

/* ANSI colours per level; COLOR=0 at build time turns them off. */
#ifndef CONSOLE_COLOR
#define CONSOLE_COLOR 1
#endif

/* The level built in (make LOG=...): only this file is compiled with it. */
#ifndef LOG_LEVEL_DEFAULT
#define LOG_LEVEL_DEFAULT LOG_LEVEL_INFO
#endif

int console_log_level = LOG_LEVEL_DEFAULT;

static const char *const level_tags[] = {"", "ERROR", "WARN ", "INFO ", "DEBUG", "TRACE"};
static const char *const level_names[] = {"", "error", "warn", "info", "debug", "trace"};

void console_set_log_level(int level)
{
    if (level < LOG_LEVEL_ERROR)
        level = LOG_LEVEL_ERROR;
    if (level > LOG_LEVEL_TRACE)
        level = LOG_LEVEL_TRACE;
    console_log_level = level;
}

int console_log_level_by_name(const char *name)
{
    for (int level = LOG_LEVEL_ERROR; level <= LOG_LEVEL_TRACE; level++) {
        const char *a = name;
        const char *b = level_names[level];
        while (*a != '\0' && (*a | 0x20) == *b) { /* case does not matter: DEBUG or debug */
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0')
            return level;
    }
    if (name[0] >= '1' && name[0] <= '5' && name[1] == '\0')
        return name[0] - '0';
    return 0;
}

const char *console_log_level_name(int level)
{
    if (level < LOG_LEVEL_ERROR || level > LOG_LEVEL_TRACE)
        return "?";
    return level_tags[level];
}
static const char *const level_colors[] = {"",         "\x1b[31m", "\x1b[33m",
                                           "\x1b[34m", "\x1b[32m", "\x1b[90m"};

void log_message(int level, const char *fmt, ...)
{
    if (level < LOG_LEVEL_ERROR || level > LOG_LEVEL_TRACE)
        level = LOG_LEVEL_ERROR;
    char line[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    if (CONSOLE_COLOR)
        kprintf("%s[%s]\x1b[0m %s\n", level_colors[level], level_tags[level], line);
    else
        kprintf("[%s] %s\n", level_tags[level], line);
}
