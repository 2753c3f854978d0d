/*
 * errno.c: errno itself, and the texts of error numbers and signals.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int errno;

/* Indexed by error number; the texts are glibc's, so they read the same as on Linux. */
static const char *const error_texts[] = {
    [0] = "Success",
    [EPERM] = "Operation not permitted",
    [ENOENT] = "No such file or directory",
    [ESRCH] = "No such process",
    [EINTR] = "Interrupted system call",
    [EIO] = "Input/output error",
    [ENXIO] = "No such device or address",
    [E2BIG] = "Argument list too long",
    [ENOEXEC] = "Exec format error",
    [EBADF] = "Bad file descriptor",
    [ECHILD] = "No child processes",
    [EAGAIN] = "Resource temporarily unavailable",
    [ENOMEM] = "Cannot allocate memory",
    [EACCES] = "Permission denied",
    [EFAULT] = "Bad address",
    [ENOTBLK] = "Block device required",
    [EBUSY] = "Device or resource busy",
    [EEXIST] = "File exists",
    [EXDEV] = "Invalid cross-device link",
    [ENODEV] = "No such device",
    [ENOTDIR] = "Not a directory",
    [EISDIR] = "Is a directory",
    [EINVAL] = "Invalid argument",
    [ENFILE] = "Too many open files in system",
    [EMFILE] = "Too many open files",
    [ENOTTY] = "Inappropriate ioctl for device",
    [ETXTBSY] = "Text file busy",
    [EFBIG] = "File too large",
    [ENOSPC] = "No space left on device",
    [ESPIPE] = "Illegal seek",
    [EROFS] = "Read-only file system",
    [EMLINK] = "Too many links",
    [EPIPE] = "Broken pipe",
    [EDOM] = "Numerical argument out of domain",
    [ERANGE] = "Numerical result out of range",
    [EDEADLK] = "Resource deadlock avoided",
    [ENAMETOOLONG] = "File name too long",
    [ENOLCK] = "No locks available",
    [ENOSYS] = "Function not implemented",
    [ENOTEMPTY] = "Directory not empty",
    [ELOOP] = "Too many levels of symbolic links",
    [EOVERFLOW] = "Value too large for defined data type",
    [ENOTSUP] = "Operation not supported",
    [ENOBUFS] = "No buffer space available",
    [ETIMEDOUT] = "Connection timed out",
    [EUCLEAN] = "Structure needs cleaning",
};

/* For numbers without a text: "Unknown error 123". One buffer: not reentrant, as in C. */
static char unknown_text[32];

char *strerror(int error)
{
    int count = (int)(sizeof(error_texts) / sizeof(error_texts[0]));
    if (error >= 0 && error < count && error_texts[error] != NULL)
        return (char *)error_texts[error];
    snprintf(unknown_text, sizeof(unknown_text), "Unknown error %d", error);
    return unknown_text;
}

static const char *const signal_texts[] = {
    [SIGHUP] = "Hangup",
    [SIGINT] = "Interrupt",
    [SIGQUIT] = "Quit",
    [SIGILL] = "Illegal instruction",
    [SIGTRAP] = "Trace/breakpoint trap",
    [SIGABRT] = "Aborted",
    [SIGBUS] = "Bus error",
    [SIGFPE] = "Floating point exception",
    [SIGKILL] = "Killed",
    [SIGUSR1] = "User defined signal 1",
    [SIGSEGV] = "Segmentation fault",
    [SIGUSR2] = "User defined signal 2",
    [SIGPIPE] = "Broken pipe",
    [SIGALRM] = "Alarm clock",
    [SIGTERM] = "Terminated",
    [SIGCHLD] = "Child exited",
};

char *strsignal(int signal)
{
    int count = (int)(sizeof(signal_texts) / sizeof(signal_texts[0]));
    if (signal > 0 && signal < count && signal_texts[signal] != NULL)
        return (char *)signal_texts[signal];
    snprintf(unknown_text, sizeof(unknown_text), "Unknown signal %d", signal);
    return unknown_text;
}
