/*
 * dirent.h: what getdents64 writes: one record per directory entry, each
 * 8-byte aligned, as Linux's struct linux_dirent64.
 */
#ifndef ABI_DIRENT_H
#define ABI_DIRENT_H

#include <stdint.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;     /* where the next record starts: give it to lseek to come back */
    uint16_t d_reclen; /* this record's length, padding included */
    uint8_t d_type;    /* DT_* */
    char d_name[];     /* NUL-terminated */
};

#define DIRENT64_HEADER_SIZE 19 /* offsetof(struct linux_dirent64, d_name) */

/* d_type: the mode's type bits shifted down by 12. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#endif
