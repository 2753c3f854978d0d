/*
 * string.c: the string and memory functions, as plain loops: the
 * kernel copies little, and these are easy to step through in GDB.
 * memcpy and memset move 8 bytes at a time when both sides are aligned,
 * 64 bytes to a loop turn, because page copies and page clears are the common
 * large case (every page table and kernel stack is cleared, every
 * copy-on-write fault copies a page): a 4 KiB clear is 64 turns, not 512.
 */
#include "lib/string.h"

#include <stdint.h>

void *memset(void *dst, int byte, size_t n)
{
    unsigned char *d = dst;
    if (((uintptr_t)d & 7) == 0) {
        uint64_t pattern = (unsigned char)byte;
        pattern |= pattern << 8;
        pattern |= pattern << 16;
        pattern |= pattern << 32;
        while (n >= 64) {
            uint64_t *words = (uint64_t *)d;
            words[0] = pattern;
            words[1] = pattern;
            words[2] = pattern;
            words[3] = pattern;
            words[4] = pattern;
            words[5] = pattern;
            words[6] = pattern;
            words[7] = pattern;
            d += 64;
            n -= 64;
        }
        while (n >= 8) {
            *(uint64_t *)d = pattern;
            d += 8;
            n -= 8;
        }
    }
    while (n > 0) {
        *d++ = (unsigned char)byte;
        n--;
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        while (n >= 64) {
            uint64_t *to = (uint64_t *)d;
            const uint64_t *from = (const uint64_t *)s;
            uint64_t a = from[0], b = from[1], c = from[2], e = from[3];
            uint64_t f = from[4], g = from[5], h = from[6], i = from[7];
            to[0] = a;
            to[1] = b;
            to[2] = c;
            to[3] = e;
            to[4] = f;
            to[5] = g;
            to[6] = h;
            to[7] = i;
            d += 64;
            s += 64;
            n -= 64;
        }
        while (n >= 8) {
            *(uint64_t *)d = *(const uint64_t *)s;
            d += 8;
            s += 8;
            n -= 8;
        }
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        /* Copying forward is safe when the destination is below the source. */
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        /* Otherwise copy backward, so no byte is overwritten before it is read. */
        while (n > 0) {
            n--;
            d[n] = s[n];
        }
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] - y[i];
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    }
    return NULL;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0')
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (*s == '\0')
            return (char *)last;
    }
}

char *strcpy(char *restrict dst, const char *restrict src)
{
    size_t i = 0;
    do {
        dst[i] = src[i];
    } while (src[i++] != '\0');
    return dst;
}

char *strcat(char *restrict dst, const char *restrict src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

/* C's strncpy: copies at most n bytes, pads with NULs, and does NOT always terminate. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i] != '\0'; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t length = strlen(src);
    if (size > 0) {
        size_t copy = length < size - 1 ? length : size - 1;
        memcpy(dst, src, copy);
        dst[copy] = '\0';
    }
    return length;
}

char *strstr(const char *haystack, const char *needle)
{
    size_t length = strlen(needle);
    for (const char *p = haystack;; p++) {
        if (strncmp(p, needle, length) == 0)
            return (char *)p;
        if (*p == '\0')
            return NULL;
    }
}
