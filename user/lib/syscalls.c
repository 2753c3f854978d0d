/*
 * syscalls.c: the POSIX wrappers around the raw system calls.
 *
 * The kernel returns a negative errno on failure; POSIX functions return -1
 * and leave the number in errno instead. Every wrapper goes through
 * posix_result() for that, so the rule is written once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long posix_result(long raw)
{
    if (syscall_failed(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

ssize_t read(int fd, void *buf, size_t count)
{
    return posix_result(syscall3(SYS_read, fd, (long)buf, (long)count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return posix_result(syscall3(SYS_write, fd, (long)buf, (long)count));
}

__attribute__((noreturn)) void _exit(int status)
{
    syscall1(SYS_exit_group, status);
    for (;;) /* exit_group does not return; this loop tells the compiler so */
        ;
}

/* Linux's fork is clone with no sharing, and SIGCHLD to the parent at the end. */
pid_t fork(void)
{
    return (pid_t)posix_result(syscall5(SYS_clone, SIGCHLD, 0, 0, 0, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return (int)posix_result(syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

int execv(const char *path, char *const argv[])
{
    static char *const empty_environment[] = {NULL};
    return execve(path, argv, empty_environment);
}

char *getenv(const char *name)
{
    size_t length = strlen(name);
    for (char **entry = environ; entry != NULL && *entry != NULL; entry++) {
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=')
            return *entry + length + 1;
    }
    return NULL;
}

/*
 * execvp: a name with a '/' is a path; any other is tried in each directory
 * of $PATH in turn ("/bin" when there is no PATH). The error is the last
 * directory's, but ENOENT gives way to any other (EACCES, ENOEXEC), which
 * says more: the program was found and could not run.
 */
int execvp(const char *file, char *const argv[])
{
    if (strchr(file, '/') != NULL)
        return execv(file, argv);
    const char *search = getenv("PATH");
    if (search == NULL)
        search = "/bin";
    int error = ENOENT;
    char path[256];
    while (*search != '\0') {
        const char *end = strchr(search, ':');
        size_t length = end != NULL ? (size_t)(end - search) : strlen(search);
        if (length == 0) /* an empty entry means the current directory */
            snprintf(path, sizeof(path), "%s", file);
        else
            snprintf(path, sizeof(path), "%.*s/%s", (int)length, search, file);
        execv(path, argv);
        if (errno != ENOENT && errno != ENOTDIR)
            error = errno;
        search += length;
        if (*search == ':')
            search++;
    }
    errno = error;
    return -1;
}

pid_t getpid(void)
{
    return (pid_t)syscall0(SYS_getpid); /* cannot fail */
}

pid_t getppid(void)
{
    return (pid_t)syscall0(SYS_getppid);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
    return (pid_t)posix_result(syscall4(SYS_wait4, pid, (long)status, options, (long)usage));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
    return wait4(-1, status, 0, NULL);
}

int sysinfo(struct sysinfo *info)
{
    return (int)posix_result(syscall1(SYS_sysinfo, (long)info));
}

int sched_yield(void)
{
    return (int)posix_result(syscall0(SYS_sched_yield));
}

int clock_gettime(clockid_t clock, struct timespec *now)
{
    return (int)posix_result(syscall2(SYS_clock_gettime, clock, (long)now));
}

int nanosleep(const struct timespec *request, struct timespec *remaining)
{
    return (int)posix_result(syscall2(SYS_nanosleep, (long)request, (long)remaining));
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request,
                    struct timespec *remaining)
{
    long raw = syscall4(SYS_clock_nanosleep, clock, flags, (long)request, (long)remaining);
    return syscall_failed(raw) ? (int)-raw : 0;
}

unsigned int sleep(unsigned int seconds)
{
    struct timespec request = {.tv_sec = seconds, .tv_nsec = 0};
    struct timespec remaining = {0, 0};
    if (nanosleep(&request, &remaining) < 0)
        return (unsigned int)remaining.tv_sec;
    return 0;
}

int usleep(useconds_t microseconds)
{
    struct timespec request = {.tv_sec = microseconds / 1000000,
                               .tv_nsec = (long)(microseconds % 1000000) * 1000};
    return nanosleep(&request, NULL);
}

void *mmap(void *address, size_t length, int prot, int flags, int fd, off_t offset)
{
    long raw = syscall6(SYS_mmap, (long)address, (long)length, prot, flags, fd, offset);
    if (syscall_failed(raw)) {
        errno = (int)-raw;
        return MAP_FAILED;
    }
    return (void *)raw;
}

int munmap(void *address, size_t length)
{
    return (int)posix_result(syscall2(SYS_munmap, (long)address, (long)length));
}

int mprotect(void *address, size_t length, int prot)
{
    return (int)posix_result(syscall3(SYS_mprotect, (long)address, (long)length, prot));
}

/*
 * The program break. The raw brk call has Linux's odd contract: it returns
 * the new break on success and the unchanged old break on failure, never an
 * errno. brk(0) therefore just reports where the break is.
 */
static char *current_break;

int brk(void *address)
{
    char *result = (char *)syscall1(SYS_brk, (long)address);
    current_break = result;
    if (result != (char *)address) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void *sbrk(long increment)
{
    if (current_break == NULL)
        current_break = (char *)syscall1(SYS_brk, 0);
    char *old_break = current_break;
    if (increment == 0)
        return old_break;
    if (brk(old_break + increment) < 0)
        return (void *)-1;
    return old_break;
}
