/*
 * string.h: memory and string functions. The compiler may call memcpy,
 * memset and memmove on its own (to copy a struct), so they always exist.
 */
#ifndef STRING_H
#define STRING_H

#include <stddef.h>

void *memset(void *dst, int byte, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
/* A copy in memory from malloc, or NULL. */
char *strdup(const char *s);

/* The text of an error number: strerror(EFAULT) is "Bad address". */
char *strerror(int error);

#endif
