/*
 * stdlib.h: memory from the heap, numbers from text, and the way out.
 */
#ifndef STDLIB_H
#define STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* The heap grows with brk(); see user/lib/malloc.c. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *block, size_t size);
void free(void *block);

/* End the process with this status (exit_group). Never returns. */
__attribute__((noreturn)) void exit(int status);
/* End the process by SIGABRT. */
__attribute__((noreturn)) void abort(void);

/* The value of environment variable `name`, or NULL. */
char *getenv(const char *name);

int atoi(const char *s);
/* base 0 picks 8, 10 or 16 from a "0" or "0x" prefix; *end gets the first unused character. */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int abs(int value);
long labs(long value);

#endif
