/*
 * elf.h: reading ELF64 executables, before the kernel trusts a byte of them.
 *
 * elf_check() validates a whole image against everything the loader relies
 * on; only then does elf_next_segment() hand out the PT_LOAD segments, from
 * which execve builds the user MemorySet. The reader is pure C (it needs only
 * lib/string.h and abi/errno.h), so tests/host/test_elf.c runs it on the host
 * under AddressSanitizer, with corrupted and random images.
 *
 *     struct elf_info info;
 *     if (elf_check(image, size, &info) < 0)
 *         log("execve %s: %s (program header %d, value 0x%lx)", name,
 *             info.error, info.error_segment, info.error_value);
 *     size_t cursor = 0;
 *     struct elf_segment segment;
 *     while (elf_next_segment(&info, &cursor, &segment))
 *         ... map [segment.vaddr, segment.vaddr + segment.memsz) ...
 */
#ifndef EXEC_ELF_H
#define EXEC_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Segments must lie in [ELF_USER_START, ELF_USER_END): user space minus page 0. */
#define ELF_USER_START 0x1000UL       /* page 0 is never mapped, so NULL always faults */
#define ELF_USER_END   0x4000000000UL /* Sv39's lower half ends here */
#define ELF_PAGE_SIZE  4096UL
#define ELF_MAX_PHNUM  64 /* more program headers than this is not a program of ours */

struct elf_info {
    const uint8_t *image; /* the file, as given to elf_check */
    size_t size;
    uint64_t entry;          /* where the program starts: inside an executable segment */
    size_t load_count;       /* PT_LOAD segments that occupy memory (memsz > 0) */
    uint64_t lowest_address; /* the first byte any segment loads to */
    uint64_t end_address;    /* one past the last byte: the heap (brk) starts at the page above */
    uint64_t phoff;          /* where the program headers are in the file */
    uint16_t phnum;          /* how many */

    /* Set when elf_check fails (error is NULL on success), for the kernel log. */
    const char *error;    /* what is wrong, e.g. "segment reaches past user space" */
    int error_segment;    /* the program header it is about, or -1 */
    uint64_t error_value; /* the value that is wrong (an address, a size, a field) */
};

/* One PT_LOAD segment: memsz bytes at vaddr; the first filesz come from data, the rest are 0. */
struct elf_segment {
    uint64_t vaddr; /* not necessarily page-aligned: the loader rounds down */
    uint64_t memsz;
    const uint8_t *data; /* inside the image */
    uint64_t filesz;     /* <= memsz */
    bool readable;
    bool writable; /* never together with executable */
    bool executable;
};

/*
 * Check that image[0..size) is an ELF file this kernel can load:
 *   - magic, 64-bit class, little-endian, version 1, RISC-V, ET_EXEC;
 *   - program headers of the right size, at most ELF_MAX_PHNUM, inside the file;
 *   - no PT_INTERP or PT_DYNAMIC (only static programs);
 *   - every PT_LOAD: filesz <= memsz, its bytes inside the file, p_align 0 or a
 *     power of two with vaddr = offset (mod p_align), inside
 *     [ELF_USER_START, ELF_USER_END), readable if writable (RISC-V has no
 *     write-only pages), not both writable and executable, and sharing no
 *     page with another segment (each page gets one set of permissions);
 *   - at least one segment, and the entry point in an executable one.
 * Returns 0 and fills *info, or -ENOEXEC with info->error saying why.
 * Every rejection is -ENOEXEC, as Linux's execve gives for a bad ELF.
 * Reads only inside image[0..size), whatever the bytes say.
 */
int elf_check(const void *image, size_t size, struct elf_info *info);

/*
 * The next PT_LOAD segment with memsz > 0 at or after program header *cursor
 * (start with *cursor = 0). Fills *segment, advances *cursor and returns
 * true, or returns false when there are no more. `info` must come from a
 * successful elf_check.
 */
bool elf_next_segment(const struct elf_info *info, size_t *cursor, struct elf_segment *segment);

#endif
