/*
 * async_demo.h: the async line editor, the kernel's async demo (mode=async).
 */
#ifndef DEMO_ASYNC_DEMO_H
#define DEMO_ASYNC_DEMO_H

/*
 * Run the line editor until Ctrl-D: one task edits what is typed and sends
 * each finished line into a channel, another prints the lines. Returns
 * after printing the totals. Options on the kernel command line:
 * async.idle_ms=N says "idle" after N ms without a key (default 30000).
 */
void async_demo_run(void);

/* The same, with the executor in a kernel thread of its own that sleeps on a semaphore
 * (mode=async). */
void async_demo_run_in_thread(void);

#endif
