/*
 * treesum [DIR]: walk a tree (DIR, or /) and print one line per name, in the
 * manifest format of scripts/fs_gen_tree.py, so a test can compare what the
 * kernel reads with what mke2fs was given:
 *
 *     f MODE NLINK SIZE MTIME CRC32 PATH      a regular file (CRC32 of all of it)
 *     d MODE NLINK - MTIME - PATH             a directory
 *     l MODE 1 SIZE MTIME - PATH TARGET       a symbolic link
 *
 * Files larger than 8 MiB get "-" for a CRC (reading all of a sparse file of
 * gigabytes would take minutes); treesum -x PATH OFFSET LENGTH prints the
 * CRC32 of one range of such a file instead. A name that cannot be read
 * prints "! PATH error", and the walk goes on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG_FILE (8L << 20)

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib's crc32 over `length` bytes from `offset` of fd; -1 on a read error. */
static int64_t crc_range(int fd, long offset, long length)
{
    static uint8_t buffer[16384];
    uint32_t crc = 0xffffffffu;
    while (length > 0) {
        ssize_t got = pread(
            fd, buffer, length < (long)sizeof(buffer) ? (size_t)length : sizeof(buffer), offset);
        if (got <= 0)
            return got == 0 ? (int64_t)(crc ^ 0xffffffffu) : -1;
        for (ssize_t i = 0; i < got; i++)
            crc = crc_table[(crc ^ buffer[i]) & 0xff] ^ (crc >> 8);
        offset += got;
        length -= got;
    }
    return (int64_t)(crc ^ 0xffffffffu);
}

static void walk(const char *path);

static void show(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("! %s %s\n", path, strerror(errno));
        return;
    }
    unsigned mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
        printf("d %04o %u - %ld - %s\n", mode, st.st_nlink, st.st_mtime, path);
        walk(path);
    } else if (S_ISLNK(st.st_mode)) {
        static char target[4096];
        ssize_t length = readlink(path, target, sizeof(target) - 1);
        if (length < 0) {
            printf("! %s %s\n", path, strerror(errno));
            return;
        }
        target[length] = '\0';
        printf("l %04o 1 %ld %ld - %s %s\n", mode, st.st_size, st.st_mtime, path, target);
    } else if (S_ISREG(st.st_mode)) {
        if (st.st_size > BIG_FILE) {
            printf("f %04o %u %ld %ld - %s\n", mode, st.st_nlink, st.st_size, st.st_mtime, path);
            return;
        }
        int fd = open(path, O_RDONLY);
        int64_t crc = fd < 0 ? -1 : crc_range(fd, 0, st.st_size);
        if (fd >= 0)
            close(fd);
        if (crc < 0)
            printf("! %s %s\n", path, strerror(errno));
        else
            printf("f %04o %u %ld %ld %08x %s\n", mode, st.st_nlink, st.st_size, st.st_mtime,
                   (uint32_t)crc, path);
    } else {
        printf("? %04o %s\n", st.st_mode, path);
    }
}

static void walk(const char *path)
{
    DIR *dir = opendir(path);
    if (dir == NULL) {
        printf("! %s %s\n", path, strerror(errno));
        return;
    }
    struct dirent *entry;
    char *child = malloc(4096); /* on the heap: the stack holds 64 KiB, the tree may be deep */
    errno = 0;
    while (child != NULL && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 ||
            strcmp(entry->d_name, "lost+found") == 0)
            continue;
        snprintf(child, 4096, "%s/%s", strcmp(path, "/") == 0 ? "" : path, entry->d_name);
        show(child);
        errno = 0;
    }
    if (errno != 0)
        printf("! %s listing: %s\n", path, strerror(errno));
    closedir(dir);
    free(child);
}

int main(int argc, char **argv)
{
    crc_init();
    if (argc == 5 && strcmp(argv[1], "-x") == 0) {
        int fd = open(argv[2], O_RDONLY);
        int64_t crc =
            fd < 0 ? -1 : crc_range(fd, strtol(argv[3], NULL, 0), strtol(argv[4], NULL, 0));
        if (crc < 0) {
            printf("! %s %s\n", argv[2], strerror(errno));
            return 1;
        }
        printf("x %s %s %08x\n", argv[3], argv[4], (uint32_t)crc);
        return 0;
    }
    const char *root = argc > 1 ? argv[1] : "/";
    errno = 0;
    walk(root);
    printf("treesum: done\n");
    return 0;
}
