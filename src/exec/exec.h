/*
 * exec.h: starting user programs: a new process running a packed program,
 * the registers a program starts with, and init.
 *
 * The kernel starts exactly one user program itself, `init` (pid 1); every
 * other process is a fork of it or of its descendants. When init ends, the
 * machine powers off with init's status (proc/process.c), which is how a
 * grading script learns how a whole session went.
 */
#ifndef EXEC_EXEC_H
#define EXEC_EXEC_H

#include <stdint.h>

#include <stddef.h>

struct context;
struct user_image;

/*
 * Where programs come from. A file system registers a reader at boot: it
 * finds `path` (relative paths from the calling process's directory) and
 * returns the whole file in memory from kmalloc, which the caller frees.
 * 0, or -errno (-ENOENT, -EACCES for something that is not a regular file,
 * -ENOEXEC for a file too large to be a program, a disk error).
 */
typedef int (*exec_file_reader_t)(const char *path, void **image, size_t *size);
void exec_set_file_reader(exec_file_reader_t reader);

/* A program's ELF file in memory, and whether it was read for this (then freed on release). */
struct exec_program {
    const void *elf;
    size_t size;
    void *owned;
};

/*
 * Find the program `path`: through the registered reader, and where it
 * finds no such file (or there is none), in the packed table by the path's
 * last component. 0 and *out, or -errno.
 */
int exec_find_program(const char *path, struct exec_program *out);
void exec_program_release(struct exec_program *program);

/* The last component of a path: "hello" for "/bin/hello" (a process's name). */
const char *exec_basename(const char *path);

/*
 * Load the program `name` (a path, or a packed program's name) into a new
 * process, a child of process 0,
 * with argc strings from argv, and make its thread ready. Returns its pid,
 * or a negative errno. exec_run_init uses it for init; benchmarks and tests
 * may start programs with it too, and reap them with process_wait.
 */
int exec_spawn(const char *name, int argc, const char *const argv[]);

/* Start pid 1 (init, or the init= bootarg's program) and reap orphans forever. */
__attribute__((noreturn)) void exec_run_init(void);

/* The registers a program starts with: pc at its entry, sp at its arguments, user mode. */
void exec_initial_context(struct context *context, const struct user_image *image);

#endif
