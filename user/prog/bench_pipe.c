/*
 * bench_pipe: what pipes cost, in guest instructions (make bench; see
 * bench_syscall.c for how rdinstret counts under qemu -icount).
 *
 *   pipe_roundtrip_insns           one byte to a child through one pipe, and back through
 *                                  another: two writes, two reads, two switches between
 *                                  processes; median of 1001, measured in the parent
 *   pipe_throughput_insns_per_kib  1 MiB from a child in 4096-byte writes, read in
 *                                  4096-byte reads: all the instructions of both
 *                                  processes from the first read to the last, per KiB
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SAMPLES 1001
#define TOTAL   (1024 * 1024)
#define PIECE   4096

static uint64_t samples[SAMPLES];

static inline uint64_t instret(void)
{
    uint64_t value;
    asm volatile("rdinstret %0" : "=r"(value));
    return value;
}

static uint64_t median(uint64_t *values, int count)
{
    for (int i = 1; i < count; i++) {
        uint64_t value = values[i];
        int j = i - 1;
        for (; j >= 0 && values[j] > value; j--)
            values[j + 1] = values[j];
        values[j + 1] = value;
    }
    return values[count / 2];
}

static uint64_t measure_roundtrip(void)
{
    int there[2], back[2];
    if (pipe(there) < 0 || pipe(back) < 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        close(there[1]); /* else its own write end would keep its read from ever ending */
        close(back[0]);
        char byte;
        while (read(there[0], &byte, 1) == 1)
            write(back[1], &byte, 1);
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    char byte = 'x';
    /* A few round trips first, so the child is in its loop, blocked in read. */
    for (int i = 0; i < 10; i++) {
        write(there[1], &byte, 1);
        read(back[0], &byte, 1);
    }
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t before = instret();
        write(there[1], &byte, 1);
        read(back[0], &byte, 1);
        samples[i] = instret() - before;
    }
    close(there[1]); /* the child's read sees the end */
    waitpid(pid, NULL, 0);
    close(back[0]);
    return median(samples, SAMPLES);
}

static uint64_t measure_throughput(void)
{
    static char buffer[PIECE];
    int fds[2];
    if (pipe(fds) < 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (int sent = 0; sent < TOTAL; sent += PIECE)
            write(fds[1], buffer, PIECE);
        _exit(0);
    }
    close(fds[1]);
    long received = 0;
    uint64_t before = instret();
    for (;;) {
        ssize_t got = read(fds[0], buffer, sizeof(buffer));
        if (got <= 0)
            break;
        received += got;
    }
    uint64_t spent = instret() - before;
    close(fds[0]);
    waitpid(pid, NULL, 0);
    return received == TOTAL ? spent / (TOTAL / 1024) : 0;
}

int main(void)
{
    uint64_t roundtrip = measure_roundtrip();
    uint64_t per_kib = measure_throughput();
    if (roundtrip == 0 || per_kib == 0) {
        printf("bench_pipe: a measurement failed\n");
        return 1;
    }
    printf("BENCH pipe_roundtrip_insns %lu insns one byte to a child process and back through "
           "two pipes (2 writes, 2 reads, 2 switches), median of %d\n",
           roundtrip, SAMPLES);
    printf("BENCH pipe_throughput_insns_per_kib %lu insns/KiB 1 MiB from a child in %d-byte "
           "writes and reads, both processes counted, first read to last\n",
           per_kib, PIECE);
    return 0;
}
