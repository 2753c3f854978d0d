/*
 * unistd.h: the POSIX face of the system calls. Each wrapper returns -1 and
 * sets errno when the kernel returns a negative errno. For the raw result
 * (-EFAULT itself), use syscallN() from <sys/syscall.h>.
 */
#ifndef UNISTD_H
#define UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);

/* End the process at once (exit_group), with no clean-up. */
__attribute__((noreturn)) void _exit(int status);

/* A child that is a copy of this process: returns its pid here, and 0 in the child. */
pid_t fork(void);
/* Replace this program with `path`; returns only on failure. argv and envp end with NULL. */
int execve(const char *path, char *const argv[], char *const envp[]);
/* execve with an empty environment. */
int execv(const char *path, char *const argv[]);

/* The environment, from crt0: a NULL-terminated array of "NAME=value" strings. */
extern char **environ;

pid_t getpid(void);
pid_t getppid(void);

/* Set the program break (the end of the heap). 0 or -1. */
int brk(void *address);
/* Move the break by `increment` bytes; returns the old break, or (void *)-1. */
void *sbrk(long increment);

unsigned int sleep(unsigned int seconds);
int usleep(useconds_t microseconds);

#endif
