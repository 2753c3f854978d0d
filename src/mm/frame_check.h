/*
 * frame_check.h: for in-kernel tests, "every frame came back".
 *
 * A suite that maps and unmaps memory passes these two as its hooks
 * (KTEST_SUITE_HOOKS): the free frame count is remembered before each case
 * and expected again after it, so a case that leaks even one frame fails,
 * with both counts printed.
 */
#ifndef MM_FRAME_CHECK_H
#define MM_FRAME_CHECK_H

#include "ktest/ktest.h"

void frame_check_remember(struct ktest *t);
void frame_check_expect_back(struct ktest *t);

#endif
