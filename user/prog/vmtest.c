/*
 * vmtest CASE [ARG]: virtual memory as a program sees it (issue 15, memory):
 * copy-on-write fork, demand-zero pages, stack growth, mprotect, munmap in
 * the middle, PROT_NONE, and brk beside a mapping. usertests runs one case
 * per table entry. Exit status: the number of failed checks, or death by
 * the signal the case expects (the table says which).
 *
 *   brk_foreign       brk never grows over a mapping placed at the break
 *   prot_none         PROT_NONE memory: -EFAULT for the kernel, kept bytes
 *   prot_none_read    reads a PROT_NONE page: must die of SIGSEGV
 *   cow               fork: writes stay private, reads share the frames
 *   fork_big_heap     fork of an 8 MiB heap takes page tables, not 2048 frames
 *   demand_zero       anonymous memory takes frames only when touched
 *   stack KIB         recursion KIB KiB deep: grows the stack (dies past 8 MiB)
 *   mprotect          read-only, PROT_NONE and back; a page in the middle
 *   munmap_middle     a hole in the middle of a mapping
 *
 * Frame counts come from sysinfo (freeram is in frames here): each check
 * allows the kernel's own small allocations (its heap, page tables) a margin
 * far below what copying would cost.
 */
#include <sys/free_frames.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE 4096
#define MARGIN    24 /* frames the kernel may take for itself meanwhile */

static int failures;

#define CHECK(condition) check((condition), #condition, __LINE__)

static void check(bool ok, const char *text, int line)
{
    if (!ok) {
        printf("    # vmtest.c:%d: CHECK failed: %s (errno %d)\n", line, text, errno);
        failures++;
    }
}

static long free_frames(void)
{
    return free_frames_settled(); /* sys/free_frames.h: once the count holds still */
}

static char *map(void *address, size_t length, int prot, int extra_flags)
{
    return mmap(address, length, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
}

/* Does `how` (0 read, 1 write) of `address` in a child kill the child with SIGSEGV? */
static bool access_faults(volatile char *address, int how)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (how == 0)
            _exit(*address == 42 ? 1 : 0);
        *address = 1;
        _exit(0);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
           WTERMSIG(status) == SIGSEGV;
}

/* Defect 4: a read-only MAP_FIXED mapping at the break; brk must not grow over it. */
static void case_brk_foreign(void)
{
    uintptr_t start = (uintptr_t)syscall1(SYS_brk, 0);
    uintptr_t page = (start + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    if (page != start) {
        /* Bring the break to a page boundary first, so the mapping sits right at it. */
        CHECK((uintptr_t)syscall1(SYS_brk, (long)page) == page);
    }
    char *mapping = map((void *)page, 2 * PAGE_SIZE, PROT_READ, MAP_FIXED);
    CHECK(mapping == (char *)page);
    uintptr_t result = (uintptr_t)syscall1(SYS_brk, (long)(page + 4 * PAGE_SIZE));
    CHECK(result == page); /* Linux: the old break, unchanged */
    errno = 0;
    CHECK(sbrk(PAGE_SIZE) == (void *)-1 && errno == ENOMEM);
    /* The mapping is still the program's own, read-only. */
    CHECK(mapping[0] == 0);
    CHECK(access_faults(mapping, 1));
    /* Past the mapping's end the break may still not jump: brk grows from where it is. */
    CHECK((uintptr_t)syscall1(SYS_brk, 0) == page);
    /* Once the mapping is gone, brk grows there again, with zero pages. */
    CHECK(munmap(mapping, 2 * PAGE_SIZE) == 0);
    CHECK((uintptr_t)syscall1(SYS_brk, (long)(page + 4 * PAGE_SIZE)) == page + 4 * PAGE_SIZE);
    ((volatile char *)page)[PAGE_SIZE] = 7;
    CHECK(((volatile char *)page)[PAGE_SIZE] == 7);
}

/* Defect 5: PROT_NONE is unreadable for the kernel on the program's behalf, and keeps its bytes. */
static void case_prot_none(void)
{
    char *none = map(NULL, PAGE_SIZE, PROT_NONE, 0);
    CHECK(none != MAP_FAILED);
    errno = 0;
    CHECK(write(1, none, 1) == -1 && errno == EFAULT);
    int fds[2];
    CHECK(pipe(fds) == 0);
    errno = 0;
    CHECK(write(fds[1], none, 16) == -1 && errno == EFAULT);
    CHECK(write(fds[1], "abcd", 4) == 4);
    errno = 0;
    CHECK(read(fds[0], none, 4) == -1 && errno == EFAULT);
    close(fds[0]);
    close(fds[1]);
    /* Made PROT_NONE after being written: the bytes wait for mprotect back. */
    char *page = map(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    strcpy(page, "still here");
    CHECK(mprotect(page, PAGE_SIZE, PROT_NONE) == 0);
    errno = 0;
    CHECK(write(1, page, 1) == -1 && errno == EFAULT);
    CHECK(access_faults(page, 0));
    CHECK(mprotect(page, PAGE_SIZE, PROT_READ) == 0);
    CHECK(strcmp(page, "still here") == 0);
}

static void case_prot_none_read(void)
{
    volatile char *none = map(NULL, PAGE_SIZE, PROT_NONE, 0);
    printf("    # vmtest: reading a PROT_NONE page (must die of SIGSEGV)\n");
    char value = none[0];
    printf("    # vmtest: read %d from a PROT_NONE page and lived\n", value);
}

/* fork: each side's writes stay its own; pages only read stay shared (no frame per page). */
static void case_cow(void)
{
    enum { PAGES = 256 };
    char *buffer = map(NULL, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    CHECK(buffer != MAP_FAILED);
    for (int i = 0; i < PAGES; i++)
        memset(buffer + i * PAGE_SIZE, 'a' + i % 26, PAGE_SIZE);
    int go[2];
    CHECK(pipe(go) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: waits until the parent has written, then looks. */
        char byte;
        long start = free_frames();
        if (read(go[0], &byte, 1) != 1)
            _exit(100);
        int wrong = 0;
        long sum = 0;
        for (int i = 0; i < PAGES; i++)
            sum += buffer[i * PAGE_SIZE + 7];
        long after_reads = free_frames();
        if (buffer[0] != 'a') /* the parent's write is not seen here */
            wrong |= 1;
        if (start - after_reads > MARGIN) /* reading 256 shared pages copies none */
            wrong |= 2;
        for (int i = 1; i <= 16; i++) /* not page 0: the parent's write made it the child's alone */
            buffer[i * PAGE_SIZE] = 'C';
        if (start - free_frames() < 16) /* 16 writes, 16 private frames */
            wrong |= 4;
        if (sum == 0)
            wrong |= 8;
        _exit(wrong);
    }
    CHECK(pid > 0);
    buffer[0] = 'P'; /* the parent writes while the child still shares the page */
    CHECK(write(go[1], "x", 1) == 1);
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        printf("    # vmtest: the child's status 0x%x\n", status);
    CHECK(buffer[0] == 'P');         /* its own write */
    CHECK(buffer[PAGE_SIZE] == 'b'); /* the child's 'C' is not seen here */
    CHECK(buffer[(PAGES - 1) * PAGE_SIZE] == 'a' + (PAGES - 1) % 26);
    close(go[0]);
    close(go[1]);
}

/* fork of an 8 MiB heap: page tables only; and every frame comes back when the child is reaped. */
static void case_fork_big_heap(void)
{
    enum { BYTES = 8 * 1024 * 1024 };
    char *heap = sbrk(BYTES);
    CHECK(heap != (void *)-1);
    if (heap == (void *)-1)
        return;
    for (long i = 0; i < BYTES; i += PAGE_SIZE)
        heap[i] = (char)(i / PAGE_SIZE);
    long before = free_frames();
    int ready[2], done[2];
    CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        heap[5 * PAGE_SIZE] = 'c';
        char byte = 1;
        write(ready[1], &byte, 1);
        read(done[0], &byte, 1); /* until the parent has measured */
        _exit(heap[6 * PAGE_SIZE] == 6 ? 0 : 1);
    }
    char byte;
    CHECK(read(ready[0], &byte, 1) == 1);
    long during = free_frames();
    printf("    # vmtest: fork of an 8 MiB heap took %ld frames (2048 if it copied)\n",
           before - during);
    CHECK(before - during < 64);
    CHECK(write(done[1], "x", 1) == 1);
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(heap[5 * PAGE_SIZE] == 5);
    CHECK(free_frames() >= before - 2); /* the child's frames are back */
    close(ready[0]);
    close(ready[1]);
    close(done[0]);
    close(done[1]);
}

/* Anonymous memory: a frame per page touched, none for the rest; and every byte zero. */
static void case_demand_zero(void)
{
    enum { PAGES = 1024, TOUCHED = 100 };
    long before = free_frames();
    char *memory = map(NULL, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    CHECK(memory != MAP_FAILED);
    long mapped = free_frames();
    CHECK(before - mapped < MARGIN / 4); /* 4 MiB mapped, nothing taken */
    int nonzero = 0;
    for (int i = 0; i < TOUCHED; i++) {
        for (int j = 0; j < PAGE_SIZE; j += 512)
            nonzero += memory[i * 7 * PAGE_SIZE % (PAGES * PAGE_SIZE) + j] != 0;
    }
    CHECK(nonzero == 0);
    long touched = free_frames();
    printf("    # vmtest: 4 MiB mapped took %ld frames, %d pages touched %ld more\n",
           before - mapped, TOUCHED, mapped - touched);
    CHECK(mapped - touched >= TOUCHED);
    CHECK(mapped - touched < TOUCHED + MARGIN);
    CHECK(munmap(memory, PAGES * PAGE_SIZE) == 0);
    CHECK(free_frames() >= before - 2);
    /* brk's pages too. */
    long heap_before = free_frames();
    char *heap = sbrk(64 * PAGE_SIZE);
    CHECK(heap != (void *)-1);
    CHECK(heap_before - free_frames() < 4);
    heap[63 * PAGE_SIZE] = 1;
    CHECK(heap[62 * PAGE_SIZE] == 0);
}

/* Each call holds a KiB of stack; `depth` calls deep. */
static int recurse(int depth)
{
    volatile char frame[1000];
    frame[0] = (char)depth;
    frame[999] = 1;
    if (depth <= 1)
        return frame[999];
    return recurse(depth - 1) + frame[0] - (char)depth + frame[999] - 1 + 0 * frame[500];
}

static void case_stack(int kib)
{
    long before = free_frames();
    int result = recurse(kib);
    long used = before - free_frames();
    printf("    # vmtest: %d KiB of recursion took %ld frames of stack\n", kib, used);
    CHECK(result == 1);
    CHECK(used >= kib / 4 * 9 / 10); /* a frame per 4 KiB deep, give or take the frames' size */
}

static void case_mprotect(void)
{
    char *pages = map(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    CHECK(pages != MAP_FAILED);
    for (int i = 0; i < 3; i++)
        pages[i * PAGE_SIZE] = (char)('a' + i);
    /* The middle page read-only: it reads, a write faults; its neighbours still write. */
    CHECK(mprotect(pages + PAGE_SIZE, PAGE_SIZE, PROT_READ) == 0);
    CHECK(pages[PAGE_SIZE] == 'b');
    CHECK(access_faults(pages + PAGE_SIZE, 1));
    pages[0] = 'A';
    pages[2 * PAGE_SIZE] = 'C';
    CHECK(!access_faults(pages, 1) && !access_faults(pages + 2 * PAGE_SIZE, 1));
    /* The kernel refuses to write there for the program too. */
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], "zz", 2) == 2);
    errno = 0;
    CHECK(read(fds[0], pages + PAGE_SIZE, 2) == -1 && errno == EFAULT);
    close(fds[0]);
    close(fds[1]);
    /* PROT_NONE: a read faults. Back to read-write: the bytes are there and writable. */
    CHECK(mprotect(pages + PAGE_SIZE, PAGE_SIZE, PROT_NONE) == 0);
    CHECK(access_faults(pages + PAGE_SIZE, 0));
    CHECK(mprotect(pages, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE) == 0);
    CHECK(pages[PAGE_SIZE] == 'b');
    pages[PAGE_SIZE] = 'B';
    CHECK(pages[0] == 'A' && pages[PAGE_SIZE] == 'B' && pages[2 * PAGE_SIZE] == 'C');
    /* A page never touched, made read-only: reads as zero. */
    char *fresh = map(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    CHECK(mprotect(fresh, PAGE_SIZE, PROT_READ) == 0);
    CHECK(fresh[100] == 0);
    CHECK(access_faults(fresh, 1));
    /* Linux's errors. */
    errno = 0;
    CHECK(mprotect(pages + 1, PAGE_SIZE, PROT_READ) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(mprotect(pages, PAGE_SIZE, PROT_WRITE | PROT_EXEC) == -1 && errno == EACCES);
    CHECK(munmap(pages + 2 * PAGE_SIZE, PAGE_SIZE) == 0);
    errno = 0;
    CHECK(mprotect(pages, 3 * PAGE_SIZE, PROT_READ) == -1 && errno == ENOMEM);
    errno = 0; /* a protection bit Linux does not know */
    CHECK(mprotect(pages, PAGE_SIZE, 0x1000) == -1 && errno == EINVAL);
}

static void case_munmap_middle(void)
{
    char *pages = map(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
    CHECK(pages != MAP_FAILED);
    for (int i = 0; i < 3; i++)
        memset(pages + i * PAGE_SIZE, 'a' + i, PAGE_SIZE);
    long before = free_frames();
    CHECK(munmap(pages + PAGE_SIZE, PAGE_SIZE) == 0);
    CHECK(free_frames() - before >= 1); /* its frame went back */
    CHECK(access_faults(pages + PAGE_SIZE, 0));
    CHECK(pages[0] == 'a' && pages[PAGE_SIZE - 1] == 'a');
    CHECK(pages[2 * PAGE_SIZE] == 'c' && pages[3 * PAGE_SIZE - 1] == 'c');
    pages[0] = 'A';
    pages[2 * PAGE_SIZE] = 'C';
    CHECK(pages[0] == 'A' && pages[2 * PAGE_SIZE] == 'C');
    CHECK(munmap(pages + PAGE_SIZE, PAGE_SIZE) == 0); /* nothing there: fine */
    /* The hole takes a new mapping, zero-filled. */
    char *again = map(pages + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED);
    CHECK(again == pages + PAGE_SIZE);
    CHECK(again[0] == 0);
    CHECK(munmap(pages, 3 * PAGE_SIZE) == 0);
    CHECK(access_faults(pages, 0) && access_faults(pages + 2 * PAGE_SIZE, 0));
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "";
    if (strcmp(name, "brk_foreign") == 0)
        case_brk_foreign(); /* first: the break must not have moved yet */
    else if (strcmp(name, "prot_none") == 0)
        case_prot_none();
    else if (strcmp(name, "prot_none_read") == 0)
        case_prot_none_read();
    else if (strcmp(name, "cow") == 0)
        case_cow();
    else if (strcmp(name, "fork_big_heap") == 0)
        case_fork_big_heap();
    else if (strcmp(name, "demand_zero") == 0)
        case_demand_zero();
    else if (strcmp(name, "stack") == 0)
        case_stack(argc > 2 ? atoi(argv[2]) : 1024);
    else if (strcmp(name, "mprotect") == 0)
        case_mprotect();
    else if (strcmp(name, "munmap_middle") == 0)
        case_munmap_middle();
    else {
        printf("usage: vmtest brk_foreign|prot_none|prot_none_read|cow|fork_big_heap|"
               "demand_zero|stack KIB|mprotect|munmap_middle\n");
        return 100;
    }
    return failures > 99 ? 99 : failures;
}
