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
/* At `offset`, leaving the file's position alone. */
ssize_t pread(int fd, void *buf, size_t count, off_t offset);
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset);
int close(int fd);
/* whence: SEEK_SET, SEEK_CUR, SEEK_END. The new position, or -1. */
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int dup2(int old_fd, int new_fd);
int dup3(int old_fd, int new_fd, int flags);
/* fds[0] reads what fds[1] writes. */
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);

int unlink(const char *path);
int unlinkat(int dirfd, const char *path, int flags);
int rmdir(const char *path);
int link(const char *old_path, const char *new_path);
int symlink(const char *target, const char *path);
/* The target of a symbolic link, not NUL-terminated: its length, or -1. */
ssize_t readlink(const char *path, char *buf, size_t size);
int chdir(const char *path);
int fchdir(int fd);
/* The current directory's path into buf; buf, or NULL (ERANGE: too small). */
char *getcwd(char *buf, size_t size);
int fsync(int fd);
void sync(void);
int ftruncate(int fd, off_t length);
/* Does `path` exist? (mode F_OK; there are no permissions to check yet.) */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
int access(const char *path, int mode);
/* Whether fd is a terminal (its TCGETS works). */
int isatty(int fd);

/* End the process at once (exit_group), with no clean-up. */
__attribute__((noreturn)) void _exit(int status);

/* A child that is a copy of this process: returns its pid here, and 0 in the child. */
pid_t fork(void);
/* Replace this program with `path`; returns only on failure. argv and envp end with NULL. */
int execve(const char *path, char *const argv[], char *const envp[]);
/* execve with an empty environment. */
int execv(const char *path, char *const argv[]);
/* execv, and a name without a '/' is looked for in each directory of $PATH (default "/bin"). */
int execvp(const char *file, char *const argv[]);

/* The environment, from crt0: a NULL-terminated array of "NAME=value" strings. */
extern char **environ;

pid_t getpid(void);
pid_t getppid(void);
/* Process groups and sessions (job control: the shell puts each command in a group). */
pid_t setsid(void);
pid_t getsid(pid_t pid);
int setpgid(pid_t pid, pid_t group);
pid_t getpgid(pid_t pid);
pid_t getpgrp(void);
/* The terminal's foreground process group: Ctrl-C sends it SIGINT. */
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t group);

/* Set the program break (the end of the heap). 0 or -1. */
int brk(void *address);
/* Move the break by `increment` bytes; returns the old break, or (void *)-1. */
void *sbrk(long increment);

unsigned int sleep(unsigned int seconds);
int usleep(useconds_t microseconds);

#endif
