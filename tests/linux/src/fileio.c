/*
 * fileio: files and directories in a scratch directory.
 *
 *   fileio [DIR]     work in DIR/fileio.d (default /tmp), removed at the end
 *
 * openat with O_CREAT|O_EXCL, write, lseek (SET, CUR, END, past the end),
 * read, pread/pwrite, O_APPEND, ftruncate, fstat/stat/lstat, rename, link,
 * symlink/readlink, mkdir, getdents64 through opendir/readdir (printed
 * sorted, since the order of entries is the file system's), unlink, rmdir,
 * chdir/getcwd, and the errors ENOENT, EEXIST, ENOTEMPTY, ENOTDIR, EISDIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "linuxtest.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path)
{
    DIR *d = opendir(path);
    char *names[64];
    int n = 0;
    struct dirent *e;
    if (!d) {
        printf("opendir %s failed: %s\n", path, strerror(errno));
        lt_failures++;
        return;
    }
    while ((e = readdir(d)) != NULL && n < 64) {
        /* The type comes from lstat, not d_type: a file system may leave d_type
         * DT_UNKNOWN, and that is allowed. */
        char full[512];
        struct stat st;
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        const char *t = "?";
        if (lstat(full, &st) == 0)
            t = S_ISDIR(st.st_mode) ? "/" : S_ISLNK(st.st_mode) ? "@" : "";
        char *s = malloc(strlen(e->d_name) + 2);
        strcpy(s, e->d_name);
        strcat(s, t);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp);
    printf("listing of %s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp";
    char buf[256];
    struct stat st;
    lt_init();
    umask(022);

    if (chdir(base) != 0) {
        printf("chdir %s failed: %s\n", base, strerror(errno));
        return 1;
    }
    CHECK(mkdir("fileio.d", 0755) == 0, "mkdir fileio.d");
    CHECK(mkdir("fileio.d", 0755) == -1 && errno == EEXIST, "mkdir again fails with EEXIST");
    CHECK(chdir("fileio.d") == 0, "chdir fileio.d");
    CHECK(getcwd(buf, sizeof buf) && strcmp(strrchr(buf, '/'), "/fileio.d") == 0,
          "getcwd ends in /fileio.d");

    int fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666);
    CHECK(fd >= 0, "create a.txt");
    CHECK(open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666) == -1 && errno == EEXIST,
          "O_EXCL on an existing file fails with EEXIST");
    const char *msg = "hello, file\n";
    CHECK(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg), "write 12 bytes");
    CHECK(lseek(fd, 0, SEEK_CUR) == 12, "offset is 12");
    CHECK(lseek(fd, 7, SEEK_SET) == 7, "lseek to 7");
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == 5 && strcmp(buf, "file\n") == 0, "read back \"file\\n\"");
    CHECK(read(fd, buf, sizeof buf) == 0, "read at the end returns 0");
    CHECK(lseek(fd, 100, SEEK_END) == 112, "lseek past the end");
    CHECK(write(fd, "!", 1) == 1, "write there");
    CHECK(fstat(fd, &st) == 0 && st.st_size == 113, "the size is now 113");
    CHECK(pread(fd, buf, 4, 50) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0, "the hole reads as zeros");
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5, "pwrite at 0");
    CHECK(lseek(fd, 0, SEEK_CUR) == 113, "pwrite left the offset alone");
    CHECK(ftruncate(fd, 12) == 0 && fstat(fd, &st) == 0 && st.st_size == 12, "ftruncate to 12");
    close(fd);

    fd = open("a.txt", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "more\n", 5);
    close(fd);
    fd = open("a.txt", O_RDONLY);
    memset(buf, 0, sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    printf("a.txt (%zd bytes): %s", n, buf);
    CHECK(n == 17 && strcmp(buf, "HELLO, file\nmore\n") == 0, "O_APPEND wrote at the end");

    CHECK(stat("a.txt", &st) == 0, "stat a.txt");
    printf("a.txt: regular %s, mode %04o, size %lld, links %lu\n",
           S_ISREG(st.st_mode) ? "yes" : "NO", (unsigned)(st.st_mode & 07777),
           (long long)st.st_size, (unsigned long)st.st_nlink);

    CHECK(link("a.txt", "b.txt") == 0, "link b.txt");
    CHECK(stat("a.txt", &st) == 0 && st.st_nlink == 2, "two links now");
    CHECK(symlink("a.txt", "c.lnk") == 0, "symlink c.lnk -> a.txt");
    n = readlink("c.lnk", buf, sizeof buf);
    CHECK(n == 5 && memcmp(buf, "a.txt", 5) == 0, "readlink c.lnk is a.txt");
    CHECK(lstat("c.lnk", &st) == 0 && S_ISLNK(st.st_mode), "lstat sees a link");
    CHECK(stat("c.lnk", &st) == 0 && S_ISREG(st.st_mode), "stat follows it");
    CHECK(mkdir("sub", 0700) == 0, "mkdir sub");
    CHECK(stat("sub", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
          "sub is a directory, mode 0700");
    CHECK(rename("b.txt", "sub/moved.txt") == 0, "rename b.txt to sub/moved.txt");
    fd = open("sub/z", O_CREAT | O_WRONLY, 0644);
    close(fd);
    list(".");
    list("sub");

    CHECK(open("missing", O_RDONLY) == -1 && errno == ENOENT, "open of a missing file: ENOENT");
    CHECK(open("a.txt/x", O_RDONLY) == -1 && errno == ENOTDIR, "a path through a file: ENOTDIR");
    CHECK(open("sub", O_WRONLY) == -1 && errno == EISDIR, "open a directory for writing: EISDIR");
    CHECK(rmdir("sub") == -1 && errno == ENOTEMPTY, "rmdir of a full directory: ENOTEMPTY");
    CHECK(unlink("sub") == -1 && errno == EISDIR, "unlink of a directory: EISDIR");

    CHECK(unlink("sub/moved.txt") == 0 && unlink("sub/z") == 0, "unlink the files in sub");
    CHECK(rmdir("sub") == 0, "rmdir sub");
    CHECK(unlink("c.lnk") == 0 && unlink("a.txt") == 0, "unlink c.lnk and a.txt");
    list(".");
    CHECK(chdir("..") == 0 && rmdir("fileio.d") == 0, "rmdir fileio.d");
    CHECK(stat("fileio.d", &st) == -1 && errno == ENOENT, "fileio.d is gone");
    return lt_status();
}
