/*
 * sched.h: clone's flags, with Linux's values.
 *
 * The low byte is the signal sent to the parent when the child ends; fork()
 * is clone(SIGCHLD, 0, 0, 0, 0): a new process with a copy of the address
 * space and no sharing at all.
 */
#ifndef ABI_SCHED_H
#define ABI_SCHED_H

#define CLONE_EXIT_SIGNAL_MASK 0xff
#define CLONE_VM               0x00000100
#define CLONE_FS               0x00000200
#define CLONE_FILES            0x00000400
#define CLONE_SIGHAND          0x00000800
#define CLONE_VFORK            0x00004000
#define CLONE_THREAD           0x00010000
#define CLONE_SETTLS           0x00080000
#define CLONE_PARENT_SETTID    0x00100000
#define CLONE_CHILD_CLEARTID   0x00200000
#define CLONE_CHILD_SETTID     0x01000000

#endif
