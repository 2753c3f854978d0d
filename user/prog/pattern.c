/*
 * pattern NAME SIZE [OFFSET]: write SIZE - OFFSET bytes of a known pattern
 * into NAME at OFFSET (a file of SIZE bytes with a hole before OFFSET),
 * fsync it, and say "synced NAME". Byte i of the file is
 * (i * 2654435761) >> 24 & 0xff, so a test on the host can rebuild it.
 *
 * pattern -n COUNT NAME SIZE: the same for NAME.0, NAME.1, ... NAME.COUNT-1,
 * or for ever with COUNT 0: the power-cut test stops the machine mid-way,
 * and every file it was told was synced must then be intact.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint8_t byte_at(uint64_t i)
{
    return (uint8_t)((i * 2654435761u) >> 24);
}

static int write_pattern(const char *name, long size, long offset)
{
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        dprintf(2, "pattern: %s: %s\n", name, strerror(errno));
        return 1;
    }
    static uint8_t chunk[8192];
    if (offset > 0 && lseek(fd, offset, SEEK_SET) != offset)
        return 1;
    for (long at = offset; at < size;) {
        long n = size - at < (long)sizeof(chunk) ? size - at : (long)sizeof(chunk);
        for (long i = 0; i < n; i++)
            chunk[i] = byte_at((uint64_t)(at + i));
        if (write(fd, chunk, (size_t)n) != n) {
            dprintf(2, "pattern: %s: %s\n", name, strerror(errno));
            return 1;
        }
        at += n;
    }
    if (size > 0 && offset >= size && ftruncate(fd, size) < 0)
        return 1;
    if (fsync(fd) < 0 || close(fd) < 0) {
        dprintf(2, "pattern: %s: %s\n", name, strerror(errno));
        return 1;
    }
    printf("synced %s\n", name);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "-n") == 0) {
        long count = atoi(argv[2]);
        char name[256];
        for (long i = 0; count == 0 || i < count; i++) {
            snprintf(name, sizeof(name), "%s.%ld", argv[3], i);
            if (write_pattern(name, atoi(argv[4]), 0) != 0)
                return 1;
        }
        return 0;
    }
    if (argc != 3 && argc != 4) {
        dprintf(2, "usage: pattern NAME SIZE [OFFSET] | pattern -n COUNT NAME SIZE\n");
        return 2;
    }
    return write_pattern(argv[1], strtol(argv[2], NULL, 0),
                         argc == 4 ? strtol(argv[3], NULL, 0) : 0);
}
