/*
 * fcntl.h: open flags, the *at() calls' AT_ values, and fcntl's commands,
 * with Linux's values (asm-generic/fcntl.h and linux/fcntl.h, which RISC-V uses).
 */
#ifndef ABI_FCNTL_H
#define ABI_FCNTL_H

/* openat: the access mode (two bits) and the flags (octal, as Linux writes them). */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100 /* create the file if it does not exist (mode: the third argument) */
#define O_EXCL      00000200 /* with O_CREAT: fail with EEXIST if it exists */
#define O_NOCTTY    00000400 /* accepted, means nothing here (no controlling terminals) */
#define O_TRUNC     00001000 /* a regular file opened for writing starts empty */
#define O_APPEND    00002000 /* every write goes to the end */
#define O_NONBLOCK  00004000 /* reads and writes that would wait fail with EAGAIN */
#define O_LARGEFILE 00100000 /* accepted: offsets are always 64 bits */
#define O_DIRECTORY 00200000 /* fail with ENOTDIR unless it is a directory */
#define O_NOFOLLOW  00400000 /* fail with ELOOP if the last component is a symbolic link */
#define O_CLOEXEC   02000000 /* the new descriptor closes on execve */

/* The *at() calls: a directory descriptor, or AT_FDCWD for the current directory. */
#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100  /* newfstatat: a symlink itself, not its target */
#define AT_REMOVEDIR        0x200  /* unlinkat: remove a directory (rmdir) */
#define AT_SYMLINK_FOLLOW   0x400  /* linkat: link to a symlink's target */
#define AT_EMPTY_PATH       0x1000 /* an empty path names the descriptor itself */

/* renameat2 flags. */
#define RENAME_NOREPLACE 1 /* fail with EEXIST rather than replace */
#define RENAME_EXCHANGE  2 /* swap the two names (not supported here: EINVAL) */

/* fcntl commands. */
#define F_DUPFD         0 /* the lowest free descriptor >= arg, for the same file */
#define F_GETFD         1 /* the descriptor's flags: FD_CLOEXEC */
#define F_SETFD         2
#define F_GETFL         3    /* the open file's access mode and status flags */
#define F_SETFL         4    /* change O_APPEND and O_NONBLOCK */
#define F_DUPFD_CLOEXEC 1030 /* F_DUPFD, with FD_CLOEXEC set */
#define FD_CLOEXEC      1

/* lseek. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#endif
