/*
 * frame_check_test.c: the "every frame came back" hooks (frame_check.h).
 * Named *_test.c, so only the ktest image carries it.
 */
#include "mm/frame_check.h"

#include "mm/frame.h"

static uint64_t free_before;

void frame_check_remember(struct ktest *t)
{
    free_before = frame_free_count();
}

void frame_check_expect_back(struct ktest *t)
{
    EXPECT_EQ(t, frame_free_count(), free_before);
}
