/*
 * string.h: memory and string functions. The compiler may call memcpy,
 * memset and memmove on its own (to copy a struct), so they always exist.
 * Most of them are the kernel's own (src/lib/string.c, one copy for both).
 */
#ifndef STRING_H
#define STRING_H

#include <stddef.h>

/* Everything that needs no allocation is shared with the kernel (src/lib/string.c). */
#include "lib/string.h"

/* A copy in memory from malloc, or NULL. */
char *strdup(const char *s);

/* The text of an error number: strerror(EFAULT) is "Bad address". */
char *strerror(int error);

#endif
