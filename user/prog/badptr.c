/*
 * badptr: give every pointer-taking system call a pointer it must refuse.
 *
 * The kernel may not trust a user pointer: NULL, a kernel address, an
 * unmapped page, a range that runs off the end of a mapping, or a buffer the
 * call would write into that is read-only. Each must make the call return
 * -EFAULT, and never fault the kernel. Raw calls (<sys/syscall.h>) show the
 * kernel's own result. Exit status: the number of failed checks.
 *
 * The read() checks need the kernel to check the buffer before it waits
 * for input; otherwise they would wait for a key.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_ADDRESS 0xffffffff80200000UL /* the kernel's text: mapped, but not for U-mode */
#define PAGE_SIZE      4096

static int failures;

int main(void);

static void expect_efault(const char *what, long result)
{
    if (result == -EFAULT) {
        printf("badptr: ok: %s\n", what);
    } else {
        printf("badptr: FAILED: %s returned %ld, expected -EFAULT (%d)\n", what, result, -EFAULT);
        failures++;
    }
}

/* One mapped page followed by an unmapped one: p is the mapped page. */
static char *page_before_a_hole(void)
{
    char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p + PAGE_SIZE, PAGE_SIZE) < 0) {
        printf("badptr: FAILED: cannot set up a page before a hole (errno %d)\n", errno);
        failures++;
        return NULL;
    }
    return p;
}

static void check_write(char *page)
{
    expect_efault("write from NULL", syscall3(SYS_write, 1, 0, 8));
    expect_efault("write from kernel memory", syscall3(SYS_write, 1, KERNEL_ADDRESS, 8));
    expect_efault("write from past the end of user space",
                  syscall3(SYS_write, 1, 0x3ffffffff0L, 0x100));
    if (page != NULL) {
        page[PAGE_SIZE - 1] = '!';
        expect_efault("write from an unmapped page",
                      syscall3(SYS_write, 1, (long)(page + PAGE_SIZE), 1));
        expect_efault("write of a range that runs into an unmapped page",
                      syscall3(SYS_write, 1, (long)(page + PAGE_SIZE - 1), 2));
    }
}

static void check_read(char *page)
{
    expect_efault("read into NULL", syscall3(SYS_read, 0, 0, 1));
    expect_efault("read into kernel memory", syscall3(SYS_read, 0, KERNEL_ADDRESS, 1));
    expect_efault("read into my own text (read-only)", syscall3(SYS_read, 0, (long)main, 1));
    if (page != NULL)
        expect_efault("read into an unmapped page",
                      syscall3(SYS_read, 0, (long)(page + PAGE_SIZE), 1));
}

static void check_time(void)
{
    static const struct timespec constant = {1, 1}; /* in rodata: read-only */
    expect_efault("clock_gettime into NULL", syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, 0));
    expect_efault("clock_gettime into kernel memory",
                  syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_ADDRESS));
    expect_efault("clock_gettime into read-only memory",
                  syscall2(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&constant));
    expect_efault("nanosleep from NULL", syscall2(SYS_nanosleep, 0, 0));
    expect_efault("nanosleep from kernel memory", syscall2(SYS_nanosleep, KERNEL_ADDRESS, 0));
}

/*
 * execve's checks run in a child: if the kernel wrongly accepted one, the
 * child would become exit_code with broken arguments, which exits nonzero.
 * The program is named by a path that exists (/bin/exit_code, on the disk or
 * packed): as on Linux, execve finds the file before it reads argv, so a
 * name it cannot find would give ENOENT first.
 */
static void check_execve_in_child(char *page)
{
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0; /* the child counts only its own */
        char *bad_element[] = {"exit_code", (char *)1, NULL};
        char *good[] = {"exit_code", "0", NULL};
        expect_efault("execve of a NULL path", syscall3(SYS_execve, 0, (long)good, 0));
        expect_efault("execve of a path in kernel memory",
                      syscall3(SYS_execve, KERNEL_ADDRESS, (long)good, 0));
        expect_efault("execve with argv in kernel memory",
                      syscall3(SYS_execve, (long)"/bin/exit_code", KERNEL_ADDRESS, 0));
        expect_efault("execve with a bad pointer inside argv",
                      syscall3(SYS_execve, (long)"/bin/exit_code", (long)bad_element, 0));
        expect_efault("execve with envp in kernel memory",
                      syscall3(SYS_execve, (long)"/bin/exit_code", (long)good, KERNEL_ADDRESS));
        if (page != NULL) {
            /* "exit_code" without its NUL, ending at the hole: the string never ends. */
            char *name = page + PAGE_SIZE - 9;
            for (int i = 0; i < 9; i++)
                name[i] = "exit_code"[i];
            expect_efault("execve of a path that runs into an unmapped page",
                          syscall3(SYS_execve, (long)name, (long)good, 0));
        }
        _exit(failures);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        printf("badptr: FAILED: the execve checks (status 0x%x)\n", status);
        failures++;
    }
}

static void check_wait4(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    expect_efault("wait4 with its status in kernel memory",
                  syscall4(SYS_wait4, pid, KERNEL_ADDRESS, 0, 0));
    /* Whether that wait reaped the child is the kernel's choice: clean up either way. */
    waitpid(pid, NULL, 0);
}

int main(void)
{
    char *page = page_before_a_hole();
    check_write(page);
    check_read(page);
    check_time();
    check_execve_in_child(page);
    check_wait4();
    printf("badptr: %s (%d failed)\n", failures == 0 ? "passed" : "FAILED", failures);
    return failures;
}
