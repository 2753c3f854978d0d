/*
 * format.h: the printf engine behind kprintf, snprintf and vsnprintf.
 *
 * It is pure C with no kernel dependencies, so the host tests compile this
 * same file and compare it with the C library's snprintf.
 *
 * Supported: conversions d i u x X o p s c %, length modifiers hh h l ll z t j,
 * width and precision (digits or *), flags - 0 + space #.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character in order. */
typedef void (*format_emit_fn)(void *context, char c);

/*
 * Format `fmt` with the arguments in `args`, handing each character to emit.
 * Returns the number of characters produced.
 */
int format_emit(format_emit_fn emit, void *context, const char *fmt, va_list args);

/*
 * C99 vsnprintf semantics: writes at most size - 1 characters and a NUL
 * (when size > 0), and returns the length the whole output would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
