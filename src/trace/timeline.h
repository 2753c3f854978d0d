/*
 * timeline.h: the scheduler's story, recorded for a picture.
 *
 * Booted with timeline=1 (or timeline=N, N events per hart), the kernel
 * records what each hart does: which thread it switches to and from, who
 * sleeps and who wakes them, system calls and interrupts, thread exits.
 * Each hart writes its own buffer, so recording takes no lock. At power-off
 * the kernel prints every buffer as one block, and `make timeline`
 * (scripts/timeline.py) turns it into Chrome trace JSON and an SVG. The
 * block's format is in docs/debugging.md ('The timeline format').
 *
 * Off (the default), each recording point costs one load and one branch.
 */
#ifndef TRACE_TIMELINE_H
#define TRACE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum timeline_kind {
    TIMELINE_SWITCH_IN,     /* the thread starts running on this hart */
    TIMELINE_SWITCH_OUT,    /* it stops */
    TIMELINE_SLEEP,         /* it blocks; text: on what */
    TIMELINE_WAKE,          /* it becomes ready; value: the waker's tid, or -1 with text: the irq */
    TIMELINE_SYSCALL_ENTER, /* text: the call's name */
    TIMELINE_SYSCALL_EXIT,  /* text: the call's name; value: its result */
    TIMELINE_IRQ_ENTER,     /* text: the source */
    TIMELINE_IRQ_EXIT,      /* text: the source */
    TIMELINE_EXIT,          /* value: the exit code */
};

/* Recording is on: timeline_start() has been called. Read on every recording point. */
extern bool timeline_on;

/*
 * Start recording into `buffer` (`bytes` long), split evenly among
 * MAX_HARTS harts. Called once at boot, when the command line says timeline=.
 * Returns the number of events each hart can hold.
 */
size_t timeline_start(void *buffer, size_t bytes, uint64_t timebase_hz);

/* How much memory timeline=N asks for: N events for each possible hart. */
size_t timeline_bytes_for(size_t events_per_hart);

/*
 * Record one event on this hart. `name` (15 characters kept) and `text`
 * (23) are copied: threads rename and die, wait queues die with their pipes.
 */
void timeline_record_slow(enum timeline_kind kind, int tid, const char *name, const char *text,
                          int64_t value);

static inline void timeline_record(enum timeline_kind kind, int tid, const char *name,
                                   const char *text, int64_t value)
{
    if (__builtin_expect(timeline_on, 0))
        timeline_record_slow(kind, tid, name, text, value);
}

/*
 * For the layers below the scheduler (interrupts): who runs on this hart
 * now. The scheduler registers it; without it, tid -1 and the hart's name.
 */
void timeline_set_current(void (*current)(int *tid, const char **name));

/* An interrupt's start or end, for the thread this hart runs. */
void timeline_record_irq(enum timeline_kind kind, const char *source);

/* The interrupt this hart is in (its source, as recorded), or NULL. */
const char *timeline_irq_source(void);

/*
 * Stop recording and print the block (TIMELINE BEGIN ... TIMELINE END),
 * with the console held. Does nothing when recording was never on.
 * `nharts`: how many harts the kernel started.
 */
void timeline_dump(int nharts);

#endif
