/*
 * fs.c: booting the file system, sync, and shutdown. See fs.h.
 */
#include "fs/fs.h"

#include "abi/errno.h"
#include "abi/fcntl.h"
#include "console/console.h"
#include "console/panic.h"
#include "dev/rtc.h"
#include "dev/virtio_blk.h"
#include "exec/exec.h"
#include "fs/bcache.h"
#include "fs/chardev.h"
#include "fs/exec_file.h"
#include "fs/ext2.h"
#include "fs/file.h"
#include "fs/files.h"
#include "fs/virtio_disk.h"
#include "proc/process.h"

static struct ext2_fs *root_fs;
static struct block_device *root_disk;

struct ext2_fs *fs_root(void)
{
    return root_fs;
}

/* Set while the clock is held still (fs_freeze_clock): the time it stopped at. */
static uint32_t frozen_at;
static bool clock_frozen;

/* ext2's clock: the RTC's date (0 without an RTC). */
static uint32_t fs_clock(void)
{
    if (__atomic_load_n(&clock_frozen, __ATOMIC_RELAXED))
        return frozen_at;
    return (uint32_t)rtc_seconds();
}

void fs_freeze_clock(bool frozen)
{
    frozen_at = (uint32_t)rtc_seconds();
    __atomic_store_n(&clock_frozen, frozen, __ATOMIC_RELAXED);
}

/* Mount the first disk as the root; on any refusal, go on without one. */
static void mount_root(void)
{
    struct block_device *disk = virtio_disk_get(0);
    if (disk == NULL) {
        log_info("fs: no disk; programs come from the kernel image");
        return;
    }
    struct ext2_mount_options options = {.read_only = false, .clock = fs_clock};
    int error = ext2_mount(disk, &options, &root_fs);
    if (error != 0) {
        log_error("fs: %s: not mounted (error %d); going on without a root file system", disk->name,
                  error);
        root_fs = NULL;
        return;
    }
    root_disk = disk;
    log_info("fs: %s mounted as the root (ext2%s)", disk->name,
             ext2_is_read_only(root_fs) ? ", read-only" : "");
}

static const struct process_hooks fs_process_hooks = {
    .create = files_fork,
    .exit = files_exit,
    .shutdown = fs_shutdown,
};

void fs_init(void)
{
    rtc_init();
    if (bcache_init(FS_CACHE_BUFFERS) != 0)
        panic("fs: no memory for a buffer cache of %d blocks", FS_CACHE_BUFFERS);
    mount_root();
    struct ext2_inode *root = NULL;
    if (root_fs != NULL && ext2_root(root_fs, &root) != 0) {
        log_error("fs: the root directory cannot be read; going on without it");
        root = NULL;
    }
    struct file *console;
    if (chardev_open(CHARDEV_TTYAUX_MAJOR, 1, O_RDWR, &console) != 0 ||
        files_init(console, root) != 0)
        panic("fs: no memory for the console's descriptors");
    file_put(console); /* the table holds its three references */
    process_set_hooks(&fs_process_hooks);
    if (root != NULL)
        exec_set_file_reader(exec_file_read);
}

int fs_sync(void)
{
    int error = bcache_sync();
    if (root_disk != NULL) {
        int flush_error = block_device_flush(root_disk);
        if (error == 0)
            error = flush_error;
    }
    return error;
}

void fs_shutdown(void)
{
    if (root_fs == NULL)
        return;
    int error = ext2_shutdown(root_fs);
    int flush_error = block_device_flush(root_disk);
    if (error != 0 || flush_error != 0)
        log_error("fs: %s: writing back at shutdown failed (error %d, flush %d)", root_disk->name,
                  error, flush_error);
    else
        log_info("fs: %s synced and marked clean", root_disk->name);
    struct virtio_blk *blk = virtio_blk_get(0);
    if (blk != NULL) {
        struct virtio_blk_stats stats;
        virtio_blk_get_stats(blk, &stats);
        log_info("fs: %s: %lu requests, %lu interrupts, at most %u in flight at once",
                 root_disk->name, stats.requests, stats.interrupts, stats.most_in_flight);
    }
}
