/*
 * fs_sync.h: the locks the file system uses, from one place. In the kernel
 * they are sync/mutex.h and sync/spinlock.h; the host tests cannot compile
 * those (they reach RISC-V CSRs), so there a single-threaded stand-in with
 * the same names and the same misuse checks comes from tests/host/.
 */
#ifndef FS_FS_SYNC_H
#define FS_FS_SYNC_H

#ifdef HOST_TEST
#include "fs_host_sync.h"
#else
#include "sync/mutex.h"
#include "sync/spinlock.h"
#endif

#endif
