/*
 * host_panic.c: panic_at() for host tests (see host_panic.h).
 */
#include "host_panic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "console/panic.h"

jmp_buf *host_panic_jump;
char host_panic_message[1024];

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(host_panic_message, sizeof(host_panic_message), fmt, args);
    va_end(args);
    if (host_panic_jump != NULL)
        longjmp(*host_panic_jump, 1);
    fprintf(stderr, "PANIC at %s:%d: %s\n", file, line, host_panic_message);
    abort();
}
