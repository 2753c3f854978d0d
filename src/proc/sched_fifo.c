/*
 * sched_fifo.c: the fifo policy's operations as a struct sched_policy.
 *
 * The functions themselves are static inline in sched_fifo.h, so that the
 * scheduler core, built for this policy (SCHED=fifo), calls them without
 * an indirect call; this table is the same policy seen through the
 * interface, which the tests use to drive a private run queue.
 */
#include "proc/sched_fifo.h"

const struct sched_policy sched_policy_fifo = {
    .name = "fifo",
    .init = fifo_init,
    .add = fifo_add,
    .pick_next = fifo_pick_next,
    .remove = fifo_remove,
    .tick = fifo_tick,
};
