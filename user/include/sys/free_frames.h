/*
 * sys/free_frames.h: the kernel's free frame count (sysinfo's freeram), for
 * the test programs that check every frame comes back.
 *
 * One read could come a moment early on several harts: a thread's kernel
 * stack goes once its hart has switched away from it, and the kernel used to
 * take the thread off its process (letting the parent's wait return) before
 * freeing that stack. It frees the stack first now (thread_free), but the
 * count is still read until it holds still over a few short sleeps, so that
 * a frame still on its way back never fails a test. A leak still shows: the
 * count then settles at the wrong number.
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
