/*
 * bench_fs PHASE: one file-system workload for make bench. The kernel's
 * benchmark (src/fs/fs_bench.c) runs each phase as a process of its own
 * and counts every instruction from spawn to reap, less the time the hart
 * sat idle waiting for the disk, less the same count for "none"; so the
 * figures hold the system calls, the copies, ext2, the buffer cache and the
 * driver, and nothing of the host's disk.
 *
 *   none          nothing (the cost of a process, subtracted from the others)
 *   write         create /tmp/bench_1m, write 1 MiB in 16 KiB writes, fsync, close
 *   read          open /tmp/bench_1m, read it all in 16 KiB reads, close
 *   setup         make /tmp/bench_many
 *   create N      create N empty files in /tmp/bench_many and unlink them
 *   cleanup       remove what the others made
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_SIZE (1024 * 1024)
#define PIECE     (16 * 1024)

static char buffer[PIECE];

static int phase_write(void)
{
    int fd = open("/tmp/bench_1m", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 1;
    memset(buffer, 'w', sizeof(buffer));
    for (int done = 0; done < FILE_SIZE; done += PIECE) {
        if (write(fd, buffer, PIECE) != PIECE)
            return 1;
    }
    return fsync(fd) < 0 || close(fd) < 0;
}

static int phase_read(void)
{
    int fd = open("/tmp/bench_1m", O_RDONLY);
    if (fd < 0)
        return 1;
    long total = 0;
    ssize_t got;
    while ((got = read(fd, buffer, sizeof(buffer))) > 0)
        total += got;
    close(fd);
    return total != FILE_SIZE;
}

static int phase_create(int count)
{
    char name[64];
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof(name), "/tmp/bench_many/f%03d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 || close(fd) < 0)
            return 1;
    }
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof(name), "/tmp/bench_many/f%03d", i);
        if (unlink(name) < 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "none";
    if (strcmp(phase, "none") == 0)
        return 0;
    if (strcmp(phase, "write") == 0)
        return phase_write();
    if (strcmp(phase, "read") == 0)
        return phase_read();
    if (strcmp(phase, "setup") == 0)
        return mkdir("/tmp/bench_many", 0755) < 0;
    if (strcmp(phase, "create") == 0 && argc > 2)
        return phase_create(atoi(argv[2]));
    if (strcmp(phase, "cleanup") == 0) {
        unlink("/tmp/bench_1m");
        rmdir("/tmp/bench_many");
        return 0;
    }
    printf("usage: bench_fs none|write|read|setup|create N|cleanup\n");
    return 2;
}
