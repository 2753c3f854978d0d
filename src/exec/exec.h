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

struct context;
struct user_image;

/*
 * Load `name` (a packed program) into a new process, a child of process 0,
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
