/*
 * threads_hidden_test.c: lab 5's hidden cases (instructors only). The grader
 * copies this file beside the stride policy; it never reaches a handout.
 */
#include "ktest/ktest.h"

#include "lib/string.h"
#include "mm/heap/heap.h"
#include "proc/sched.h"
#include "proc/sched_stride.h"
#include "proc/thread.h"

static struct thread hidden_stand_ins[4];

static void hidden_stand_ins_reset(void)
{
    memset(hidden_stand_ins, 0, sizeof(hidden_stand_ins));
    for (int i = 0; i < 4; i++) {
        hidden_stand_ins[i].tid = 2000 + i;
        hidden_stand_ins[i].priority = THREAD_PRIORITY_DEFAULT;
        list_node_init(&hidden_stand_ins[i].run_node);
    }
}

/* Priorities 1, 2, 4 and 8: 1500 picks shared 100, 200, 400, 800, to within one. */
static void threads_hidden_stride_four_priorities(struct ktest *t)
{
    const struct sched_policy *stride = &sched_policy_stride;
    struct run_queue *queue = stride->queue_create();
    ASSERT_NOT_NULL(t, queue);
    hidden_stand_ins_reset();
    for (int i = 0; i < 4; i++) {
        hidden_stand_ins[i].priority = 1u << i;
        stride->add(queue, &hidden_stand_ins[i]);
    }
    int picks[4] = {0, 0, 0, 0};
    for (int round = 0; round < 1500; round++) {
        struct thread *picked = stride->pick_next(queue);
        if (picked == NULL || picked < hidden_stand_ins || picked >= hidden_stand_ins + 4) {
            KTEST_CHECK_TRUE(t, picked != NULL, false);
            kfree(queue);
            return;
        }
        picks[picked - hidden_stand_ins]++;
        stride->add(queue, picked);
    }
    for (int i = 0; i < 4; i++) {
        EXPECT_GE(t, picks[i], 100 * (1 << i) - 1);
        EXPECT_LE(t, picks[i], 100 * (1 << i) + 1);
    }
    kfree(queue);
}

/* Equal passes keep their arrival order; a removed thread is never picked. */
static void threads_hidden_stride_ties_and_removal(struct ktest *t)
{
    const struct sched_policy *stride = &sched_policy_stride;
    struct run_queue *queue = stride->queue_create();
    ASSERT_NOT_NULL(t, queue);
    hidden_stand_ins_reset();
    int order[4] = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++)
        stride->add(queue, &hidden_stand_ins[order[i]]);
    stride->remove(queue, &hidden_stand_ins[3]);
    int expected[3] = {2, 0, 1};
    for (int i = 0; i < 3; i++) {
        struct thread *picked = stride->pick_next(queue);
        ASSERT_NOT_NULL(t, picked);
        EXPECT_EQ(t, (int)(picked - hidden_stand_ins), expected[i]);
        EXPECT_EQ(t, picked->stride_pass, (uint64_t)(STRIDE_ONE / THREAD_PRIORITY_DEFAULT));
    }
    EXPECT_TRUE(t, stride->pick_next(queue) == NULL);
    kfree(queue);
}

static int returns_its_argument(void *arg)
{
    sched_yield();
    return (int)(uintptr_t)arg;
}

/* Twenty threads, joined in reverse order of creation, each with its own exit code. */
static void threads_hidden_join_many_in_reverse(struct ktest *t)
{
    struct thread *threads[20];
    for (int i = 0; i < 20; i++) {
        threads[i] = thread_create(returns_its_argument, (void *)(uintptr_t)(i * 7 + 1), "many");
        ASSERT_NOT_NULL(t, threads[i]);
    }
    for (int i = 19; i >= 0; i--) {
        int code = -1;
        EXPECT_EQ(t, thread_join(threads[i], &code), 0);
        EXPECT_EQ(t, code, i * 7 + 1);
    }
}

static const struct ktest_case threads_hidden_cases[] = {
    KTEST_CASE(threads_hidden_stride_four_priorities),
    KTEST_CASE(threads_hidden_stride_ties_and_removal),
    KTEST_CASE(threads_hidden_join_many_in_reverse),
    {0},
};
KTEST_SUITE(threads_hidden, threads_hidden_cases);
