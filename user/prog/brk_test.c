/*
 * brk_test: the program break, grown, used, shrunk and grown again, and
 * malloc on top of it. Memory given back must really be gone (touching it
 * kills a child with SIGSEGV), and memory that comes back must be zeros.
 * Exit status: the number of failed checks.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE 4096
#define GROWTH    (64 * 1024)

static int failures;

static void check(bool ok, const char *what)
{
    printf("brk_test: %s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok)
        failures++;
}

static uintptr_t page_up(uintptr_t address)
{
    return (address + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
}

/* Does touching `address` in a child kill the child with SIGSEGV? */
static bool touching_faults(volatile char *address)
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

static void check_grow_shrink(void)
{
    char *start = sbrk(0);
    check(start != (char *)-1 && start != NULL, "sbrk(0) gives the break");
    check(sbrk(GROWTH) == start, "sbrk(64 KiB) returns the old break");
    check(sbrk(0) == start + GROWTH, "the break moved up by 64 KiB");

    for (int i = 0; i < GROWTH; i++)
        start[i] = (char)(i * 7);
    bool same = true;
    for (int i = 0; i < GROWTH; i++)
        same = same && start[i] == (char)(i * 7);
    check(same, "all 64 KiB hold what was written");

    check(sbrk(-GROWTH / 2) == start + GROWTH, "sbrk(-32 KiB) returns the old break");
    check(sbrk(0) == start + GROWTH / 2, "the break moved down by 32 KiB");
    char *gone = (char *)page_up((uintptr_t)(start + GROWTH / 2));
    check(touching_faults(gone), "a page above the lowered break faults (SIGSEGV)");

    check(sbrk(GROWTH / 2) == start + GROWTH / 2, "sbrk grows it back");
    bool zeros = true;
    for (char *p = gone; p < start + GROWTH; p++)
        zeros = zeros && *p == 0;
    check(zeros, "pages that come back are zero-filled");

    check(brk(start - PAGE_SIZE) < 0, "brk below the start of the heap is refused");
    check(sbrk(0) == start + GROWTH, "and leaves the break where it was");
    check(sbrk(1L << 36) == (void *)-1 && errno == ENOMEM, "a 64 GiB heap is refused (ENOMEM)");
    check(sbrk(-GROWTH) == start + GROWTH && sbrk(0) == start, "the heap shrinks to empty");
}

static void check_fork_copies_heap(void)
{
    char *p = sbrk(PAGE_SIZE);
    strcpy(p, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        bool seen = strcmp(p, "parent") == 0;
        strcpy(p, "child");
        _exit(seen ? 0 : 1);
    }
    int status;
    check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0,
          "a child sees a copy of the parent's heap");
    check(strcmp(p, "parent") == 0, "the child's writes do not reach the parent");
    sbrk(-PAGE_SIZE);
}

static void check_malloc(void)
{
    enum { BLOCKS = 200 };
    char *blocks[BLOCKS];
    bool ok = true;
    for (int i = 0; i < BLOCKS; i++) {
        size_t size = (size_t)(i * 37 % 3000) + 1;
        blocks[i] = malloc(size);
        ok = ok && blocks[i] != NULL && (uintptr_t)blocks[i] % 16 == 0;
        if (blocks[i] != NULL)
            memset(blocks[i], i, size);
    }
    check(ok, "200 mallocs of 1..3000 bytes, each 16-byte aligned");
    for (int i = 0; i < BLOCKS; i++) {
        size_t size = (size_t)(i * 37 % 3000) + 1;
        for (size_t j = 0; j < size; j++)
            ok = ok && blocks[i][j] == (char)i;
    }
    check(ok, "no block overlaps another");
    for (int i = 0; i < BLOCKS; i += 2)
        free(blocks[i]);
    char *big = malloc(100 * 1024);
    check(big != NULL, "a 100 KiB malloc after freeing half");
    for (int i = 1; i < BLOCKS; i += 2)
        free(blocks[i]);
    free(big);
    char *again = malloc(2000);
    check(again != NULL && again == blocks[0], "freed memory is reused from the start");
    char *bigger = realloc(again, 8000);
    check(bigger != NULL, "realloc to a larger size");
    free(bigger);
    int *zeros = calloc(1000, sizeof(int));
    bool all_zero = zeros != NULL;
    for (int i = 0; zeros != NULL && i < 1000; i++)
        all_zero = all_zero && zeros[i] == 0;
    check(all_zero, "calloc gives zeros, even from reused memory");
    free(zeros);
}

int main(void)
{
    check_grow_shrink();
    check_fork_copies_heap();
    check_malloc();
    printf("brk_test: %s (%d failed)\n", failures == 0 ? "passed" : "FAILED", failures);
    return failures;
}
