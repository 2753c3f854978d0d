/*
 * stat NAME...: what the kernel says of each name: type and permissions,
 * size, blocks, links, inode, device numbers, times.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *type_name(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symbolic link";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

int main(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (lstat(argv[i], &st) < 0) {
            dprintf(2, "stat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        printf("  File: %s\n  Type: %s  Mode: %04o\n", argv[i], type_name(st.st_mode),
               st.st_mode & 07777);
        printf("  Size: %ld  Blocks: %ld  IO Block: %d  Links: %u\n", st.st_size, st.st_blocks,
               st.st_blksize, st.st_nlink);
        printf("  Inode: %lu  Device: %lx  Rdev: %lx  Uid: %u  Gid: %u\n", st.st_ino, st.st_dev,
               st.st_rdev, st.st_uid, st.st_gid);
        printf("  Access: %ld  Modify: %ld  Change: %ld\n", st.st_atime, st.st_mtime, st.st_ctime);
    }
    return status;
}
