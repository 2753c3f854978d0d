/*
 * format.c: the printf engine.
 *
 * A conversion specification is parsed into a struct format_spec, then one
 * of three writers (integer, string, character) lays it out:
 *
 *   [left padding][sign or 0x prefix][zeros][digits][right padding]
 *
 * The rules are those of the C standard (7.21.6.1), so the host tests can
 * compare the output with the C library's.
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

enum length_modifier { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct format_spec {
    bool left_align; /* '-' */
    bool plus_sign;  /* '+' */
    bool space_sign; /* ' ' */
    bool alternate;  /* '#' */
    bool zero_pad;   /* '0' */
    int width;       /* minimum field width, 0 if none */
    int precision;   /* -1 if none */
    enum length_modifier length;
};

/* Where characters go, and how many there have been. */
struct format_output {
    format_emit_fn emit;
    void *context;
    int count;
};

static void put(struct format_output *out, char c)
{
    out->emit(out->context, c);
    out->count++;
}

static void put_repeated(struct format_output *out, char c, int n)
{
    for (int i = 0; i < n; i++)
        put(out, c);
}

static void put_string(struct format_output *out, const char *s, int n)
{
    for (int i = 0; i < n; i++)
        put(out, s[i]);
}

/* Write a field of `length` characters padded to the width with spaces. */
static void pad_before(struct format_output *out, const struct format_spec *spec, int length)
{
    if (!spec->left_align && spec->width > length)
        put_repeated(out, ' ', spec->width - length);
}

static void pad_after(struct format_output *out, const struct format_spec *spec, int length)
{
    if (spec->left_align && spec->width > length)
        put_repeated(out, ' ', spec->width - length);
}

/*
 * Lay out an unsigned magnitude in `base`. `prefix` is the sign or "0x",
 * already decided by the caller.
 */
static void write_integer(struct format_output *out, const struct format_spec *spec,
                          uint64_t magnitude, unsigned base, bool upper, const char *prefix)
{
    /* LAB 1 BEGIN: format_write_integer */
    const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24]; /* 64 bits in octal need 22 */
    int n = 0;

    /* With precision 0, the value 0 produces no digits at all. */
    if (!(magnitude == 0 && spec->precision == 0)) {
        do {
            digits[n++] = digit_chars[magnitude % base];
            magnitude /= base;
        } while (magnitude != 0);
    }

    int zeros = spec->precision > n ? spec->precision - n : 0;
    /* '#' with octal: the first digit must be 0. */
    if (spec->alternate && base == 8 && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
        zeros = 1;

    int prefix_length = 0;
    while (prefix[prefix_length] != '\0')
        prefix_length++;

    int length = prefix_length + zeros + n;
    /* '0' pads with zeros after the prefix, unless '-' or a precision is given. */
    if (spec->zero_pad && !spec->left_align && spec->precision < 0 && spec->width > length) {
        zeros += spec->width - length;
        length = spec->width;
    }

    pad_before(out, spec, length);
    put_string(out, prefix, prefix_length);
    put_repeated(out, '0', zeros);
    while (n > 0)
        put(out, digits[--n]);
    pad_after(out, spec, length);
    /* LAB 1 END: format_write_integer */
}

static void write_chars(struct format_output *out, const struct format_spec *spec, const char *s)
{
    if (s == NULL)
        s = "(null)";
    int length = 0;
    /* A precision limits how many bytes are read: s need not be terminated. */
    while ((spec->precision < 0 || length < spec->precision) && s[length] != '\0')
        length++;
    pad_before(out, spec, length);
    put_string(out, s, length);
    pad_after(out, spec, length);
}

static void write_char(struct format_output *out, const struct format_spec *spec, char c)
{
    pad_before(out, spec, 1);
    put(out, c);
    pad_after(out, spec, 1);
}

/* Read a signed argument of the size the length modifier names. */
static int64_t next_signed(va_list *args, enum length_modifier length)
{
    switch (length) {
    case LEN_HH: return (signed char)va_arg(*args, int);
    case LEN_H: return (short)va_arg(*args, int);
    case LEN_L: return va_arg(*args, long);
    case LEN_LL: return va_arg(*args, long long);
    case LEN_Z: return va_arg(*args, long); /* the signed type of size_t */
    case LEN_T: return va_arg(*args, ptrdiff_t);
    case LEN_J: return va_arg(*args, intmax_t);
    default: return va_arg(*args, int);
    }
}

static uint64_t next_unsigned(va_list *args, enum length_modifier length)
{
    switch (length) {
    case LEN_HH: return (unsigned char)va_arg(*args, unsigned int);
    case LEN_H: return (unsigned short)va_arg(*args, unsigned int);
    case LEN_L: return va_arg(*args, unsigned long);
    case LEN_LL: return va_arg(*args, unsigned long long);
    case LEN_Z: return va_arg(*args, size_t);
    case LEN_T: return (uint64_t)va_arg(*args, ptrdiff_t);
    case LEN_J: return va_arg(*args, uintmax_t);
    default: return va_arg(*args, unsigned int);
    }
}

/* Parse flags, width, precision and length; returns the conversion character. */
static const char *parse_spec(const char *p, struct format_spec *spec, va_list *args)
{
    *spec = (struct format_spec){.precision = -1};
    for (;; p++) {
        if (*p == '-')
            spec->left_align = true;
        else if (*p == '+')
            spec->plus_sign = true;
        else if (*p == ' ')
            spec->space_sign = true;
        else if (*p == '#')
            spec->alternate = true;
        else if (*p == '0')
            spec->zero_pad = true;
        else
            break;
    }

    if (*p == '*') {
        /* A negative width argument means '-' and its absolute value. */
        int width = va_arg(*args, int);
        if (width < 0) {
            spec->left_align = true;
            width = -width;
        }
        spec->width = width;
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            spec->width = spec->width * 10 + (*p++ - '0');
    }

    if (*p == '.') {
        p++;
        if (*p == '*') {
            /* A negative precision argument is taken as if none were given. */
            int precision = va_arg(*args, int);
            spec->precision = precision < 0 ? -1 : precision;
            p++;
        } else {
            spec->precision = 0;
            while (*p >= '0' && *p <= '9')
                spec->precision = spec->precision * 10 + (*p++ - '0');
        }
    }

    if (p[0] == 'h' && p[1] == 'h') {
        spec->length = LEN_HH;
        p += 2;
    } else if (p[0] == 'l' && p[1] == 'l') {
        spec->length = LEN_LL;
        p += 2;
    } else if (*p == 'h') {
        spec->length = LEN_H;
        p++;
    } else if (*p == 'l') {
        spec->length = LEN_L;
        p++;
    } else if (*p == 'z') {
        spec->length = LEN_Z;
        p++;
    } else if (*p == 't') {
        spec->length = LEN_T;
        p++;
    } else if (*p == 'j') {
        spec->length = LEN_J;
        p++;
    }
    return p;
}

/* Handle one conversion whose character is *p; returns false for an unknown one. */
static bool convert(struct format_output *out, struct format_spec *spec, char conversion,
                    va_list *args)
{
    switch (conversion) {
    /* LAB 1 BEGIN: format_integer_conversions */
    case 'd':
    case 'i': {
        int64_t value = next_signed(args, spec->length);
        /* Negate in unsigned arithmetic, so INT64_MIN does not overflow. */
        uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
        const char *sign = value < 0 ? "-" : spec->plus_sign ? "+" : spec->space_sign ? " " : "";
        write_integer(out, spec, magnitude, 10, false, sign);
        return true;
    }
    case 'u':
        write_integer(out, spec, next_unsigned(args, spec->length), 10, false, "");
        return true;
    case 'o':
        write_integer(out, spec, next_unsigned(args, spec->length), 8, false, "");
        return true;
    case 'x':
    case 'X': {
        uint64_t value = next_unsigned(args, spec->length);
        bool upper = conversion == 'X';
        /* '#' adds 0x only to a nonzero value. */
        const char *prefix = spec->alternate && value != 0 ? (upper ? "0X" : "0x") : "";
        write_integer(out, spec, value, 16, upper, prefix);
        return true;
    }
    case 'p': {
        /* Always 0x and lowercase hex, the null pointer included. */
        uint64_t value = (uintptr_t)va_arg(*args, void *);
        write_integer(out, spec, value, 16, false, "0x");
        return true;
    }
    /* LAB 1 END: format_integer_conversions */
    case 's': write_chars(out, spec, va_arg(*args, const char *)); return true;
    case 'c': write_char(out, spec, (char)va_arg(*args, int)); return true;
    case '%': put(out, '%'); return true;
    default: return false;
    }
}

int format_emit(format_emit_fn emit, void *context, const char *fmt, va_list args)
{
    struct format_output out = {.emit = emit, .context = context, .count = 0};
    va_list ap;
    va_copy(ap, args);

    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            put(&out, *p);
            continue;
        }
        const char *start = p;
        struct format_spec spec;
        p = parse_spec(p + 1, &spec, &ap);
        if (*p == '\0' || !convert(&out, &spec, *p, &ap)) {
            /* An unknown conversion is printed as written, so the mistake shows. */
            const char *end = *p == '\0' ? p : p + 1;
            put_string(&out, start, (int)(end - start));
            if (*p == '\0')
                break;
        }
    }
    va_end(ap);
    return out.count;
}

/* A buffer that keeps the first size - 1 characters. */
struct buffer_sink {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_emit(void *context, char c)
{
    struct buffer_sink *sink = context;
    if (sink->used + 1 < sink->size)
        sink->buf[sink->used] = c;
    sink->used++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct buffer_sink sink = {.buf = buf, .size = size, .used = 0};
    int count = format_emit(buffer_emit, &sink, fmt, args);
    if (size > 0)
        buf[sink.used < size ? sink.used : size - 1] = '\0';
    return count;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int count = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return count;
}
