/*
 * elf.c: the ELF64 reader behind execve. See elf.h for what it checks.
 *
 * An ELF executable starts with a 64-byte file header; e_phoff points at an
 * array of program headers, and each PT_LOAD header says "put filesz bytes
 * from file offset p_offset at address p_vaddr, and zeros up to p_memsz".
 * Sections (.text, .data, ...) matter only to the linker: a loader never
 * looks at them.
 *
 * Headers are copied out of the image with memcpy, because the image may sit
 * at any alignment. The fields are little-endian, which elf_check makes sure
 * of, and so are RISC-V and the hosts the tests run on.
 */
#include "exec/elf.h"

#include "abi/errno.h"
#include "lib/string.h"

/* The file header (ELF64_Ehdr in the specification). */
struct elf_file_header {
    uint8_t ident[16]; /* magic, class, data (endianness), version, OS ABI, padding */
    uint16_t type;     /* ET_EXEC: a program at fixed addresses */
    uint16_t machine;  /* EM_RISCV */
    uint32_t version;
    uint64_t entry;
    uint64_t phoff; /* program header table's file offset */
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize; /* size of one program header */
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

/* One program header (ELF64_Phdr). */
struct elf_program_header {
    uint32_t type;  /* PT_LOAD, ... */
    uint32_t flags; /* PF_R, PF_W, PF_X */
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

_Static_assert(sizeof(struct elf_file_header) == 64, "ELF64 file header is 64 bytes");
_Static_assert(sizeof(struct elf_program_header) == 56, "ELF64 program header is 56 bytes");

/* The constants of the ELF specification and the RISC-V psABI that are used here. */
#define ELF_CLASS_64        2   /* ident[4] */
#define ELF_DATA_LITTLE     1   /* ident[5] */
#define ELF_VERSION_1       1   /* ident[6] and version */
#define ELF_TYPE_EXEC       2   /* ET_EXEC */
#define ELF_TYPE_DYN        3   /* ET_DYN: shared object or position-independent program */
#define ELF_MACHINE_RISCV   243 /* EM_RISCV */
#define ELF_SEGMENT_LOAD    1   /* PT_LOAD */
#define ELF_SEGMENT_DYNAMIC 2   /* PT_DYNAMIC */
#define ELF_SEGMENT_INTERP  3   /* PT_INTERP: "run me with this dynamic linker" */
#define ELF_FLAG_X          1   /* PF_X */
#define ELF_FLAG_W          2   /* PF_W */
#define ELF_FLAG_R          4   /* PF_R */

/* Record why the image is refused, and return the error. */
static int refuse(struct elf_info *info, const char *why, int segment, uint64_t value)
{
    info->error = why;
    info->error_segment = segment;
    info->error_value = value;
    return -ENOEXEC;
}

static void read_program_header(const struct elf_info *info, size_t index,
                                struct elf_program_header *header)
{
    memcpy(header, info->image + info->phoff + index * sizeof(*header), sizeof(*header));
}

static int check_file_header(const struct elf_file_header *header, struct elf_info *info)
{
    const uint8_t *id = header->ident;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return refuse(info, "no ELF magic (\\x7fELF)", -1, id[0]);
    if (id[4] != ELF_CLASS_64)
        return refuse(info, "not a 64-bit ELF (class is not ELFCLASS64)", -1, id[4]);
    if (id[5] != ELF_DATA_LITTLE)
        return refuse(info, "not little-endian (data is not ELFDATA2LSB)", -1, id[5]);
    if (id[6] != ELF_VERSION_1 || header->version != ELF_VERSION_1)
        return refuse(info, "unknown ELF version", -1, header->version);
    if (header->type == ELF_TYPE_DYN)
        return refuse(info, "position-independent (ET_DYN): only static ET_EXEC programs load", -1,
                      header->type);
    if (header->type != ELF_TYPE_EXEC)
        return refuse(info, "not an executable (type is not ET_EXEC)", -1, header->type);
    if (header->machine != ELF_MACHINE_RISCV)
        return refuse(info, "not a RISC-V program (machine is not EM_RISCV)", -1, header->machine);
    if (header->phentsize != sizeof(struct elf_program_header))
        return refuse(info, "program header size is not 56", -1, header->phentsize);
    if (header->phnum == 0)
        return refuse(info, "no program headers", -1, 0);
    if (header->phnum > ELF_MAX_PHNUM)
        return refuse(info, "too many program headers", -1, header->phnum);
    /* phoff + phnum * 56 <= size, written so that a huge phoff cannot wrap around. */
    uint64_t table_size = (uint64_t)header->phnum * sizeof(struct elf_program_header);
    if (header->phoff > info->size || table_size > info->size - header->phoff)
        return refuse(info, "program headers lie past the end of the file", -1, header->phoff);
    return 0;
}

static bool is_power_of_two(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* Everything about one PT_LOAD header that does not involve the other segments. */
static int check_load_segment(const struct elf_program_header *ph, int index, struct elf_info *info)
{
    if (ph->filesz > ph->memsz)
        return refuse(info, "file size is larger than memory size", index, ph->filesz);
    if (ph->offset > info->size || ph->filesz > info->size - ph->offset)
        return refuse(info, "segment's bytes lie past the end of the file", index, ph->offset);
    /*
     * Occupies nothing: the loader skips it. The linker leaves such a segment
     * where a program has no read-only data, at address 0 and any offset.
     */
    if (ph->memsz == 0)
        return 0;
    if (ph->align > 1 && !is_power_of_two(ph->align))
        return refuse(info, "alignment is not a power of two", index, ph->align);
    if (ph->align > 1 && (ph->vaddr - ph->offset) % ph->align != 0)
        return refuse(info, "address and file offset differ modulo the alignment", index,
                      ph->vaddr);
    if (ph->vaddr < ELF_USER_START)
        return refuse(info, "segment starts in page 0, which stays unmapped", index, ph->vaddr);
    if (ph->vaddr >= ELF_USER_END || ph->memsz > ELF_USER_END - ph->vaddr)
        return refuse(info, "segment reaches past user space", index, ph->vaddr);
    if ((ph->flags & ELF_FLAG_W) && (ph->flags & ELF_FLAG_X))
        return refuse(info, "segment is both writable and executable", index, ph->flags);
    if ((ph->flags & ELF_FLAG_W) && !(ph->flags & ELF_FLAG_R))
        return refuse(info, "segment is writable but not readable", index, ph->flags);
    return 0;
}

static uint64_t page_down(uint64_t address)
{
    return address & ~(ELF_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t address)
{
    return page_down(address + ELF_PAGE_SIZE - 1);
}

/* Two segments may not share even one page: a page has one set of permissions. */
static int check_no_overlap(struct elf_info *info)
{
    for (size_t i = 0; i < info->phnum; i++) {
        struct elf_program_header a;
        read_program_header(info, i, &a);
        if (a.type != ELF_SEGMENT_LOAD || a.memsz == 0)
            continue;
        for (size_t j = i + 1; j < info->phnum; j++) {
            struct elf_program_header b;
            read_program_header(info, j, &b);
            if (b.type != ELF_SEGMENT_LOAD || b.memsz == 0)
                continue;
            bool apart = page_up(a.vaddr + a.memsz) <= page_down(b.vaddr) ||
                         page_up(b.vaddr + b.memsz) <= page_down(a.vaddr);
            if (!apart)
                return refuse(info, "segment shares a page with another segment", (int)j, b.vaddr);
        }
    }
    return 0;
}

/* Check every program header, and gather the extent of the loaded segments. */
static int check_program_headers(struct elf_info *info)
{
    for (size_t i = 0; i < info->phnum; i++) {
        struct elf_program_header ph;
        read_program_header(info, i, &ph);
        if (ph.type == ELF_SEGMENT_INTERP || ph.type == ELF_SEGMENT_DYNAMIC)
            return refuse(info, "dynamically linked: only static programs load", (int)i, ph.type);
        if (ph.type != ELF_SEGMENT_LOAD)
            continue; /* notes, stack flags, RISC-V attributes: nothing to load */
        int error = check_load_segment(&ph, (int)i, info);
        if (error < 0)
            return error;
        if (ph.memsz == 0)
            continue;
        if (info->load_count == 0 || ph.vaddr < info->lowest_address)
            info->lowest_address = ph.vaddr;
        if (ph.vaddr + ph.memsz > info->end_address)
            info->end_address = ph.vaddr + ph.memsz;
        info->load_count++;
    }
    if (info->load_count == 0)
        return refuse(info, "no loadable segment", -1, 0);
    return check_no_overlap(info);
}

static int check_entry(struct elf_info *info)
{
    size_t cursor = 0;
    struct elf_segment segment;
    while (elf_next_segment(info, &cursor, &segment)) {
        if (segment.executable && info->entry >= segment.vaddr &&
            info->entry - segment.vaddr < segment.memsz)
            return 0;
    }
    return refuse(info, "entry point is not in an executable segment", -1, info->entry);
}

int elf_check(const void *image, size_t size, struct elf_info *info)
{
    memset(info, 0, sizeof(*info));
    info->image = image;
    info->size = size;
    info->error_segment = -1;
    if (image == NULL || size < sizeof(struct elf_file_header))
        return refuse(info, "smaller than an ELF file header", -1, size);

    struct elf_file_header header;
    memcpy(&header, image, sizeof(header));
    int error = check_file_header(&header, info);
    if (error < 0)
        return error;
    info->entry = header.entry;
    info->phoff = header.phoff;
    info->phnum = header.phnum;

    error = check_program_headers(info);
    if (error < 0)
        return error;
    return check_entry(info);
}

bool elf_next_segment(const struct elf_info *info, size_t *cursor, struct elf_segment *segment)
{
    while (*cursor < info->phnum) {
        struct elf_program_header ph;
        read_program_header(info, *cursor, &ph);
        (*cursor)++;
        if (ph.type != ELF_SEGMENT_LOAD || ph.memsz == 0)
            continue;
        segment->vaddr = ph.vaddr;
        segment->memsz = ph.memsz;
        segment->data = info->image + ph.offset;
        segment->filesz = ph.filesz;
        segment->readable = (ph.flags & ELF_FLAG_R) != 0;
        segment->writable = (ph.flags & ELF_FLAG_W) != 0;
        segment->executable = (ph.flags & ELF_FLAG_X) != 0;
        return true;
    }
    return false;
}
