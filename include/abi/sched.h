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
#define CLONE_SYSVSEM          0x00040000
#define CLONE_SETTLS           0x00080000
#define CLONE_PARENT_SETTID    0x00100000
#define CLONE_CHILD_CLEARTID   0x00200000
#define CLONE_CHILD_SETTID     0x01000000

/* Each thread of a process (CLONE_THREAD) must share these with it (Linux's own rule). */
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND)

/* futex(2): the operations (low bits of op) and the flags beside them. */
#define FUTEX_WAIT             0
#define FUTEX_WAKE             1
#define FUTEX_WAIT_BITSET      9
#define FUTEX_WAKE_BITSET      10
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_CMD_MASK         (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#endif
