/*
 * inode_file.h: open files on the disk: regular files and directories of
 * the ext2 file system (fs/ext2.h).
 *
 * The file holds a reference to its inode, which is what keeps an unlinked
 * file alive while it is open. Reads and writes go between the buffer
 * cache and the user's memory directly, through ext2's copy callbacks
 * (ext2_file_read_io), with no buffer in between. A directory reads with
 * getdents64, whose position is the ext2 offset of the next entry.
 */
#ifndef FS_INODE_FILE_H
#define FS_INODE_FILE_H

#include <stdint.h>

#include "abi/stat.h"

struct ext2_inode;
struct file;

/*
 * Open `inode` (a regular file or a directory) with `flags`, taking over the
 * caller's reference to it. 0 and *out, or -ENOMEM (the reference is then
 * still the caller's).
 */
int inode_file_open(struct ext2_inode *inode, uint32_t flags, struct file **out);

/* The inode behind an open file, or NULL if it is not a file on the disk (no reference added). */
struct ext2_inode *inode_file_inode(struct file *file);

/* Fill a struct stat from an inode, as fstat and newfstatat report it. */
void inode_file_stat(struct ext2_inode *inode, struct stat *out);

#endif
