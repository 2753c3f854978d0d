/*
 * format.c: the printf engine. A conversion specification is
 *
 *     %[flags][width][.precision][length]conversion      e.g. %-08.3lx
 *
 * parse_spec() reads one into a struct spec; then each conversion turns its
 * argument into text and put_padded() lays it out: left padding, sign or
 * prefix, zeros, digits, right padding.
 */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left;       /* '-': pad on the right */
    bool zero;       /* '0': pad numbers with zeros */
    bool plus;       /* '+': always show the sign */
    bool space;      /* ' ': a space where a '+' would go */
    bool alternate;  /* '#': 0x before hex, a leading 0 for octal */
    int width;       /* minimum characters, 0 if none */
    int precision;   /* -1 if none */
    char length;     /* 'H' hh, 'h', 'l', 'L' ll, 'z', 't', 'j', or 0 */
    char conversion; /* d i u x X o c s p % */
};

/* Counts what it sends, so the engine can return the length. */
struct counter {
    struct format_sink *sink;
    int count;
};

static void emit(struct counter *out, char c)
{
    out->sink->put(out->sink, c);
    out->count++;
}

static void emit_repeated(struct counter *out, char c, int times)
{
    for (int i = 0; i < times; i++)
        emit(out, c);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A number of digits, or '*' taken from the arguments. */
static int parse_count(const char **fmt, va_list *args)
{
    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*args, int);
    }
    int value = 0;
    while (is_digit(**fmt)) {
        value = value * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return value;
}

/* Read one specification; *fmt points just after the '%'. */
static void parse_spec(const char **fmt, va_list *args, struct spec *spec)
{
    *spec = (struct spec){.precision = -1};
    for (;; (*fmt)++) {
        char c = **fmt;
        if (c == '-')
            spec->left = true;
        else if (c == '0')
            spec->zero = true;
        else if (c == '+')
            spec->plus = true;
        else if (c == ' ')
            spec->space = true;
        else if (c == '#')
            spec->alternate = true;
        else
            break;
    }
    spec->width = parse_count(fmt, args);
    if (spec->width < 0) { /* a negative '*' width means '-' */
        spec->left = true;
        spec->width = -spec->width;
    }
    if (**fmt == '.') {
        (*fmt)++;
        spec->precision = parse_count(fmt, args);
        if (spec->precision < 0) /* a negative '*' precision means none */
            spec->precision = -1;
    }
    char c = **fmt;
    if (c == 'h' || c == 'l') {
        (*fmt)++;
        spec->length = c;
        if (**fmt == c) { /* hh or ll */
            (*fmt)++;
            spec->length = (c == 'h') ? 'H' : 'L';
        }
    } else if (c == 'z' || c == 't' || c == 'j') {
        (*fmt)++;
        spec->length = c;
    }
    spec->conversion = **fmt;
    if (**fmt != '\0')
        (*fmt)++;
}

/* A signed argument, widened to 64 bits and then narrowed as its length says. */
static int64_t take_signed(const struct spec *spec, va_list *args)
{
    switch (spec->length) {
    case 'H': return (signed char)va_arg(*args, int);
    case 'h': return (short)va_arg(*args, int);
    case 'l': return va_arg(*args, long);
    case 'L': return va_arg(*args, long long);
    case 'z': return va_arg(*args, long); /* ssize_t */
    case 't': return va_arg(*args, long); /* ptrdiff_t */
    case 'j': return va_arg(*args, int64_t);
    default: return va_arg(*args, int);
    }
}

static uint64_t take_unsigned(const struct spec *spec, va_list *args)
{
    switch (spec->length) {
    case 'H': return (unsigned char)va_arg(*args, unsigned int);
    case 'h': return (unsigned short)va_arg(*args, unsigned int);
    case 'l': return va_arg(*args, unsigned long);
    case 'L': return va_arg(*args, unsigned long long);
    case 'z': return va_arg(*args, size_t);
    case 't': return va_arg(*args, unsigned long);
    case 'j': return va_arg(*args, uint64_t);
    default: return va_arg(*args, unsigned int);
    }
}

/*
 * Lay out one field: [spaces][prefix][zeros][body][spaces], where the width
 * counts all of it. Zeros come from the precision, or from the '0' flag.
 */
static void put_padded(struct counter *out, const struct spec *spec, const char *prefix, int zeros,
                       const char *body, int body_length)
{
    int prefix_length = 0;
    while (prefix[prefix_length] != '\0')
        prefix_length++;
    int length = prefix_length + zeros + body_length;
    int padding = spec->width > length ? spec->width - length : 0;
    if (!spec->left && spec->zero) { /* the '0' flag turns padding into zeros after the sign */
        zeros += padding;
        padding = 0;
    }
    if (!spec->left)
        emit_repeated(out, ' ', padding);
    for (int i = 0; i < prefix_length; i++)
        emit(out, prefix[i]);
    emit_repeated(out, '0', zeros);
    for (int i = 0; i < body_length; i++)
        emit(out, body[i]);
    if (spec->left)
        emit_repeated(out, ' ', padding);
}

static void put_string(struct counter *out, struct spec *spec, const char *s)
{
    if (s == NULL)
        s = "(null)";
    int length = 0;
    while (s[length] != '\0' && (spec->precision < 0 || length < spec->precision))
        length++;
    spec->zero = false;
    put_padded(out, spec, "", 0, s, length);
}

static void put_integer(struct counter *out, struct spec *spec, va_list *args)
{
    char c = spec->conversion;
    bool is_signed = (c == 'd' || c == 'i');
    unsigned base = (c == 'x' || c == 'X' || c == 'p') ? 16 : (c == 'o') ? 8 : 10;
    const char *digit_chars = (c == 'X') ? "0123456789ABCDEF" : "0123456789abcdef";
    const char *prefix = "";
    uint64_t value;

    if (c == 'p') {
        value = (uintptr_t)va_arg(*args, void *);
        if (value == 0) { /* as glibc prints a null pointer */
            spec->precision = -1;
            put_string(out, spec, "(nil)");
            return;
        }
        spec->alternate = true;
    } else if (is_signed) {
        int64_t number = take_signed(spec, args);
        /* Negate as unsigned: -INT64_MIN does not fit in an int64_t. */
        value = number < 0 ? 0 - (uint64_t)number : (uint64_t)number;
        if (number < 0)
            prefix = "-";
        else if (spec->plus)
            prefix = "+";
        else if (spec->space)
            prefix = " ";
    } else {
        value = take_unsigned(spec, args);
    }

    /* The digits, written backwards from the end of the buffer. */
    char digits[24];
    int length = 0;
    while (value != 0) {
        digits[sizeof(digits) - 1 - length] = digit_chars[value % base];
        value /= base;
        length++;
    }
    /* With no precision, zero is one digit "0"; with precision 0, it is no digits. */
    int precision = spec->precision < 0 ? 1 : spec->precision;
    int zeros = precision > length ? precision - length : 0;
    if (spec->precision >= 0)
        spec->zero = false; /* a precision overrides the '0' flag */

    if (spec->alternate && base == 16 && length > 0)
        prefix = (c == 'X') ? "0X" : "0x";
    if (spec->alternate && base == 8 && zeros == 0 &&
        (length == 0 || digits[sizeof(digits) - length] != '0'))
        zeros = 1; /* '#' octal: the first digit is 0 */

    put_padded(out, spec, prefix, zeros, digits + sizeof(digits) - length, length);
}

int format_to_sink(struct format_sink *sink, const char *fmt, va_list args)
{
    struct counter out = {.sink = sink, .count = 0};
    va_list ap;
    va_copy(ap, args);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            emit(&out, *fmt++);
            continue;
        }
        fmt++;
        struct spec spec;
        parse_spec(&fmt, &ap, &spec);
        switch (spec.conversion) {
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'p': put_integer(&out, &spec, &ap); break;
        case 's': put_string(&out, &spec, va_arg(ap, const char *)); break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            spec.zero = false;
            put_padded(&out, &spec, "", 0, &c, 1);
            break;
        }
        case '%': emit(&out, '%'); break;
        case '\0': break; /* a lone '%' at the end: print nothing */
        default:          /* unknown: print it as written, so the mistake shows */
            emit(&out, '%');
            emit(&out, spec.conversion);
            break;
        }
    }
    va_end(ap);
    return out.count;
}
