/*
 * inode_file.c: regular files and directories as open files. See inode_file.h.
 */
#include "fs/inode_file.h"

#include "abi/dirent.h"
#include "abi/errno.h"
#include "abi/fcntl.h"
#include "fs/block_device.h"
#include "fs/ext2.h"
#include "fs/file.h"
#include "lib/string.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"
#include "proc/process.h"

/* What st_dev says of every file on the root disk: a virtio disk's major (254), minor 0. */
#define ROOT_DEVICE ABI_MAKEDEV(254, 0)

static struct ext2_inode *file_inode(struct file *file)
{
    return file->private_data;
}

/* ---- Data between the buffer cache and user memory ------------------------------ */

struct user_io {
    const struct memory_set *set;
    uint64_t buffer;
};

static int copy_block_to_user(void *context, void *block_data, uint64_t done, size_t len)
{
    struct user_io *io = context;
    return copy_to_user(io->set, io->buffer + done, block_data, len);
}

static int copy_block_from_user(void *context, void *block_data, uint64_t done, size_t len)
{
    struct user_io *io = context;
    return copy_from_user(io->set, block_data, io->buffer + done, len);
}

static long inode_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    const struct memory_set *set = process_current()->memory_set;
    if (!user_range_ok(set, buffer, count, PTE_W))
        return -EFAULT;
    struct user_io user = {.set = set, .buffer = buffer};
    struct ext2_io io = {.copy = copy_block_to_user, .context = &user};
    int64_t got = ext2_file_read_io(file_inode(file), *position, count, &io);
    if (got > 0)
        *position += (uint64_t)got;
    return got;
}

static long inode_write(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    const struct memory_set *set = process_current()->memory_set;
    if (!user_range_ok(set, buffer, count, PTE_R))
        return -EFAULT;
    struct user_io user = {.set = set, .buffer = buffer};
    struct ext2_io io = {.copy = copy_block_from_user, .context = &user};
    bool append = (file->flags & O_APPEND) != 0;
    return ext2_file_write_io(file_inode(file), position, append, count, &io);
}

void inode_file_stat(struct ext2_inode *inode, struct stat *out)
{
    struct ext2_stat st;
    ext2_stat(inode, &st);
    memset(out, 0, sizeof(*out));
    out->st_dev = ROOT_DEVICE;
    out->st_ino = st.ino;
    out->st_mode = st.mode;
    out->st_nlink = st.links;
    out->st_uid = st.uid;
    out->st_gid = st.gid;
    out->st_rdev = ABI_MAKEDEV(st.rdev_major, st.rdev_minor);
    out->st_size = (int64_t)st.size;
    out->st_blksize = (int32_t)ext2_block_size(ext2_inode_fs(inode));
    out->st_blocks = (int64_t)st.blocks;
    out->st_atime = st.atime;
    out->st_mtime = st.mtime;
    out->st_ctime = st.ctime;
}

static int inode_stat(struct file *file, struct stat *out)
{
    inode_file_stat(file_inode(file), out);
    return 0;
}

static int inode_truncate(struct file *file, uint64_t size)
{
    return ext2_file_truncate(file_inode(file), size);
}

static int inode_fsync(struct file *file)
{
    struct ext2_inode *inode = file_inode(file);
    int error = ext2_fsync(inode);
    int flush_error = block_device_flush(ext2_fs_device(ext2_inode_fs(inode)));
    return error != 0 ? error : flush_error;
}

static void inode_release(struct file *file)
{
    ext2_iput(file_inode(file));
}

/* ---- Directories ------------------------------------------------------------------ */

/* One linux_dirent64 record for `entry`, into `record`; returns its length. */
static size_t dirent_record(const struct ext2_dirent *entry, uint8_t *record)
{
    size_t length = (DIRENT64_HEADER_SIZE + entry->name_len + 1 + 7) & ~(size_t)7;
    struct linux_dirent64 header = {
        .d_ino = entry->ino,
        .d_off = (int64_t)entry->next_offset,
        .d_reclen = (uint16_t)length,
        .d_type = entry->type,
    };
    memset(record, 0, length);
    memcpy(record, &header, DIRENT64_HEADER_SIZE);
    memcpy(record + DIRENT64_HEADER_SIZE, entry->name, entry->name_len);
    return length;
}

/*
 * getdents64: as many whole records as fit in `size` bytes, from the entry
 * at *position on. Returns the bytes written, 0 at the end, -EINVAL if not
 * even one record fits.
 */
static long dir_getdents(struct file *file, uint64_t buffer, size_t size, uint64_t *position)
{
    const struct memory_set *set = process_current()->memory_set;
    if (!user_range_ok(set, buffer, size, PTE_W))
        return -EFAULT;
    struct ext2_dirent entry;
    uint8_t record[DIRENT64_HEADER_SIZE + EXT2_NAME_MAX + 1 + 8];
    size_t done = 0;
    for (;;) {
        int found = ext2_readdir(file_inode(file), *position, &entry);
        if (found < 0)
            return done > 0 ? (long)done : found;
        if (found == 0)
            break;
        size_t length = dirent_record(&entry, record);
        if (done + length > size) {
            if (done == 0)
                return -EINVAL; /* the buffer cannot hold even this entry */
            break;
        }
        if (copy_to_user(set, buffer + done, record, length) != 0)
            return done > 0 ? (long)done : -EFAULT;
        done += length;
        *position = entry.next_offset;
    }
    return (long)done;
}

static long dir_read(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    return -EISDIR;
}

static long dir_write(struct file *file, uint64_t buffer, size_t count, uint64_t *position)
{
    return -EISDIR; /* never reached: a directory cannot be opened for writing */
}

static const struct file_ops regular_ops = {
    .kind = "file",
    .read = inode_read,
    .write = inode_write,
    .stat = inode_stat,
    .truncate = inode_truncate,
    .fsync = inode_fsync,
    .release = inode_release,
    .seekable = true,
};

static const struct file_ops directory_ops = {
    .kind = "directory",
    .read = dir_read,
    .write = dir_write,
    .stat = inode_stat,
    .getdents = dir_getdents,
    .fsync = inode_fsync,
    .release = inode_release,
    .seekable = true,
};

int inode_file_open(struct ext2_inode *inode, uint32_t flags, struct file **out)
{
    bool directory = (ext2_inode_mode(inode) & EXT2_S_IFMT) == EXT2_S_IFDIR;
    *out = file_alloc(directory ? &directory_ops : &regular_ops, flags, inode);
    return *out != NULL ? 0 : -ENOMEM;
}

struct ext2_inode *inode_file_inode(struct file *file)
{
    if (file->ops != &regular_ops && file->ops != &directory_ops)
        return NULL;
    return file_inode(file);
}
