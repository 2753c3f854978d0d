/*
 * test_elf.c: the ELF reader (src/exec/elf.c) on the host, under ASan/UBSan.
 *
 * Three kinds of input:
 *   - the real user programs the build just made (USER_ELF_DIR), which must
 *     all pass, in their full and their packed (stripped) forms;
 *   - a small hand-built image, broken one field at a time, where each
 *     break must be refused with -ENOEXEC and the reason that names it;
 *   - thousands of randomly damaged images, which must never make the
 *     reader touch a byte outside the buffer (ASan would stop the test), and
 *     whatever passes must still satisfy every promise of elf.h.
 * The image layouts come from glibc's <elf.h>, not from the code under test.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/errno.h"
#include "exec/elf.h"

/* ---- A hand-built image: text R+X at 0x10000, data R+W at 0x11000 --------------- */

#define TEXT_OFFSET 0x1000
#define DATA_OFFSET 0x2000
#define IMAGE_SIZE  0x2080

struct image {
    uint8_t bytes[IMAGE_SIZE];
};

static Elf64_Ehdr *header_of(struct image *image)
{
    return (Elf64_Ehdr *)image->bytes;
}

static Elf64_Phdr *phdr_of(struct image *image, int index)
{
    return (Elf64_Phdr *)(image->bytes + sizeof(Elf64_Ehdr)) + index;
}

static void build_image(struct image *image)
{
    memset(image, 0, sizeof(*image));
    Elf64_Ehdr *eh = header_of(image);
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_RISCV;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x10000;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 2;

    *phdr_of(image, 0) = (Elf64_Phdr){.p_type = PT_LOAD,
                                      .p_flags = PF_R | PF_X,
                                      .p_offset = TEXT_OFFSET,
                                      .p_vaddr = 0x10000,
                                      .p_paddr = 0x10000,
                                      .p_filesz = 0x100,
                                      .p_memsz = 0x100,
                                      .p_align = 0x1000};
    *phdr_of(image, 1) = (Elf64_Phdr){.p_type = PT_LOAD,
                                      .p_flags = PF_R | PF_W,
                                      .p_offset = DATA_OFFSET,
                                      .p_vaddr = 0x11000,
                                      .p_paddr = 0x11000,
                                      .p_filesz = 0x80,
                                      .p_memsz = 0x2000,
                                      .p_align = 0x1000};
    for (int i = 0; i < 0x100; i++)
        image->bytes[TEXT_OFFSET + i] = (uint8_t)i;
    for (int i = 0; i < 0x80; i++)
        image->bytes[DATA_OFFSET + i] = (uint8_t)(0xa0 + i);
}

/*
 * Check `size` bytes of image in a heap buffer of exactly that size, so
 * ASan reports any read past the end.
 */
static int check_exact(const void *bytes, size_t size, struct elf_info *info)
{
    uint8_t *copy = malloc(size > 0 ? size : 1);
    cr_assert_not_null(copy);
    memcpy(copy, bytes, size);
    int result = elf_check(copy, size, info);
    /* The info points into the copy: only the error fields are used after this. */
    free(copy);
    info->image = NULL;
    return result;
}

/* The image must be refused with -ENOEXEC, for a reason that contains `why`. */
static void expect_refused(struct image *image, size_t size, const char *why)
{
    struct elf_info info;
    int result = check_exact(image->bytes, size, &info);
    cr_assert_eq(result, -ENOEXEC, "expected -ENOEXEC (%s), got %d", why, result);
    cr_assert_not_null(info.error, "no reason given (expected one about '%s')", why);
    cr_expect(strstr(info.error, why) != NULL, "reason '%s' does not mention '%s'", info.error,
              why);
}

static void expect_accepted(struct image *image)
{
    struct elf_info info;
    int result = check_exact(image->bytes, sizeof(image->bytes), &info);
    cr_assert_eq(result, 0, "refused: %s (program header %d, value 0x%lx)", info.error,
                 info.error_segment, (unsigned long)info.error_value);
    cr_assert_null(info.error);
}

Test(elf_built, the_base_image_passes_and_reports_its_extent)
{
    struct image image;
    build_image(&image);
    struct elf_info info;
    cr_assert_eq(elf_check(image.bytes, sizeof(image.bytes), &info), 0, "%s", info.error);
    cr_expect_eq(info.entry, 0x10000u);
    cr_expect_eq(info.load_count, 2u);
    cr_expect_eq(info.lowest_address, 0x10000u);
    cr_expect_eq(info.end_address, 0x13000u);
    cr_expect_eq(info.error_segment, -1);
}

Test(elf_built, the_iterator_gives_each_load_segment_exactly)
{
    struct image image;
    build_image(&image);
    struct elf_info info;
    cr_assert_eq(elf_check(image.bytes, sizeof(image.bytes), &info), 0);
    size_t cursor = 0;
    struct elf_segment s;

    cr_assert(elf_next_segment(&info, &cursor, &s));
    cr_expect_eq(s.vaddr, 0x10000u);
    cr_expect_eq(s.memsz, 0x100u);
    cr_expect_eq(s.filesz, 0x100u);
    cr_expect_eq(s.data, image.bytes + TEXT_OFFSET);
    cr_expect(s.readable && !s.writable && s.executable);

    cr_assert(elf_next_segment(&info, &cursor, &s));
    cr_expect_eq(s.vaddr, 0x11000u);
    cr_expect_eq(s.memsz, 0x2000u);
    cr_expect_eq(s.filesz, 0x80u);
    cr_expect_eq(s.data, image.bytes + DATA_OFFSET);
    cr_expect_eq(s.data[0], 0xa0);
    cr_expect(s.readable && s.writable && !s.executable);

    cr_expect_not(elf_next_segment(&info, &cursor, &s));
    cr_expect_not(elf_next_segment(&info, &cursor, &s));
}

Test(elf_built, headers_it_does_not_load_are_skipped)
{
    struct image image;
    build_image(&image);
    Elf64_Ehdr *eh = header_of(&image);
    eh->e_phnum = 4;
    /* Move the two loads after a note and an empty load (in the kernel half: it loads nothing). */
    *phdr_of(&image, 3) = *phdr_of(&image, 1);
    *phdr_of(&image, 2) = *phdr_of(&image, 0);
    *phdr_of(&image, 0) = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = 0x10, .p_filesz = 4};
    *phdr_of(&image, 1) = (Elf64_Phdr){.p_type = PT_LOAD, .p_vaddr = 0xffffffff80000000ul};
    expect_accepted(&image);

    struct elf_info info;
    cr_assert_eq(elf_check(image.bytes, sizeof(image.bytes), &info), 0);
    cr_expect_eq(info.load_count, 2u);
    size_t cursor = 0;
    struct elf_segment s;
    int count = 0;
    while (elf_next_segment(&info, &cursor, &s))
        count++;
    cr_expect_eq(count, 2);
}

Test(elf_built, unaligned_segments_that_keep_offset_and_address_in_step_pass)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_offset = DATA_OFFSET + 0x10;
    phdr_of(&image, 1)->p_vaddr = 0x11010;
    phdr_of(&image, 1)->p_filesz = 0x70;
    expect_accepted(&image);
    phdr_of(&image, 1)->p_align = 0; /* 0 and 1 mean "no alignment" */
    phdr_of(&image, 1)->p_vaddr = 0x11234;
    expect_accepted(&image);
    phdr_of(&image, 1)->p_align = 1;
    expect_accepted(&image);
}

Test(elf_built, a_segment_may_end_exactly_at_the_end_of_user_space)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = ELF_USER_END - 0x2000;
    expect_accepted(&image);
}

/* ---- The battery: one broken field at a time ---------------------------------------- */

Test(elf_refused, truncated_files)
{
    struct image image;
    build_image(&image);
    expect_refused(&image, 0, "smaller than an ELF file header");
    expect_refused(&image, 10, "smaller than an ELF file header");
    expect_refused(&image, sizeof(Elf64_Ehdr) - 1, "smaller than an ELF file header");
    expect_refused(&image, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), "program headers");
    expect_refused(&image, TEXT_OFFSET + 0x80, "past the end of the file");
    expect_refused(&image, IMAGE_SIZE - 1, "past the end of the file");

    struct elf_info info;
    cr_expect_eq(elf_check(NULL, 100, &info), -ENOEXEC);
}

Test(elf_refused, bad_magic)
{
    for (int i = 0; i < SELFMAG; i++) {
        struct image image;
        build_image(&image);
        image.bytes[i] ^= 0x20;
        expect_refused(&image, sizeof(image.bytes), "magic");
    }
}

Test(elf_refused, wrong_class_endianness_or_version)
{
    struct image image;
    build_image(&image);
    image.bytes[EI_CLASS] = ELFCLASS32;
    expect_refused(&image, sizeof(image.bytes), "64-bit");
    image.bytes[EI_CLASS] = ELFCLASSNONE;
    expect_refused(&image, sizeof(image.bytes), "64-bit");

    build_image(&image);
    image.bytes[EI_DATA] = ELFDATA2MSB;
    expect_refused(&image, sizeof(image.bytes), "little-endian");

    build_image(&image);
    image.bytes[EI_VERSION] = 0;
    expect_refused(&image, sizeof(image.bytes), "version");
    build_image(&image);
    header_of(&image)->e_version = 2;
    expect_refused(&image, sizeof(image.bytes), "version");
}

Test(elf_refused, wrong_machine)
{
    int machines[] = {EM_X86_64, EM_AARCH64, EM_386, 0};
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        struct image image;
        build_image(&image);
        header_of(&image)->e_machine = (Elf64_Half)machines[i];
        expect_refused(&image, sizeof(image.bytes), "RISC-V");
    }
}

Test(elf_refused, wrong_type)
{
    struct image image;
    build_image(&image);
    header_of(&image)->e_type = ET_DYN;
    expect_refused(&image, sizeof(image.bytes), "ET_DYN");
    int others[] = {ET_NONE, ET_REL, ET_CORE, 0xfe00};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        header_of(&image)->e_type = (Elf64_Half)others[i];
        expect_refused(&image, sizeof(image.bytes), "ET_EXEC");
    }
}

Test(elf_refused, program_header_table_problems)
{
    struct image image;
    build_image(&image);
    header_of(&image)->e_phentsize = 32;
    expect_refused(&image, sizeof(image.bytes), "program header size");

    build_image(&image);
    header_of(&image)->e_phnum = 0;
    expect_refused(&image, sizeof(image.bytes), "no program headers");
    header_of(&image)->e_phnum = ELF_MAX_PHNUM + 1;
    expect_refused(&image, sizeof(image.bytes), "too many");
    header_of(&image)->e_phnum = 0xffff; /* PN_XNUM */
    expect_refused(&image, sizeof(image.bytes), "too many");

    build_image(&image);
    header_of(&image)->e_phoff =
        IMAGE_SIZE - sizeof(Elf64_Phdr); /* the second one is past the end */
    expect_refused(&image, sizeof(image.bytes), "past the end");
    header_of(&image)->e_phoff = IMAGE_SIZE + 1;
    expect_refused(&image, sizeof(image.bytes), "past the end");
    header_of(&image)->e_phoff = UINT64_MAX - 8; /* phoff + table size wraps around */
    expect_refused(&image, sizeof(image.bytes), "past the end");
    header_of(&image)->e_phoff = 1ull << 63;
    expect_refused(&image, sizeof(image.bytes), "past the end");
}

Test(elf_refused, segment_bytes_outside_the_file)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_offset = IMAGE_SIZE + 0x1000;
    phdr_of(&image, 1)->p_vaddr = 0x11000 + 0x1000; /* keep offset and address in step */
    expect_refused(&image, sizeof(image.bytes), "past the end of the file");

    build_image(&image);
    phdr_of(&image, 1)->p_filesz = IMAGE_SIZE; /* starts inside, ends outside */
    phdr_of(&image, 1)->p_memsz = IMAGE_SIZE;
    expect_refused(&image, sizeof(image.bytes), "past the end of the file");

    /* offset + filesz wraps around to a small number: must still be refused. */
    build_image(&image);
    phdr_of(&image, 1)->p_offset = UINT64_MAX - 0xfff; /* = -0x1000, in step with 0x11000 */
    phdr_of(&image, 1)->p_filesz = 0x2000;
    phdr_of(&image, 1)->p_memsz = 0x2000;
    expect_refused(&image, sizeof(image.bytes), "past the end of the file");

    build_image(&image);
    phdr_of(&image, 1)->p_filesz = UINT64_MAX;
    phdr_of(&image, 1)->p_memsz = UINT64_MAX;
    expect_refused(&image, sizeof(image.bytes), "past the end of the file");
}

Test(elf_refused, file_size_larger_than_memory_size)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_memsz = 0x7f; /* filesz is 0x80 */
    expect_refused(&image, sizeof(image.bytes), "file size is larger than memory size");
}

Test(elf_refused, segments_outside_user_space)
{
    uint64_t addresses[] = {0xffffffff80200000ull, ELF_USER_END, 1ull << 63, 0x8000000000ull};
    for (size_t i = 0; i < sizeof(addresses) / sizeof(addresses[0]); i++) {
        struct image image;
        build_image(&image);
        phdr_of(&image, 1)->p_vaddr = addresses[i];
        expect_refused(&image, sizeof(image.bytes), "past user space");
    }

    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = ELF_USER_END - 0x1000; /* starts inside, ends outside */
    expect_refused(&image, sizeof(image.bytes), "past user space");

    build_image(&image);
    phdr_of(&image, 1)->p_memsz = UINT64_MAX - 0x10fff; /* vaddr + memsz wraps to 0 */
    expect_refused(&image, sizeof(image.bytes), "past user space");

    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0; /* page 0 must stay unmapped */
    expect_refused(&image, sizeof(image.bytes), "page 0");
}

Test(elf_refused, overlapping_segments)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0x10000; /* the same place as text */
    expect_refused(&image, sizeof(image.bytes), "shares a page");

    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0xf000; /* data 0xf000..0x11000 covers text at 0x10000 */
    expect_refused(&image, sizeof(image.bytes), "shares a page");

    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0x10f00; /* no byte in common, but the same page */
    phdr_of(&image, 1)->p_offset = DATA_OFFSET + 0xf00;
    phdr_of(&image, 1)->p_filesz = 0x80;
    phdr_of(&image, 1)->p_memsz = 0x80;
    image.bytes[0] = 0x7f;
    {
        /* The data must still fit in the file for this to be about overlap only. */
        uint8_t big[DATA_OFFSET + 0xf80] = {0};
        memcpy(big, image.bytes, sizeof(image.bytes));
        struct elf_info info;
        cr_expect_eq(check_exact(big, sizeof(big), &info), -ENOEXEC);
        cr_expect(info.error != NULL && strstr(info.error, "shares a page") != NULL, "%s",
                  info.error);
    }
}

Test(elf_refused, alignment)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_align = 0x1800;
    expect_refused(&image, sizeof(image.bytes), "power of two");
    phdr_of(&image, 1)->p_align = 3;
    expect_refused(&image, sizeof(image.bytes), "power of two");

    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0x11010; /* offset stays page-aligned: out of step */
    expect_refused(&image, sizeof(image.bytes), "modulo the alignment");
}

Test(elf_refused, permissions)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_flags = PF_R | PF_W | PF_X;
    expect_refused(&image, sizeof(image.bytes), "writable and executable");
    phdr_of(&image, 1)->p_flags = PF_W;
    expect_refused(&image, sizeof(image.bytes), "writable but not readable");
}

Test(elf_refused, dynamic_programs)
{
    struct image image;
    build_image(&image);
    header_of(&image)->e_phnum = 3;
    *phdr_of(&image, 2) = (Elf64_Phdr){.p_type = PT_INTERP, .p_offset = 0x10, .p_filesz = 8};
    expect_refused(&image, sizeof(image.bytes), "dynamically linked");
    phdr_of(&image, 2)->p_type = PT_DYNAMIC;
    expect_refused(&image, sizeof(image.bytes), "dynamically linked");
}

Test(elf_refused, nothing_to_load)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 0)->p_type = PT_NOTE;
    phdr_of(&image, 1)->p_type = PT_GNU_STACK;
    expect_refused(&image, sizeof(image.bytes), "no loadable segment");

    build_image(&image);
    phdr_of(&image, 0)->p_filesz = 0;
    phdr_of(&image, 0)->p_memsz = 0;
    phdr_of(&image, 1)->p_filesz = 0;
    phdr_of(&image, 1)->p_memsz = 0;
    expect_refused(&image, sizeof(image.bytes), "no loadable segment");
}

Test(elf_refused, entry_point_outside_the_text)
{
    struct image image;
    build_image(&image);
    header_of(&image)->e_entry = 0x11000; /* in data: readable, not executable */
    expect_refused(&image, sizeof(image.bytes), "entry point");
    header_of(&image)->e_entry = 0x10100; /* one past the end of text */
    expect_refused(&image, sizeof(image.bytes), "entry point");
    header_of(&image)->e_entry = 0;
    expect_refused(&image, sizeof(image.bytes), "entry point");
}

Test(elf_refused, the_reason_names_the_program_header_and_value)
{
    struct image image;
    build_image(&image);
    phdr_of(&image, 1)->p_vaddr = 0xffffffff80200000ull;
    struct elf_info info;
    cr_assert_eq(elf_check(image.bytes, sizeof(image.bytes), &info), -ENOEXEC);
    cr_expect_eq(info.error_segment, 1);
    cr_expect_eq(info.error_value, 0xffffffff80200000ull);

    build_image(&image);
    header_of(&image)->e_machine = EM_X86_64;
    cr_assert_eq(elf_check(image.bytes, sizeof(image.bytes), &info), -ENOEXEC);
    cr_expect_eq(info.error_segment, -1);
    cr_expect_eq(info.error_value, (uint64_t)EM_X86_64);
}

/* ---- The real programs ----------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    cr_assert_not_null(file, "cannot open %s (run `make images` first)", path);
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    cr_assert_gt(length, 0, "%s is empty", path);
    uint8_t *bytes = malloc((size_t)length);
    cr_assert_not_null(bytes);
    cr_assert_eq(fread(bytes, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    return bytes;
}

/* Everything elf.h promises about an image that passed. */
static void expect_promises_kept(const struct elf_info *info, const char *name)
{
    size_t cursor = 0;
    struct elf_segment s;
    size_t count = 0;
    bool entry_in_text = false;
    while (elf_next_segment(info, &cursor, &s)) {
        count++;
        cr_expect_leq(s.filesz, s.memsz, "%s", name);
        cr_expect_geq(s.vaddr, ELF_USER_START, "%s", name);
        cr_expect_leq(s.vaddr + s.memsz, ELF_USER_END, "%s", name);
        cr_expect_gt(s.vaddr + s.memsz, s.vaddr, "%s: wraps", name);
        cr_expect_not(s.writable && s.executable, "%s", name);
        cr_expect(!s.writable || s.readable, "%s", name);
        cr_expect(s.data >= info->image && s.data + s.filesz <= info->image + info->size,
                  "%s: segment bytes outside the file", name);
        /* Read every byte, so ASan checks the range is real. */
        unsigned sum = 0;
        for (uint64_t i = 0; i < s.filesz; i++)
            sum += s.data[i];
        (void)sum;
        if (s.executable && info->entry >= s.vaddr && info->entry < s.vaddr + s.memsz)
            entry_in_text = true;
    }
    cr_expect_eq(count, info->load_count, "%s", name);
    cr_expect(entry_in_text, "%s: entry 0x%lx not in text", name, (unsigned long)info->entry);
}

static void check_program_file(const char *path, const char *name)
{
    size_t size;
    uint8_t *bytes = read_file(path, &size);
    struct elf_info info;
    int result = elf_check(bytes, size, &info);
    cr_expect_eq(result, 0, "%s: %s (program header %d, value 0x%lx)", path, info.error,
                 info.error_segment, (unsigned long)info.error_value);
    if (result == 0) {
        cr_expect_eq(info.entry, 0x10000u, "%s: user.ld puts _start at 0x10000", name);
        cr_expect_geq(info.load_count, 2u, "%s", name);
        expect_promises_kept(&info, name);
    }
    free(bytes);
}

Test(elf_programs, every_built_program_passes)
{
    char names[] = USER_PROGRAMS;
    int count = 0;
    for (char *name = strtok(names, " "); name != NULL; name = strtok(NULL, " ")) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s.elf", USER_ELF_DIR, name);
        check_program_file(path, name);
        snprintf(path, sizeof(path), "%s/packed/%s.elf", USER_ELF_DIR, name);
        check_program_file(path, name);
        count++;
    }
    cr_expect_geq(count, 4, "only %d programs in '%s'", count, USER_PROGRAMS);
}

/* ---- Random damage ------------------------------------------------------------------ */

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Values that sit on the edges the checks care about. */
static uint64_t interesting_value(uint64_t *state)
{
    static const uint64_t values[] = {0,
                                      1,
                                      0xfff,
                                      0x1000,
                                      0x10000,
                                      0x11000,
                                      IMAGE_SIZE,
                                      ELF_USER_END - 0x1000,
                                      ELF_USER_END,
                                      UINT64_MAX,
                                      UINT64_MAX - 0xfff,
                                      1ull << 63,
                                      0xffffffff80200000ull};
    uint64_t pick = next_random(state);
    if (pick % 4 == 0)
        return next_random(state);
    return values[(pick >> 8) % (sizeof(values) / sizeof(values[0]))];
}

/* Damage a copy of `original`: flip bytes, overwrite a 64-bit field, maybe cut it short. */
static size_t damage(uint8_t *bytes, const uint8_t *original, size_t size, uint64_t *state)
{
    memcpy(bytes, original, size);
    /* Most damage lands in the headers, where the checks are. */
    size_t header_bytes = sizeof(Elf64_Ehdr) + 8 * sizeof(Elf64_Phdr);
    if (header_bytes > size)
        header_bytes = size;
    int flips = 1 + (int)(next_random(state) % 8);
    for (int i = 0; i < flips; i++) {
        size_t at = next_random(state) % 8 != 0 ? next_random(state) % header_bytes
                                                : next_random(state) % size;
        bytes[at] ^= (uint8_t)(1u << (next_random(state) % 8));
    }
    if (next_random(state) % 2 == 0) {
        size_t at = (next_random(state) % (header_bytes / 8)) * 8;
        uint64_t value = interesting_value(state);
        memcpy(bytes + at, &value, sizeof(value));
    }
    if (next_random(state) % 8 == 0)
        return next_random(state) % (size + 1);
    return size;
}

static void fuzz(const uint8_t *original, size_t size, uint64_t seed, int iterations)
{
    uint64_t state = seed;
    uint8_t *scratch = malloc(size);
    cr_assert_not_null(scratch);
    int accepted = 0;
    for (int i = 0; i < iterations; i++) {
        size_t length = damage(scratch, original, size, &state);
        /* An exact-size heap copy: any read past `length` is an ASan report. */
        uint8_t *exact = malloc(length > 0 ? length : 1);
        memcpy(exact, scratch, length);
        struct elf_info info;
        int result = elf_check(exact, length, &info);
        if (result == 0) {
            accepted++;
            cr_expect_null(info.error);
            expect_promises_kept(&info, "fuzzed image");
        } else {
            cr_expect_eq(result, -ENOEXEC, "iteration %d", i);
            cr_expect_not_null(info.error, "iteration %d", i);
        }
        free(exact);
    }
    free(scratch);
    /* Both outcomes must occur, or the damage is too weak or too strong to test anything. */
    cr_expect_gt(accepted, 0);
    cr_expect_lt(accepted, iterations);
}

Test(elf_fuzz, damaged_built_images_never_crash)
{
    struct image image;
    build_image(&image);
    fuzz(image.bytes, sizeof(image.bytes), 0x9e3779b97f4a7c15ull, 5000);
}

Test(elf_fuzz, damaged_real_programs_never_crash)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/packed/hello.elf", USER_ELF_DIR);
    size_t size;
    uint8_t *bytes = read_file(path, &size);
    fuzz(bytes, size, 0xd1b54a32d192ed03ull, 3000);
    free(bytes);
}
