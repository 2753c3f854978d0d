/*
 * sbi.h: calls into the Supervisor Binary Interface (OpenSBI, in M-mode).
 *
 * An SBI call is an `ecall` from S-mode with the extension id in a7, the
 * function id in a6 and arguments in a0..a5. OpenSBI answers with an error
 * code in a0 and a value in a1 (SBI spec, chapter "Binary Encoding").
 */
#ifndef SBI_SBI_H
#define SBI_SBI_H

#include <stdbool.h>
#include <stdint.h>

/* Extension ids: the ASCII of their names, or small numbers for legacy ones. */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR   0x01
#define SBI_EXT_LEGACY_GETCHAR   0x02
#define SBI_EXT_BASE             0x10
#define SBI_EXT_TIME             0x54494D45 /* "TIME" */
#define SBI_EXT_HSM              0x48534D   /* "HSM" */
#define SBI_EXT_SRST             0x53525354 /* "SRST" */
#define SBI_EXT_DBCN             0x4442434E /* "DBCN" */

/* Standard SBI error codes. */
#define SBI_SUCCESS           0
#define SBI_ERR_FAILED        -1
#define SBI_ERR_NOT_SUPPORTED -2

/* System reset types and reasons (SRST). */
#define SBI_RESET_SHUTDOWN    0
#define SBI_RESET_COLD_REBOOT 1
#define SBI_REASON_NONE       0
#define SBI_REASON_FAILURE    1

struct sbiret {
    long error;
    long value;
};

/* The one ecall wrapper: every other function here goes through it. */
struct sbiret sbi_ecall(long ext, long fid, long a0, long a1, long a2, long a3, long a4, long a5);

/* Base extension. */
long sbi_get_spec_version(void); /* major << 24 | minor */
long sbi_get_impl_id(void);
long sbi_get_impl_version(void);
bool sbi_probe_extension(long ext);
const char *sbi_impl_name(long impl_id);

/* Probe the optional extensions once; call before anything below. */
void sbi_init(void);
bool sbi_has_dbcn(void);
bool sbi_has_srst(void);
bool sbi_has_time(void);

/* Console: DBCN where present, the legacy calls otherwise. */
void sbi_console_putchar(char c);
void sbi_console_write(const char *buf, uint64_t len);
int sbi_console_getchar(void); /* -1 when nothing is waiting */

/* Timer: the next timer interrupt fires when `time` reaches stime_value. */
void sbi_set_timer(uint64_t stime_value);

/* System reset. Returns only if the call failed. */
void sbi_system_reset(uint32_t type, uint32_t reason);

#endif
