/*
 * user.h: user processes: starting init, ending a process, kills.
 *
 * The kernel starts exactly one user program itself, `init` (pid 1); every
 * other process is a fork of it or of its descendants. When init ends, the
 * machine powers off with init's status, which is how a grading script
 * learns how a whole session went.
 */
#ifndef PROC_USER_H
#define PROC_USER_H

#include <stdint.h>

/* Limits that keep one program from taking the machine down. */
#define USER_PAGES_MAX (16 * 1024 * 1024 / 4096) /* 16 MiB of user memory per process */
#define USER_MMAP_BASE 0x2000000000ull           /* anonymous mmap looks for room from here */

/*
 * Load `name` (a packed program) into a new process, a child of process 0,
 * with argc strings from argv, and make its thread ready. Returns its pid,
 * or a negative errno. user_run uses it for init; benchmarks and tests may
 * start programs with it too, and reap them with process_wait.
 */
int user_spawn(const char *name, int argc, const char *const argv[]);

/* Start pid 1 (init, or the init= bootarg's program) and reap orphans forever. */
__attribute__((noreturn)) void user_run(void);

/* End the calling user process with a Linux wait status. init's end powers off. */
__attribute__((noreturn)) void user_process_end(int wait_status);

/* How many bytes of user memory `set` maps (segments' sizes added up). */
struct memory_set;
uint64_t user_memory_bytes(const struct memory_set *set);

/* The registers a program starts with: pc at its entry, sp at its arguments, user mode. */
struct context;
struct user_image;
void user_initial_context(struct context *context, const struct user_image *image);

#endif
