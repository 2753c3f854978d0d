/*
 * limits.h: the ranges of the integer types on RV64 (LP64).
 */
#ifndef LIMITS_H
#define LIMITS_H

#define CHAR_BIT  8
#define SCHAR_MIN (-128)
#define SCHAR_MAX 127
#define UCHAR_MAX 255
#define SHRT_MIN  (-32768)
#define SHRT_MAX  32767
#define USHRT_MAX 65535
#define INT_MIN   (-INT_MAX - 1)
#define INT_MAX   2147483647
#define UINT_MAX  4294967295U
#define LONG_MIN  (-LONG_MAX - 1L)
#define LONG_MAX  9223372036854775807L
#define ULONG_MAX 18446744073709551615UL

#endif
