/*
 * strdup.c: the one string function that allocates, so it lives in the user
 * library; the others are shared with the kernel (src/lib/string.c).
 */
#include <stdlib.h>
#include <string.h>

char *strdup(const char *s)
{
    size_t size = strlen(s) + 1;
    char *copy = malloc(size);
    if (copy != NULL)
        memcpy(copy, s, size);
    return copy;
}
