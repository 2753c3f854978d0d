/*
 * fs.h: the file system as the kernel boots and stops it: the buffer
 * cache, the root disk, the descriptors every process starts with.
 *
 * fs_init (kmain calls it once interrupts are on, since a disk request
 * sleeps until its interrupt) mounts the first virtio disk as the root, if
 * there is one and it holds an ext2 file system this kernel accepts. A
 * disk it refuses (docs/ext2.md lists why) leaves the kernel without a
 * root, as does no disk at all: the calls that take a path then give
 * -ENOENT, and programs come from the table packed into test images.
 * Either way the console is open on descriptors 0, 1 and 2 of process 0,
 * which every process inherits.
 */
#ifndef FS_FS_H
#define FS_FS_H

#include <stdbool.h>

struct ext2_fs;

#define FS_CACHE_BUFFERS 512 /* 2 MiB of disk blocks in memory */

void fs_init(void);

/* The mounted root, or NULL. */
struct ext2_fs *fs_root(void);

/* Write every dirty block, and flush the disk's cache: sync(2). 0 or the first error. */
int fs_sync(void);

/* The machine stops: write everything, mark the disk clean (ext2_shutdown). Called at power-off. */
void fs_shutdown(void);

/*
 * For benchmarks: hold the file system's clock still (true) or let it run.
 * Timestamps decide some writes (relatime's atime), and a benchmark must
 * not depend on which second of the host's time it ran in.
 */
void fs_freeze_clock(bool frozen);

#endif
