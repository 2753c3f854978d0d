/*
 * shellcalls: the system calls BusyBox's ash and its applets need beyond
 * the others' (docs/linux-abi.md): ppoll, prctl's name, fcntl
 * F_DUPFD_CLOEXEC, fchmodat and fchmod, utimensat, and vfork. Each line is
 * a fact Linux (qemu-riscv64 passes these calls to the host's kernel)
 * states the same way every run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linuxtest.h"

static void on_alarm(int signal)
{
    (void)signal;
}

/* ppoll(2) itself, so the timeout written back can be seen (glibc passes a copy). */
static long raw_ppoll(struct pollfd *fds, unsigned long count, struct timespec *timeout)
{
    return syscall(SYS_ppoll, fds, count, timeout, NULL, 8);
}

static void test_ppoll(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    struct pollfd fds[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}};
    struct timespec zero = {0, 0};
    int n = ppoll(fds, 3, &zero, NULL);
    printf("empty pipe, zero timeout: %d ready, read end 0x%x, write end 0x%x, fd -1 0x%x\n", n,
           fds[0].revents, fds[1].revents, fds[2].revents);

    CHECK(write(p[1], "x", 1) == 1, "write a byte");
    n = ppoll(fds, 2, NULL, NULL);
    printf("a byte in, no timeout: %d ready, read end 0x%x\n", n, fds[0].revents);

    struct timespec short_wait = {0, 20 * 1000 * 1000};
    char c;
    CHECK(read(p[0], &c, 1) == 1, "read it back");
    fds[1].events = 0; /* only the read end counts now */
    n = (int)raw_ppoll(fds, 2, &short_wait);
    printf("empty again, 20 ms: %d ready; timeout left %ld.%09ld\n", n, (long)short_wait.tv_sec,
           short_wait.tv_nsec);

    close(p[1]);
    n = ppoll(fds, 1, &zero, NULL);
    printf("writer closed: %d ready, read end 0x%x (POLLHUP 0x%x)\n", n, fds[0].revents, POLLHUP);
    close(p[0]);

    CHECK(pipe(p) == 0, "second pipe");
    close(p[0]);
    fds[0] = (struct pollfd){p[1], POLLOUT, 0};
    n = ppoll(fds, 1, &zero, NULL);
    printf("reader closed: %d ready, write end 0x%x (POLLERR 0x%x)\n", n, fds[0].revents, POLLERR);
    close(p[1]);

    fds[0] = (struct pollfd){p[1], POLLIN, 0}; /* closed now */
    n = ppoll(fds, 1, &zero, NULL);
    printf("closed descriptor: %d ready, revents 0x%x (POLLNVAL 0x%x)\n", n, fds[0].revents,
           POLLNVAL);

    int file = open("/tmp/shellcalls.poll", O_RDWR | O_CREAT | O_TRUNC, 0644);
    fds[0] = (struct pollfd){file, POLLIN | POLLOUT, 0};
    n = ppoll(fds, 1, NULL, NULL);
    printf("a disk file: %d ready, revents 0x%x\n", n, fds[0].revents);
    close(file);
    unlink("/tmp/shellcalls.poll");

    /* A signal ends a wait with EINTR: the alarm's handler runs, ppoll returns -1. */
    CHECK(pipe(p) == 0, "third pipe");
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);
    pid_t child = fork();
    if (child == 0) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        kill(getppid(), SIGALRM);
        _exit(0);
    }
    fds[0] = (struct pollfd){p[0], POLLIN, 0};
    errno = 0;
    n = ppoll(fds, 1, NULL, NULL);
    printf("a signal during the wait: %d, %s\n", n, errno == EINTR ? "EINTR" : strerror(errno));
    waitpid(child, NULL, 0);

    /* A write from another process wakes the wait. */
    child = fork();
    if (child == 0) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        write(p[1], "y", 1);
        _exit(0);
    }
    struct timespec long_wait = {10, 0};
    n = ppoll(fds, 1, &long_wait, NULL);
    printf("woken by a writer: %d ready, read end 0x%x\n", n, fds[0].revents);
    waitpid(child, NULL, 0);
    close(p[0]);
    close(p[1]);

    struct timespec bad = {0, 1000 * 1000 * 1000};
    errno = 0;
    n = ppoll(fds, 1, &bad, NULL);
    printf("tv_nsec of a second: %d, %s\n", n, errno == EINVAL ? "EINVAL" : strerror(errno));
    errno = 0;
    n = (int)syscall(SYS_ppoll, (void *)8, 1, &zero, NULL, 8);
    printf("fds at a bad address: %d, %s\n", n, errno == EFAULT ? "EFAULT" : strerror(errno));
}

static void test_prctl(void)
{
    char name[16] = "";
    CHECK(prctl(PR_SET_NAME, "a-rather-long-name-indeed", 0, 0, 0) == 0, "PR_SET_NAME");
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0, "PR_GET_NAME");
    printf("name now \"%s\" (cut to 15 bytes)\n", name);
}

static void test_fcntl(void)
{
    int fd = fcntl(1, F_DUPFD_CLOEXEC, 10);
    printf("F_DUPFD_CLOEXEC from 10: fd %d, FD_CLOEXEC %s\n", fd,
           (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? "set" : "clear");
    int again = fcntl(1, F_DUPFD_CLOEXEC, 10);
    printf("again: fd %d\n", again);
    close(fd);
    close(again);
    errno = 0;
    printf("from -1: %d, %s\n", fcntl(1, F_DUPFD_CLOEXEC, -1), errno == EINVAL ? "EINVAL" : "?");
}

static void test_attributes(void)
{
    const char *path = "/tmp/shellcalls.attr";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct stat st;
    CHECK(fchmodat(AT_FDCWD, path, 0751, 0) == 0, "fchmodat 0751");
    stat(path, &st);
    printf("mode now 0%o, a regular file: %s\n", st.st_mode & 07777,
           S_ISREG(st.st_mode) ? "yes" : "NO");
    CHECK(fchmod(fd, 04600) == 0, "fchmod 04600");
    fstat(fd, &st);
    printf("mode now 0%o\n", st.st_mode & 07777);

    struct timespec times[2] = {{86400, 0}, {1000000000, 0}};
    CHECK(utimensat(AT_FDCWD, path, times, 0) == 0, "utimensat to two dates");
    stat(path, &st);
    printf("atime %ld, mtime %ld\n", (long)st.st_atime, (long)st.st_mtime);
    struct timespec omit_atime[2] = {{0, UTIME_OMIT}, {2000000000, 0}};
    CHECK(futimens(fd, omit_atime) == 0, "futimens, atime omitted");
    stat(path, &st);
    printf("atime %ld, mtime %ld\n", (long)st.st_atime, (long)st.st_mtime);
    CHECK(utimensat(AT_FDCWD, path, NULL, 0) == 0, "utimensat NULL: now");
    stat(path, &st);
    /* Now is after 2001 (1e9) and before 2033 (2e9), unlike the two dates set above. */
    int now_ish = st.st_mtime > 1000000000 && st.st_mtime < 2000000000;
    printf("mtime moved to now: %s\n", now_ish ? "yes" : "NO");
    errno = 0;
    printf("utimensat of a missing file: %d, %s\n", utimensat(AT_FDCWD, "/tmp/no/such", NULL, 0),
           errno == ENOENT ? "ENOENT" : strerror(errno));
    errno = 0;
    struct timespec bad[2] = {{0, -5}, {0, 0}};
    printf("bad tv_nsec: %d, %s\n", utimensat(AT_FDCWD, path, bad, 0),
           errno == EINVAL ? "EINVAL" : strerror(errno));
    errno = 0;
    printf("fchmodat of a missing file: %d, %s\n", fchmodat(AT_FDCWD, "/tmp/no/such", 0600, 0),
           errno == ENOENT ? "ENOENT" : strerror(errno));
    close(fd);
    unlink(path);
}

static void test_vfork(void)
{
    pid_t child = vfork();
    if (child == 0) {
        char *argv[] = {"/bin/no-such-program", NULL};
        execv(argv[0], argv);
        _exit(111);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("vfork, a failed exec: exit %d\n", WEXITSTATUS(status));
    child = vfork();
    if (child == 0)
        _exit(7);
    waitpid(child, &status, 0);
    printf("vfork, _exit(7): exit %d\n", WEXITSTATUS(status));
}

int main(void)
{
    lt_init();
    test_ppoll();
    test_prctl();
    test_fcntl();
    test_attributes();
    test_vfork();
    return lt_status();
}
