/*
 * sys/free_frames.h: the kernel's free frame count (sysinfo's freeram), for
 * the test programs that check every frame comes back.
 *
 * One read can come a moment early on several harts: a process that has
 * just been reaped may still be giving back its last frames (a thread's
 * kernel stack goes once its hart has switched away from it, which can be a
 * little after the parent's wait returned on another hart). So the count is
 * read until it holds still over a few short sleeps. A leak still shows:
 * the count then settles at the wrong number.
 */
#ifndef SYS_FREE_FRAMES_H
#define SYS_FREE_FRAMES_H

#include <sys/sysinfo.h>
#include <unistd.h>

static inline long free_frames_now(void)
{
    struct sysinfo info;
    return sysinfo(&info) == 0 ? (long)info.freeram : -1;
}

/* The free frame count once it has not changed over three 1 ms sleeps (at most ~100 ms). */
static inline long free_frames_settled(void)
{
    long last = free_frames_now();
    int still = 0;
    for (int i = 0; i < 100 && still < 3; i++) {
        usleep(1000);
        long now = free_frames_now();
        still = now == last ? still + 1 : 0;
        last = now;
    }
    return last;
}

#endif
