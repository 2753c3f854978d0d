/*
 * sched_stride.c: the stride policy's operations as a struct sched_policy.
 *
 * The functions themselves are static inline in sched_stride.h, so that the
 * scheduler core, built for this policy (SCHED=stride), calls them without
 * an indirect call; this table is the same policy seen through the
 * interface, which the tests use to drive a private run queue.
 */
#include "proc/sched_stride.h"

const struct sched_policy sched_policy_stride = {
    .name = "stride",
    .init = stride_init,
    .add = stride_add,
    .pick_next = stride_pick_next,
    .remove = stride_remove,
    .tick = stride_tick,
};
