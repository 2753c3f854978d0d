/*
 * string.h: the <string.h> functions, one copy for the kernel and the user
 * library (user/include/string.h includes this file and adds what needs
 * malloc). GCC may also emit calls to memcpy, memset and memmove on its
 * own, even when freestanding, so these must always exist.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

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
/* The first place `needle` occurs in `haystack`, or NULL; an empty needle is found at once. */
char *strstr(const char *haystack, const char *needle);
char *strcpy(char *restrict dst, const char *restrict src);
/* C's strncpy: copies at most n bytes, pads with NULs, and does NOT always terminate. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
/* Copy with truncation; always NUL-terminates when size > 0; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
