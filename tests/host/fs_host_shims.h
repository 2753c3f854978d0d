/*
 * fs_host_shims.h: what the file-system host tests add to the kernel
 * functions they stand in for (fs_host_shims.c): a block device over an image
 * file, with injected I/O errors; a fixed clock; and the last log line, so a
 * test can check that a refused mount names its reason.
 */
#ifndef FS_HOST_SHIMS_H
#define FS_HOST_SHIMS_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/block_device.h"

/* Open `path` as a block device of 512-byte sectors. NULL (with a message) on failure. */
struct block_device *fs_host_image_open(const char *path, bool read_only);
void fs_host_image_close(struct block_device *dev);

/*
 * Fault injection: after `ops_before_failure` more successful transfers of the
 * given kind, every one fails with -EIO. -1 turns it off (the default).
 */
void fs_host_image_fail_reads_after(struct block_device *dev, long ops_before_failure);
void fs_host_image_fail_writes_after(struct block_device *dev, long ops_before_failure);
/* Successful driver calls so far (one per block the cache moves). */
uint64_t fs_host_image_reads(const struct block_device *dev);
uint64_t fs_host_image_writes(const struct block_device *dev);

/* The clock the tests give ext2: it says fs_host_clock_now, so timestamps can be checked exactly.
 */
#define FS_HOST_CLOCK_SECONDS 1700000000u
extern uint32_t fs_host_clock_now; /* starts at FS_HOST_CLOCK_SECONDS */
uint32_t fs_host_clock(void);

/* The last line logged at WARN or ERROR (empty if none since the last clear). */
extern char fs_host_last_log[512];
void fs_host_clear_log(void);
/* Log lines are printed to stderr unless this is false (tests that expect many warnings). */
extern bool fs_host_log_to_stderr;

#endif
