/*
 * chardev.h: character devices: the console (a terminal, with the line
 * discipline of tty/line.h behind it), /dev/null and /dev/zero.
 *
 * A device is named by its numbers, Linux's: the console is 5:1 (and the
 * controlling terminal 5:0 means it too), null 1:3, zero 1:5. The disk image
 * carries device files with those numbers in /dev (make image makes them
 * with debugfs's mknod); opening one opens the device, whatever the file's
 * name. Descriptors 0, 1 and 2 of every process start on the console.
 */
#ifndef FS_CHARDEV_H
#define FS_CHARDEV_H

#include <stdint.h>

struct file;

#define CHARDEV_MEM_MAJOR    1 /* null is 1:3, zero 1:5 */
#define CHARDEV_TTYAUX_MAJOR 5 /* tty is 5:0, console 5:1 */

/* Open device major:minor with `flags`: 0 and *out, -ENXIO (no such device) or -ENOMEM. */
int chardev_open(uint32_t major, uint32_t minor, uint32_t flags, struct file **out);

#endif
