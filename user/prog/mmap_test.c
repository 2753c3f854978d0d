/*
 * mmap_test: anonymous private mappings: fresh zero pages where the kernel
 * chooses or at a fixed address, partial munmap, read-only pages, copies on
 * fork, and the errors for bad arguments. Exit status: failed checks.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE     4096
#define FIXED_ADDRESS 0x20000000UL /* well away from the program and its heap */

static int failures;

static void check(bool ok, const char *what)
{
    printf("mmap_test: %s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        failures++;
}

static void *map(void *address, size_t length, int prot, int extra_flags)
{
    return mmap(address, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
}

/* Does a write to `address` in a child kill the child with SIGSEGV? */
static bool writing_faults(volatile char *address)
{
    pid_t pid = fork();
    if (pid == 0) {
        *address = 1;
        _exit(0);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
           WTERMSIG(status) == SIGSEGV;
}

static bool all_zero(const char *p, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

static void check_map_and_unmap(void)
{
    char *p = map(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    check(p != MAP_FAILED, "map three pages read-write");
    if (p == MAP_FAILED)
        return;
    check((uintptr_t)p % PAGE_SIZE == 0, "the mapping is page-aligned");
    check(all_zero(p, 3 * PAGE_SIZE), "new pages are zero");
    for (int i = 0; i < 3 * PAGE_SIZE; i++)
        p[i] = (char)(i + 1);
    check(munmap(p + PAGE_SIZE, PAGE_SIZE) == 0, "unmap the middle page");
    check(writing_faults(p + PAGE_SIZE), "the middle page is gone (SIGSEGV)");
    check(p[0] == 1 && p[2 * PAGE_SIZE] == (char)(2 * PAGE_SIZE + 1),
          "the pages on either side keep their bytes");
    check(munmap(p, 3 * PAGE_SIZE) == 0, "unmap the rest, hole and all");
    check(writing_faults(p), "and it is gone too");
}

static void check_fixed_and_read_only(void)
{
    char *fixed = map((void *)FIXED_ADDRESS, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED);
    check(fixed == (char *)FIXED_ADDRESS, "MAP_FIXED maps exactly where asked");
    if (fixed != MAP_FAILED) {
        fixed[0] = 'F';
        /* Over an existing mapping, MAP_FIXED replaces it: a fresh zeroed page. */
        char *again = map(fixed, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED);
        check(again == fixed && again[0] == 0, "MAP_FIXED over a mapping replaces it");
        munmap(fixed, PAGE_SIZE);
    }

    char *read_only = map(NULL, PAGE_SIZE, PROT_READ, 0);
    check(read_only != MAP_FAILED && all_zero(read_only, PAGE_SIZE),
          "a PROT_READ page can be read");
    if (read_only != MAP_FAILED) {
        check(writing_faults(read_only), "but not written (SIGSEGV)");
        munmap(read_only, PAGE_SIZE);
    }
}

static void check_fork_copies(void)
{
    char *p = map(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    if (p == MAP_FAILED) {
        check(false, "map a page to fork with");
        return;
    }
    p[0] = 'P';
    pid_t pid = fork();
    if (pid == 0) {
        bool seen = p[0] == 'P';
        p[0] = 'C';
        _exit(seen ? 0 : 1);
    }
    int status;
    check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0,
          "a child sees the parent's mapping");
    check(p[0] == 'P', "a private mapping is not shared: the child's write stays in the child");
    munmap(p, PAGE_SIZE);
}

static void check_errors(void)
{
    check(map(NULL, 0, PROT_READ, 0) == MAP_FAILED && errno == EINVAL,
          "mmap of length 0 is EINVAL");
    char *p = map(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    if (p != MAP_FAILED) {
        check(munmap(p + 1, PAGE_SIZE) < 0 && errno == EINVAL,
              "munmap of an unaligned address is EINVAL");
        munmap(p, PAGE_SIZE);
    }
    check(map((void *)0xffffffff80000000UL, PAGE_SIZE, PROT_READ, MAP_FIXED) == MAP_FAILED,
          "MAP_FIXED in the kernel half is refused");
    check(map(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, 0) == MAP_FAILED &&
              errno == EACCES,
          "writable and executable at once is refused (EACCES)");
}

int main(void)
{
    check_map_and_unmap();
    check_fixed_and_read_only();
    check_fork_copies();
    check_errors();
    printf("mmap_test: %s (%d failed)\n", failures == 0 ? "passed" : "FAILED", failures);
    return failures;
}
