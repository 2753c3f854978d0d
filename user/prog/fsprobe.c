/*
 * fsprobe: walk the whole disk and try to change it, on a disk that may be
 * damaged. Every name is stat'ed, every directory listed, every file read
 * to its end, every symlink read; then in each directory a file is
 * created, written, renamed, and removed, and a directory made and
 * removed. Errors are printed and counted, never fatal: the test that boots
 * damaged images (scripts/fs_corrupt.py) wants the kernel to answer each
 * with an errno (EUCLEAN, EIO, ELOOP...) and never to panic or hang.
 * Run as init (init=fsprobe), its exit status 0 says it got to the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int errors;
static int names;

static void note(const char *what, const char *path)
{
    errors++;
    printf("fsprobe: %s %s: %s\n", what, path, strerror(errno));
}

static void read_all(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        note("open", path);
        return;
    }
    static char buffer[16384];
    long total = 0;
    ssize_t got;
    /* At most 64 MiB: a corrupted size must not keep the probe for hours. */
    while (total < (64L << 20) && (got = read(fd, buffer, sizeof(buffer))) > 0)
        total += got;
    if (got < 0)
        note("read", path);
    close(fd);
}

static void try_writes(const char *dir)
{
    static char a[4096], b[4096];
    if (strcmp(dir, "/") == 0)
        dir = "";
    snprintf(a, sizeof(a), "%s/.fsprobe_file", dir);
    snprintf(b, sizeof(b), "%s/.fsprobe_renamed", dir);
    int fd = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        note("create", a);
    } else {
        static char data[20000];
        memset(data, 'p', sizeof(data));
        if (write(fd, data, sizeof(data)) < 0)
            note("write", a);
        if (fsync(fd) < 0)
            note("fsync", a);
        close(fd);
        if (rename(a, b) < 0)
            note("rename", a);
        if (unlink(b) < 0 && unlink(a) < 0)
            note("unlink", b);
    }
    snprintf(a, sizeof(a), "%s/.fsprobe_dir", dir);
    if (mkdir(a, 0755) < 0)
        note("mkdir", a);
    else if (rmdir(a) < 0)
        note("rmdir", a);
}

static void walk(const char *path, int depth)
{
    DIR *dir = opendir(path);
    if (dir == NULL) {
        note("opendir", path);
        return;
    }
    struct dirent *entry;
    char *child = malloc(4096); /* on the heap: the stack holds 64 KiB, the tree may be deep */
    if (child == NULL) {
        closedir(dir);
        return;
    }
    errno = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        names++;
        snprintf(child, 4096, "%s/%s", strcmp(path, "/") == 0 ? "" : path, entry->d_name);
        struct stat st;
        if (lstat(child, &st) < 0) {
            note("lstat", child);
        } else if (S_ISDIR(st.st_mode) && depth < 64) {
            walk(child, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            read_all(child);
        } else if (S_ISLNK(st.st_mode)) {
            static char target[4096];
            if (readlink(child, target, sizeof(target)) < 0)
                note("readlink", child);
            if (stat(child, &st) < 0 && errno != ENOENT && errno != ELOOP && errno != ENOTDIR)
                note("stat through", child);
        }
        errno = 0;
    }
    if (errno != 0)
        note("readdir", path);
    closedir(dir);
    free(child);
    try_writes(path);
}

int main(void)
{
    walk("/", 0);
    sync();
    printf("fsprobe: done: %d names, %d errors\n", names, errors);
    return 0;
}
