/*
 * sched.h: giving the processor away.
 */
#ifndef SCHED_H
#define SCHED_H

/* Let another ready process run; this one goes to the back of the ready queue. */
int sched_yield(void);

#endif
