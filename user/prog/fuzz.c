/*
 * fuzz [CALLS] [SEED] [-v]: random system calls against the kernel.
 *
 * Children make the calls, BATCH at a time each, and the parent restarts
 * them until CALLS calls (default 3000) have been made: a child may die of
 * what it did (munmap of its own text, a bad signal to itself), block (a
 * read of an empty pipe it holds the writer of) or exit; the parent kills
 * one that takes longer than CHILD_TICKS and carries on. Each call's number
 * and arguments are drawn from a mix of valid values, edges (0, -1, the top
 * of the user half, page boundaries, INT_MAX) and garbage (random 64-bit
 * values, kernel addresses). The run is reproducible: SEED (printed at the
 * start, or taken from the command line) and the child's index decide every
 * call; -v prints each call before it is made, to find the one that broke.
 *
 * The kernel must survive, and give every frame back: free memory (sysinfo)
 * after the run, with every child reaped, must equal free memory before it
 * (after a warm-up round that lets the kernel heap reach its working size).
 * Exit status 0 when it does.
 *
 * Left out, because they would legitimately end or hang the run rather than
 * test the kernel: kill of anyone but the caller itself (kill(-1) or of the
 * parent or init; a signal to itself is rare, signal 0 mostly), execve (a
 * real program, sh say, would wait for input), exit and exit_group (they
 * would only end the child early; a garbage number may still hit them), reads of
 * the console (the child closes 0, 1 and 2 first, so the console is never
 * read or flooded), and sleeps longer than a few milliseconds (nanosleep's
 * time is capped; a blocked child is killed by the parent's timeout anyway).
 * Paths come from a small pool under the current directory (/tmp/fuzz when
 * there is a disk), never a file the system needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH       2000 /* calls per child */
#define CHILD_TICKS 200  /* 10 ms waits before a child is killed: 2 s */
#define PAGE_SIZE   4096
#define SCRATCH     (64 * PAGE_SIZE)
#define FINISHED    42 /* a child's status when it made its whole batch */

/* How the children ended. */
static int finished, exited_early, signaled, killed;

static uint64_t state;
static bool verbose;
static char *scratch; /* memory the child may pass to calls freely */

static uint64_t next(void)
{
    /* xorshift64*: small, fast, and the same on every machine. */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
    return n == 0 ? 0 : next() % n;
}

static const char *const paths[] = {
    "fuzzfile",  "fuzzdir",   "fuzzdir/inner",      "fuzzlink",       ".", "..", "",
    "/dev/null", "/dev/zero", "fuzzfile/not_a_dir", "/no/such/dir/x",
};

/* A number for an integer argument: small, edge or garbage. */
static uint64_t integer(void)
{
    switch (below(8)) {
    case 0: return below(4);
    case 1: return below(64);
    case 2: return (uint64_t)-1;
    case 3: return (uint64_t) - (int64_t)below(200);
    case 4: return 0x7fffffff;
    case 5: return 1ull << below(64);
    case 6: return below(PAGE_SIZE * 4);
    default: return next();
    }
}

/* A pointer: into scratch (valid), at its edges, or garbage and kernel addresses. */
static uint64_t pointer(void)
{
    uint64_t base = (uint64_t)scratch;
    switch (below(10)) {
    case 0:
    case 1:
    case 2: return base + below(SCRATCH);
    case 3: return base + SCRATCH - below(16); /* runs off the end */
    case 4: return (uint64_t)paths[below(sizeof(paths) / sizeof(paths[0]))];
    case 5: return 0;
    case 6: return 0xffffffff80200000ull + below(1 << 20); /* the kernel */
    case 7: return 0x4000000000ull - below(PAGE_SIZE);     /* the top of the user half */
    case 8: return (uint64_t)&state;                       /* the program's own data */
    default: return next();
    }
}

/* An address for the memory calls: page-aligned mostly, in scratch or the mmap area. */
static uint64_t address(void)
{
    switch (below(5)) {
    case 0: return (uint64_t)scratch + below(SCRATCH / PAGE_SIZE) * PAGE_SIZE;
    case 1: return 0x2000000000ull + below(256) * PAGE_SIZE;
    case 2: return below(1ull << 38) & ~(uint64_t)(PAGE_SIZE - 1);
    case 3: return pointer();
    default: return 0;
    }
}

static uint64_t length(void)
{
    switch (below(4)) {
    case 0: return below(8) * PAGE_SIZE;
    case 1: return below(2 * PAGE_SIZE);
    case 2: return integer();
    default: return below(64) * PAGE_SIZE + below(2);
    }
}

static const long numbers[] = {
    SYS_getcwd,     SYS_dup,        SYS_dup3,          SYS_fcntl,       SYS_ioctl,
    SYS_mkdirat,    SYS_unlinkat,   SYS_symlinkat,     SYS_linkat,      SYS_ftruncate,
    SYS_faccessat,  SYS_chdir,      SYS_fchdir,        SYS_openat,      SYS_close,
    SYS_pipe2,      SYS_getdents64, SYS_lseek,         SYS_read,        SYS_write,
    SYS_readv,      SYS_writev,     SYS_pread64,       SYS_pwrite64,    SYS_readlinkat,
    SYS_newfstatat, SYS_fstat,      SYS_sync,          SYS_fsync,       SYS_umask,
    SYS_renameat2,  SYS_nanosleep,  SYS_clock_gettime, SYS_sched_yield, SYS_kill,
    SYS_getpid,     SYS_getppid,    SYS_sysinfo,       SYS_brk,         SYS_munmap,
    SYS_clone,      SYS_mmap,       SYS_mprotect,      SYS_wait4,
};

/* One call, drawn and made. */
static void one_call(void)
{
    long number =
        below(16) == 0 ? (long)integer() : numbers[below(sizeof(numbers) / sizeof(numbers[0]))];
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = below(2) ? integer() : pointer();
    switch (number) {
    case SYS_kill:
        a[0] = (uint64_t)getpid(); /* only ever itself, and mostly signal 0 (a probe) */
        a[1] = below(8) == 0 ? a[1] : 0;
        break;
    case SYS_nanosleep:
        /* A short sleep at most: {0, up to 2 ms}, or a bad pointer. */
        if (below(2)) {
            struct timespec *t = (struct timespec *)(scratch + SCRATCH - 64);
            t->tv_sec = 0;
            t->tv_nsec = (long)below(2000000);
            a[0] = (uint64_t)t;
        }
        break;
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_brk:
        a[0] = address();
        a[1] = length();
        a[2] = below(8);
        break;
    case SYS_mmap:
        a[0] = address();
        a[1] = length();
        a[2] = below(8);
        a[3] =
            below(4) ? (MAP_PRIVATE | MAP_ANONYMOUS | (below(3) == 0 ? MAP_FIXED : 0)) : integer();
        a[4] = below(4) ? (uint64_t)-1 : integer();
        a[5] = below(4) ? 0 : integer();
        break;
    case SYS_read:
    case SYS_write:
    case SYS_pread64:
    case SYS_pwrite64:
        a[0] = below(4) ? below(12) : a[0];
        a[1] = pointer();
        a[2] = length();
        break;
    case SYS_wait4: a[2] |= 1; break; /* WNOHANG: never wait for a grandchild that hangs */
    default:
        if (below(2))
            a[0] = below(12); /* a descriptor or a dirfd that may exist */
        if (number == SYS_openat || number == SYS_mkdirat || number == SYS_unlinkat)
            a[1] = below(4) ? (uint64_t)paths[below(sizeof(paths) / sizeof(paths[0]))] : a[1];
        break;
    }
    if (verbose) {
        char line[160];
        int n = snprintf(line, sizeof(line), "fuzz: call %ld(%lx, %lx, %lx, %lx, %lx, %lx)\n",
                         number, a[0], a[1], a[2], a[3], a[4], a[5]);
        syscall3(SYS_write, 63, (long)line, n);
    }
    long result =
        syscall6(number, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
    if (number == SYS_clone && result == 0)
        _exit(0); /* a grandchild: gone at once */
}

/* One child's batch: its own scratch memory, the console out of reach, then the calls. */
static void child(uint64_t seed, int index, int calls)
{
    state = seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(index + 1));
    if (state == 0)
        state = 1;
    if (verbose)
        dup2(1, 63); /* the last descriptor: random calls reach it rarely */
    close(0);
    close(1);
    close(2);
    scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED)
        _exit(1);
    for (int i = 0; i < calls; i++)
        one_call();
    _exit(FINISHED);
}

/* Run `calls` calls in children, counting how they end. */
static void run(uint64_t seed, long calls, int first_index)
{
    for (int index = first_index; calls > 0; index++) {
        int batch = calls < BATCH ? (int)calls : BATCH;
        calls -= batch;
        pid_t pid = fork();
        if (pid < 0) {
            printf("fuzz: fork failed (errno %d)\n", errno);
            continue;
        }
        if (pid == 0)
            child(seed, index, batch);
        int status = 0;
        int ticks = 0;
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (++ticks == CHILD_TICKS) {
                kill(pid, SIGKILL);
                killed++;
                waitpid(pid, &status, 0);
                status = -1;
                break;
            }
            struct timespec tick = {0, 10 * 1000 * 1000};
            nanosleep(&tick, NULL);
        }
        if (status == -1)
            ;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == FINISHED)
            finished++;
        else if (WIFEXITED(status))
            exited_early++;
        else
            signaled++;
        /* Its own children, orphaned, may be ours now (when fuzz is init): reap them. */
        while (waitpid(-1, &status, WNOHANG) > 0)
            ;
    }
}

static long free_frames(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? (long)info.freeram : -1;
}

int main(int argc, char **argv)
{
    long calls = 3000;
    uint64_t seed = 0;
    int numbers_seen = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else if (numbers_seen++ == 0)
            calls = (long)strtoul(argv[i], NULL, 0);
        else
            seed = strtoul(argv[i], NULL, 0);
    }
    if (seed == 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        seed = (uint64_t)now.tv_nsec * 2654435761u + (uint64_t)now.tv_sec + 1;
    }
    printf("fuzz: seed %lu, %ld calls (reproduce: fuzz %ld %lu)\n", seed, calls, calls, seed);
    mkdir("/tmp/fuzz", 0755);
    chdir("/tmp/fuzz");
    run(seed ^ 0x5555, 2 * BATCH, 1000000); /* warm-up: the kernel heap reaches its working size */
    finished = exited_early = signaled = killed = 0;
    long before = free_frames();
    run(seed, calls, 0);
    long after = free_frames();
    printf("fuzz: children: %d made their whole batch, %d exited early, %d died of a signal, %d "
           "were killed for taking too long\n",
           finished, exited_early, signaled, killed);
    printf("fuzz: %ld calls drawn; free frames before %ld, after %ld: %s\n", calls, before, after,
           before == after ? "every frame is back" : "frames are missing");
    return before == after ? 0 : 1;
}
