/*
 * bench_syscall: what system calls cost, in guest instructions.
 *
 * Run by `make bench` (src/exec/exec_bench.c starts it) under
 * `qemu -icount shift=0`, where the instret counter counts every guest
 * instruction exactly, kernel ones included. rdinstret is readable in user
 * mode because the kernel sets scounteren. Each figure is a median, so the
 * few samples that a timer tick lands in do not move it. It prints lines
 * that scripts/bench.py collects:
 *
 *     BENCH <key> <value> insns <how it was measured>
 *
 * and exits 0 only if every figure was measured. Run by hand (without
 * -icount) instret is not exact, and the program says so instead of
 * printing figures that mean nothing.
 */
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "raw_thread.h"

#define SAMPLES      1001
#define FORK_SAMPLES 101

static uint64_t samples[SAMPLES];

static inline uint64_t instret(void)
{
    uint64_t value;
    asm volatile("rdinstret %0" : "=r"(value));
    return value;
}

static uint64_t median(uint64_t *values, int count)
{
    /* Insertion sort: small arrays, and no library sort to trust. */
    for (int i = 1; i < count; i++) {
        uint64_t value = values[i];
        int j = i - 1;
        for (; j >= 0 && values[j] > value; j--)
            values[j + 1] = values[j];
        values[j + 1] = value;
    }
    return values[count / 2];
}

static int return_zero(void *arg)
{
    (void)arg;
    return 0;
}

/*
 * pthread_create + pthread_join of a thread that does nothing, the way
 * glibc makes them: clone with the thread flags, the thread's exit (93),
 * and the join's futex wait on the CLEARTID word until the exit wakes it.
 */
static uint64_t measure_thread_create_join(void)
{
    /* Mapped here, not a static array: a bigger image would make the fork figures above grow. */
    char *stack =
        mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static int tid;
    if (stack == MAP_FAILED)
        return 0;
    for (int i = 0; i < FORK_SAMPLES; i++) {
        uint64_t before = instret();
        if (spawn(return_zero, NULL, stack, &tid) <= 0)
            return 0;
        join(&tid);
        samples[i] = instret() - before;
    }
    munmap(stack, STACK_SIZE);
    return median(samples, FORK_SAMPLES);
}

static void empty_handler(int signal)
{
    (void)signal;
}

/*
 * One signal round trip: raise (tgkill to itself), the frame pushed on the
 * way out of that call, the empty handler, and rt_sigreturn through the
 * kernel's trampoline page back to after the raise.
 */
static uint64_t measure_signal_roundtrip(void)
{
    struct sigaction action = {.sa_handler = empty_handler};
    sigaction(SIGUSR1, &action, NULL);
    pid_t pid = (pid_t)syscall0(SYS_getpid);
    uint64_t empty = instret();
    empty = instret() - empty;
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t before = instret();
        syscall3(SYS_tgkill, pid, pid, SIGUSR1);
        samples[i] = instret() - before - empty;
    }
    return median(samples, SAMPLES);
}

/* One getpid round trip: user stub, ecall, trap entry, dispatch, handler, sret. */
static uint64_t measure_getpid(void)
{
    uint64_t empty = instret();
    empty = instret() - empty; /* what two back-to-back reads add */
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t before = instret();
        syscall0(SYS_getpid);
        samples[i] = instret() - before - empty;
    }
    return median(samples, SAMPLES);
}

/* fork, the child's exit, and the parent's wait4 that reaps it: a whole process's life. */
static uint64_t measure_fork_exit_wait(const char *program)
{
    for (int i = 0; i < FORK_SAMPLES; i++) {
        uint64_t before = instret();
        pid_t pid = fork();
        if (pid == 0) {
            if (program != NULL) {
                char *argv[] = {(char *)program, "0", NULL};
                execv(program, argv);
            }
            _exit(0);
        }
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
            return 0;
        samples[i] = instret() - before;
    }
    return median(samples, FORK_SAMPLES);
}

#define FAULT_SAMPLES 101
#define PAGE_SIZE     4096

/* What two back-to-back rdinstret reads add to a measurement. */
static uint64_t empty_cost(void)
{
    uint64_t empty = instret();
    return instret() - empty;
}

/* One first-touch write fault on anonymous memory: a zeroed frame mapped. */
static uint64_t measure_zero_fault(void)
{
    volatile char *pages = mmap(NULL, FAULT_SAMPLES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        return 0;
    uint64_t empty = empty_cost();
    for (int i = 0; i < FAULT_SAMPLES; i++) {
        uint64_t before = instret();
        pages[i * PAGE_SIZE] = 1;
        samples[i] = instret() - before - empty;
    }
    munmap((void *)pages, FAULT_SAMPLES * PAGE_SIZE);
    return median(samples, FAULT_SAMPLES);
}

/*
 * One write fault on a page fork left shared, the copy included: the child
 * writes pages its parent still holds (the parent waits in wait4), and sends
 * its median back through a pipe.
 */
static uint64_t measure_cow_fault(void)
{
    volatile char *pages = mmap(NULL, FAULT_SAMPLES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int channel[2];
    if (pages == MAP_FAILED || pipe(channel) != 0)
        return 0;
    for (int i = 0; i < FAULT_SAMPLES; i++)
        pages[i * PAGE_SIZE] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t empty = empty_cost();
        for (int i = 0; i < FAULT_SAMPLES; i++) {
            uint64_t before = instret();
            pages[i * PAGE_SIZE] = 2;
            samples[i] = instret() - before - empty;
        }
        uint64_t result = median(samples, FAULT_SAMPLES);
        _exit(write(channel[1], &result, sizeof(result)) == sizeof(result) ? 0 : 1);
    }
    uint64_t result = 0;
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0 ||
        read(channel[0], &result, sizeof(result)) != sizeof(result))
        result = 0;
    close(channel[0]);
    close(channel[1]);
    munmap((void *)pages, FAULT_SAMPLES * PAGE_SIZE);
    return result;
}

/*
 * Under -icount, two back-to-back rdinstret differ by exactly the
 * instructions between them. Without it, QEMU derives instret from the
 * host's clock: the difference is large, or wraps below zero.
 */
static int instret_is_exact(void)
{
    for (int i = 0; i < 16; i++) {
        uint64_t before = instret();
        uint64_t after = instret();
        if (after < before || after - before > 8)
            return 0;
    }
    return 1;
}

int main(void)
{
    if (!instret_is_exact()) {
        printf("bench_syscall: instret does not count instructions exactly here; the figures "
               "would mean nothing.\n"
               "Run `make bench`: it boots the kernel under qemu -icount shift=0, where it "
               "does.\n");
        return 2;
    }
    uint64_t getpid_cost = measure_getpid();
    uint64_t fork_cost = measure_fork_exit_wait(NULL);
    uint64_t exec_cost = measure_fork_exit_wait("exit_code");
    uint64_t zero_fault_cost = measure_zero_fault();
    uint64_t cow_fault_cost = measure_cow_fault();
    uint64_t signal_cost = measure_signal_roundtrip();
    uint64_t thread_cost = measure_thread_create_join();
    if (getpid_cost == 0 || fork_cost == 0 || exec_cost <= fork_cost || zero_fault_cost == 0 ||
        cow_fault_cost == 0 || thread_cost == 0) {
        printf("bench_syscall: a measurement failed\n");
        return 1;
    }
    printf("BENCH syscall_getpid_insns %lu insns user-mode getpid round trip, rdinstret around "
           "the ecall, median of %d\n",
           getpid_cost, SAMPLES);
    printf("BENCH fork_exit_wait_insns %lu insns fork + child _exit + parent wait4, median of "
           "%d\n",
           fork_cost, FORK_SAMPLES);
    printf("BENCH execve_insns %lu insns execve of exit_code (a small program) to its exit: "
           "median of fork+execve+exit+wait4 minus median of fork+exit+wait4, %d each\n",
           exec_cost - fork_cost, FORK_SAMPLES);
    printf("BENCH zero_fault_insns %lu insns one first-touch write to anonymous memory: fault, "
           "zeroed frame, mapping, back; rdinstret around the store, median of %d\n",
           zero_fault_cost, FAULT_SAMPLES);
    printf("BENCH cow_fault_insns %lu insns one write to a page fork left shared (the parent "
           "still holds it): fault, 4 KiB copy, remap, back; median of %d\n",
           cow_fault_cost, FAULT_SAMPLES);
    printf("BENCH signal_roundtrip_insns %lu insns raise (tgkill to itself), an empty handler "
           "and rt_sigreturn back: rdinstret around the ecall, median of %d\n",
           signal_cost, SAMPLES);
    printf("BENCH thread_create_join_insns %lu insns a thread made as pthread_create makes it "
           "(clone with CLONE_THREAD), its exit, and the join's futex wait on the CLEARTID "
           "word: median of %d\n",
           thread_cost, FORK_SAMPLES);
    return 0;
}
