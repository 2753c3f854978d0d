/*
 * burn [PROCESSES] [ROUNDS]: CPU-bound work in PROCESSES processes (4) at
 * once, ROUNDS rounds each (20000000): a loop of integer arithmetic, no
 * system call, no memory but a few registers. It prints how long the whole
 * took, as the `time` CSR (clock_gettime) sees it, and exits 0 if every
 * process got the same answer. The parent only waits.
 *
 * scripts/smp_scaling.py runs it with 1, 2 and 4 harts: with as many harts
 * as processes, the wall time should fall as the harts rise, as far as the
 * host has cores to run them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t work(long rounds)
{
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    for (long i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static uint64_t now_us(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    int processes = argc > 1 ? atoi(argv[1]) : 4;
    long rounds = argc > 2 ? atoi(argv[2]) : 20000000;
    uint64_t start = now_us();
    for (int p = 0; p < processes; p++) {
        if (fork() == 0)
            _exit((int)(work(rounds) & 0x7f));
    }
    /* Every process computes the same thing: they must all answer alike. */
    int first = -1;
    int same = 0;
    int status;
    while (wait(&status) > 0) {
        int answer = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
        if (first == -1)
            first = answer;
        same += answer == first && answer >= 0;
    }
    uint64_t took = now_us() - start;
    printf("burn: %d processes x %ld rounds in %lu.%03lu s, %d of %d answers right\n", processes,
           rounds, took / 1000000, took / 1000 % 1000, same, processes);
    return same == processes ? 0 : 1;
}
