/*
 * stdlib.c: numbers from text, exit and abort. (malloc is in malloc.c.)
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noreturn)) void exit(int status)
{
    /* Nothing is buffered between printf calls, so there is nothing to flush. */
    _exit(status);
}

__attribute__((noreturn)) void abort(void)
{
    kill(getpid(), SIGABRT);
    _exit(128 + SIGABRT); /* in case the signal did not end us */
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99; /* not a digit in any base */
}

/*
 * The shared part of strtol and strtoul: spaces, a sign, a base prefix, then
 * digits. Returns the magnitude, saturated at ULONG_MAX (errno = ERANGE).
 */
static unsigned long parse_unsigned(const char *s, char **end, int base, bool *negative)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    *negative = false;
    if (*p == '+' || *p == '-') {
        *negative = (*p == '-');
        p++;
    }
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = (p[0] == '0') ? 8 : 10;
    }
    const char *digits_start = p;
    unsigned long value = 0;
    bool overflow = false;
    while (digit_value(*p) < base) {
        unsigned long digit = (unsigned long)digit_value(*p);
        if (value > (ULONG_MAX - digit) / (unsigned long)base)
            overflow = true;
        else
            value = value * (unsigned long)base + digit;
        p++;
    }
    if (end != NULL)
        *end = (char *)(p == digits_start ? s : p); /* no digits: nothing was used */
    if (overflow) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return value;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    bool negative;
    unsigned long value = parse_unsigned(s, end, base, &negative);
    return negative ? 0 - value : value;
}

long strtol(const char *s, char **end, int base)
{
    bool negative;
    unsigned long value = parse_unsigned(s, end, base, &negative);
    if (!negative && value > (unsigned long)LONG_MAX) {
        errno = ERANGE;
        return LONG_MAX;
    }
    if (negative && value > (unsigned long)LONG_MAX + 1) {
        errno = ERANGE;
        return LONG_MIN;
    }
    return negative ? (long)(0 - value) : (long)value;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

int abs(int value)
{
    return value < 0 ? -value : value;
}

long labs(long value)
{
    return value < 0 ? -value : value;
}
