/*
 * threads_demo.h: mode=threads, the tutorial's thread demo.
 */
#ifndef DEMO_THREADS_DEMO_H
#define DEMO_THREADS_DEMO_H

/*
 * Eight kernel threads that compute without ever yielding, each printing a
 * line per round: only the timer's preemption makes them take turns, and
 * their lines come out interleaved. Prints a summary and returns.
 */
void threads_demo_run(void);

#endif
