/*
 * fs_host_shims.c: the kernel functions that src/fs/ calls, for the host:
 * kmalloc over malloc, single-threaded locks that check their use, log lines
 * to stderr, and a block device over an image file (pread/pwrite).
 */
#include "fs_host_shims.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/console.h"
#include "proc/mutex.h"
#include "sync/spinlock.h"
#include "abi/errno.h"
#include "mm/heap/heap.h"

/* ---- Heap ------------------------------------------------------------------------ */

void *kmalloc(size_t size)
{
    return malloc(size == 0 ? 1 : size);
}

void *kzalloc(size_t size)
{
    return calloc(1, size == 0 ? 1 : size);
}

void kfree(void *block)
{
    free(block);
}

/* ---- Locks ------------------------------------------------------------------------- */

int fs_host_locks_held;

static void fs_host_lock_misuse(const char *what, const char *name)
{
    fprintf(stderr, "LOCK MISUSE: %s '%s'\n", what, name);
    abort();
}

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->held = false;
    lock->name = name;
}

void spinlock_acquire(struct spinlock *lock)
{
    if (lock->held)
        fs_host_lock_misuse("spinlock acquired twice", lock->name);
    lock->held = true;
    fs_host_locks_held++;
}

void spinlock_release(struct spinlock *lock)
{
    if (!lock->held)
        fs_host_lock_misuse("spinlock released but not held", lock->name);
    lock->held = false;
    fs_host_locks_held--;
}

bool spinlock_held(const struct spinlock *lock)
{
    return lock->held;
}

void mutex_init(struct mutex *mutex, const char *name)
{
    mutex->held = false;
    mutex->name = name;
}

void mutex_lock(struct mutex *mutex)
{
    /* One thread: a held mutex can never be released while we wait, so it is a deadlock. */
    if (mutex->held)
        fs_host_lock_misuse("mutex locked twice (a deadlock)", mutex->name);
    mutex->held = true;
    fs_host_locks_held++;
}

bool mutex_try_lock(struct mutex *mutex)
{
    if (mutex->held)
        return false;
    mutex_lock(mutex);
    return true;
}

void mutex_unlock(struct mutex *mutex)
{
    if (!mutex->held)
        fs_host_lock_misuse("mutex unlocked but not held", mutex->name);
    mutex->held = false;
    fs_host_locks_held--;
}

bool mutex_held(const struct mutex *mutex)
{
    return mutex->held;
}

/* ---- Log --------------------------------------------------------------------------- */

/* The kernel's log level (console.h): everything reaches log_message here. */
int console_log_level = LOG_LEVEL_TRACE;

char fs_host_last_log[512];
bool fs_host_log_to_stderr = true;

void fs_host_clear_log(void)
{
    fs_host_last_log[0] = '\0';
}

void log_message(int level, const char *fmt, ...)
{
    char line[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    if (level <= LOG_LEVEL_WARN)
        snprintf(fs_host_last_log, sizeof(fs_host_last_log), "%s", line);
    /* FS_TEST_LOG=1 in the environment shows every line, even where a test hides them. */
    if (fs_host_log_to_stderr || getenv("FS_TEST_LOG") != NULL)
        fprintf(stderr, "[%s] %s\n", level <= LOG_LEVEL_ERROR ? "ERROR" : "WARN ", line);
}

/* ---- Clock ------------------------------------------------------------------------- */

uint32_t fs_host_clock_now = FS_HOST_CLOCK_SECONDS;

uint32_t fs_host_clock(void)
{
    return fs_host_clock_now;
}

/* ---- Block device over an image file ----------------------------------------------- */

struct fs_host_image {
    struct block_device dev;
    int fd;
    long reads_left; /* transfers until injected failure, -1 for never */
    long writes_left;
    uint64_t reads;
    uint64_t writes;
    char name[256];
};

static struct fs_host_image *fs_host_image_of(const struct block_device *dev)
{
    return (struct fs_host_image *)dev->private_data;
}

static bool fs_host_fault(long *left)
{
    if (*left < 0)
        return false;
    if (*left == 0)
        return true;
    (*left)--;
    return false;
}

static int fs_host_image_read(struct block_device *dev, uint64_t sector, uint32_t count, void *buf)
{
    struct fs_host_image *image = fs_host_image_of(dev);
    if (fs_host_fault(&image->reads_left))
        return -EIO;
    size_t bytes = (size_t)count * dev->sector_size;
    ssize_t done = pread(image->fd, buf, bytes, (off_t)(sector * dev->sector_size));
    if (done != (ssize_t)bytes)
        return -EIO;
    image->reads++;
    return 0;
}

static int fs_host_image_write(struct block_device *dev, uint64_t sector, uint32_t count,
                               const void *buf)
{
    struct fs_host_image *image = fs_host_image_of(dev);
    if (fs_host_fault(&image->writes_left))
        return -EIO;
    size_t bytes = (size_t)count * dev->sector_size;
    ssize_t done = pwrite(image->fd, buf, bytes, (off_t)(sector * dev->sector_size));
    if (done != (ssize_t)bytes)
        return -EIO;
    image->writes++;
    return 0;
}

static const struct block_device_ops fs_host_image_ops = {
    .read = fs_host_image_read,
    .write = fs_host_image_write,
};

struct block_device *fs_host_image_open(const char *path, bool read_only)
{
    int fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (fd < 0) {
        perror(path);
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        perror(path);
        close(fd);
        return NULL;
    }
    struct fs_host_image *image = calloc(1, sizeof(*image));
    image->fd = fd;
    image->reads_left = -1;
    image->writes_left = -1;
    snprintf(image->name, sizeof(image->name), "%s", path);
    image->dev.name = image->name;
    image->dev.ops = &fs_host_image_ops;
    image->dev.sector_size = 512;
    image->dev.sector_count = (uint64_t)st.st_size / 512;
    image->dev.read_only = read_only;
    image->dev.private_data = image;
    return &image->dev;
}

void fs_host_image_close(struct block_device *dev)
{
    if (dev == NULL)
        return;
    struct fs_host_image *image = fs_host_image_of(dev);
    close(image->fd);
    free(image);
}

void fs_host_image_fail_reads_after(struct block_device *dev, long ops_before_failure)
{
    fs_host_image_of(dev)->reads_left = ops_before_failure;
}

void fs_host_image_fail_writes_after(struct block_device *dev, long ops_before_failure)
{
    fs_host_image_of(dev)->writes_left = ops_before_failure;
}

uint64_t fs_host_image_reads(const struct block_device *dev)
{
    return fs_host_image_of(dev)->reads;
}

uint64_t fs_host_image_writes(const struct block_device *dev)
{
    return fs_host_image_of(dev)->writes;
}
