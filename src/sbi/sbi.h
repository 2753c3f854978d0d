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
#define SBI_EXT_IPI              0x735049   /* "sPI" */
#define SBI_EXT_RFENCE           0x52464E43 /* "RFNC" */
#define SBI_EXT_HSM              0x48534D   /* "HSM" */
#define SBI_EXT_SRST             0x53525354 /* "SRST" */
#define SBI_EXT_DBCN             0x4442434E /* "DBCN" */

/* Standard SBI error codes. */
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

/* A hart's state in the HSM extension (hart_get_status). */
#define SBI_HSM_STARTED       0
#define SBI_HSM_STOPPED       1
#define SBI_HSM_START_PENDING 2
#define SBI_HSM_STOP_PENDING  3

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
bool sbi_has_ipi(void);
bool sbi_has_rfence(void);
bool sbi_has_hsm(void);

/* Console: DBCN where present, the legacy calls otherwise. */
void sbi_console_putchar(char c);
void sbi_console_write(const char *buf, uint64_t len);
int sbi_console_getchar(void); /* -1 when nothing is waiting */

/* Timer: the next timer interrupt fires when `time` reaches stime_value. */
void sbi_set_timer(uint64_t stime_value);

/*
 * Several harts (SBI spec v0.2 on, chapters IPI, RFENCE and HSM). A set of
 * harts is a 64-bit mask of hart ids counted from hart_mask_base: bit i
 * names hart hart_mask_base + i. hart_mask_base = -1 (SBI_HART_MASK_ALL)
 * means every hart, and the mask is ignored.
 */
#define SBI_HART_MASK_ALL (-1L)

/*
 * Raise the supervisor software interrupt (sip.SSIP) on the harts in the
 * mask. Returns at once: the firmware does not wait for the harts to take
 * it. 0 or an SBI error.
 */
long sbi_send_ipi(uint64_t hart_mask, long hart_mask_base);

/*
 * Have the harts in the mask execute sfence.vma for [start, start + size)
 * (one sfence.vma per 4 KiB page, or a full flush when size is 0 or -1 or
 * too large). OpenSBI returns only when every target hart has done it: it
 * interrupts them in M-mode, so it works even while their S-mode interrupts
 * are off. 0 or an SBI error.
 */
long sbi_remote_sfence_vma(uint64_t hart_mask, long hart_mask_base, uint64_t start, uint64_t size);

/*
 * Start hart `hartid`, parked in the firmware, at physical address
 * `start_pa` in S-mode with paging off (satp = 0), sstatus.SIE = 0,
 * a0 = its hart id and a1 = `opaque`. 0 or an SBI error
 * (SBI_ERR_ALREADY_AVAILABLE: it already runs).
 */
long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque);

/* SBI_HSM_STARTED, _STOPPED, ... of a hart, or a negative SBI error. */
long sbi_hart_get_status(uint64_t hartid);

/* System reset. Returns only if the call failed. */
void sbi_system_reset(uint32_t type, uint32_t reason);

#endif
