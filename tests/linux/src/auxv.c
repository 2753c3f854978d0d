/*
 * auxv: the initial stack a static program finds at _start: argc, argv,
 * envp and the auxiliary vector (docs/linux-abi.md draws it).
 *
 * What it prints falls in three groups:
 *   - facts that must be the same on every correct kernel: argc, the argv and
 *     envp strings, AT_PHDR/AT_PHENT/AT_PHNUM/AT_ENTRY (the binary is linked
 *     at a fixed address, so these are fixed too), AT_PAGESZ, AT_CLKTCK,
 *     AT_HWCAP, the ids, AT_SECURE, AT_EXECFN's string, and yes/no checks;
 *   - lines that start with "masked:" hold values that legitimately differ
 *     from run to run or kernel to kernel (the AT_RANDOM bytes, addresses on
 *     the stack): the comparator replaces what follows the colon;
 *   - lines that start with "other:" list auxv entries outside the table
 *     below (qemu-user and Linux differ there: AT_SYSINFO_EHDR for a vDSO,
 *     cache geometry, AT_MINSIGSTKSZ): the comparator drops those lines.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include "linuxtest.h"

extern const Elf64_Ehdr __ehdr_start; /* the linker's name for our own ELF header */

struct entry {
    unsigned long type;
    const char *name;
};

static const struct entry table[] = {
    {AT_PHDR, "AT_PHDR"},     {AT_PHENT, "AT_PHENT"},   {AT_PHNUM, "AT_PHNUM"},
    {AT_PAGESZ, "AT_PAGESZ"}, {AT_BASE, "AT_BASE"},     {AT_FLAGS, "AT_FLAGS"},
    {AT_ENTRY, "AT_ENTRY"},   {AT_UID, "AT_UID"},       {AT_EUID, "AT_EUID"},
    {AT_GID, "AT_GID"},       {AT_EGID, "AT_EGID"},     {AT_HWCAP, "AT_HWCAP"},
    {AT_CLKTCK, "AT_CLKTCK"}, {AT_SECURE, "AT_SECURE"}, {AT_RANDOM, "AT_RANDOM"},
    {AT_EXECFN, "AT_EXECFN"},
};
#define NTABLE (sizeof table / sizeof table[0])

static int find(const Elf64_auxv_t *auxv, unsigned long type, unsigned long *value)
{
    for (; auxv->a_type != AT_NULL; auxv++)
        if (auxv->a_type == type) {
            *value = auxv->a_un.a_val;
            return 1;
        }
    return 0;
}

int main(int argc, char **argv, char **envp)
{
    lt_init();

    /* argc sits just below argv[0]'s slot, at the stack pointer _start saw. */
    long *sp = (long *)argv - 1;
    printf("argc: %d\n", argc);
    CHECK(*sp == argc, "argc is the word below argv");
    CHECK(((uintptr_t)sp & 15) == 0, "stack pointer at entry is 16-byte aligned");
    for (int i = 0; i < argc; i++)
        printf("argv[%d]: \"%s\"\n", i, argv[i]);
    CHECK(argv[argc] == NULL, "argv ends with NULL");
    CHECK(envp == argv + argc + 1, "envp starts right after argv's NULL");

    int envc = 0;
    while (envp[envc])
        envc++;
    printf("envc: %d\n", envc);
    for (int i = 0; i < envc; i++)
        printf("envp[%d]: \"%s\"\n", i, envp[i]);

    /* The strings: argv's, then envp's, each right after the one before. */
    int contiguous = 1;
    for (int i = 0; i + 1 < argc; i++)
        if (argv[i + 1] != argv[i] + strlen(argv[i]) + 1)
            contiguous = 0;
    if (argc > 0 && envc > 0 && envp[0] != argv[argc - 1] + strlen(argv[argc - 1]) + 1)
        contiguous = 0;
    for (int i = 0; i + 1 < envc; i++)
        if (envp[i + 1] != envp[i] + strlen(envp[i]) + 1)
            contiguous = 0;
    CHECK(contiguous, "argv and envp strings are contiguous, in order");

    const Elf64_auxv_t *auxv = (const Elf64_auxv_t *)(envp + envc + 1);
    const Elf64_auxv_t *end = auxv;
    while (end->a_type != AT_NULL)
        end++;
    uintptr_t above_vectors = (uintptr_t)(end + 1);
    CHECK(argc == 0 || (uintptr_t)argv[0] >= above_vectors, "strings lie above the vectors");

    for (unsigned i = 0; i < NTABLE; i++) {
        unsigned long v;
        if (!find(auxv, table[i].type, &v)) {
            printf("%s (%lu): missing\n", table[i].name, table[i].type);
            if (table[i].type != AT_BASE && table[i].type != AT_FLAGS)
                lt_failures++;
            continue;
        }
        switch (table[i].type) {
        case AT_RANDOM: {
            const unsigned char *r = (const unsigned char *)v;
            int nonzero = 0;
            printf("AT_RANDOM (25): present\n");
            printf("masked: AT_RANDOM bytes ");
            for (int k = 0; k < 16; k++) {
                printf("%02x", r[k]);
                nonzero |= r[k];
            }
            printf("\n");
            CHECK(v >= above_vectors, "AT_RANDOM points above the vectors");
            CHECK(nonzero, "AT_RANDOM bytes are not all zero");
            break;
        }
        case AT_EXECFN:
            printf("AT_EXECFN (31): \"%s\"\n", (const char *)v);
            printf("masked: AT_EXECFN pointer %#lx\n", v);
            CHECK(v >= above_vectors, "AT_EXECFN points above the vectors");
            break;
        case AT_HWCAP: {
            char letters[27];
            int n = 0;
            for (int b = 0; b < 26; b++)
                if (v & (1ul << b))
                    letters[n++] = (char)('a' + b);
            letters[n] = 0;
            printf("AT_HWCAP (16): %#lx (%s)\n", v, letters);
            break;
        }
        case AT_PHDR:
        case AT_ENTRY:
        case AT_BASE: printf("%s (%lu): %#lx\n", table[i].name, table[i].type, v); break;
        default: printf("%s (%lu): %lu\n", table[i].name, table[i].type, v);
        }
    }

    unsigned long phdr = 0, entry = 0, phnum = 0, phent = 0, pagesz = 0;
    find(auxv, AT_PHDR, &phdr);
    find(auxv, AT_ENTRY, &entry);
    find(auxv, AT_PHNUM, &phnum);
    find(auxv, AT_PHENT, &phent);
    find(auxv, AT_PAGESZ, &pagesz);
    CHECK(phdr == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff,
          "AT_PHDR is where our program headers are mapped");
    CHECK(entry == __ehdr_start.e_entry, "AT_ENTRY is the ELF entry point");
    CHECK(phnum == __ehdr_start.e_phnum && phent == sizeof(Elf64_Phdr),
          "AT_PHNUM and AT_PHENT match the ELF header");
    CHECK(pagesz == 4096, "AT_PAGESZ is 4096");

    /* Everything else, in the order the kernel put it. */
    int count = 0;
    for (const Elf64_auxv_t *a = auxv; a->a_type != AT_NULL; a++) {
        count++;
        int known = 0;
        for (unsigned i = 0; i < NTABLE; i++)
            if (table[i].type == a->a_type)
                known = 1;
        if (!known)
            printf("other: type %lu value %#lx\n", (unsigned long)a->a_type,
                   (unsigned long)a->a_un.a_val);
    }
    printf("masked: %d auxv entries before AT_NULL\n", count);
    return lt_status();
}
