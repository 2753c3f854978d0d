/*
 * user_program.h: the user programs packed into the kernel image.
 *
 * Where there is no disk (the test images: ktest, bench, the test kernels),
 * every program under user/prog/ is built to an ELF file and copied whole
 * into the kernel's .rodata (user/user.mk generates build/user/programs.S,
 * which .incbin's each one). The kernel proper carries no table: its
 * programs are files in /bin on the disk. exec_find_program (exec/exec.h)
 * looks here when the file system has no such file, by the path's last
 * component: "/bin/hello" and "hello" both find hello.
 */
#ifndef EXEC_USER_PROGRAM_H
#define EXEC_USER_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

struct user_program {
    const char *name;   /* the file name under user/prog/, without ".c" */
    const uint8_t *elf; /* the ELF file's bytes, in the kernel's rodata */
    size_t size;        /* its length in bytes */
};

/* The packed programs, sorted by name, and how many there are (from programs.S). */
extern const struct user_program user_programs[];
extern const size_t user_program_count;

/* The program called exactly `name`, or NULL if there is none (or name is NULL). */
const struct user_program *user_program_find(const char *name);

#endif
