/*
 * test_async_waitlist.c: the async wait list (src/async/waitlist.c) on the host.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "async/waitlist.h"
#include "host_panic.h"

#define NODES 8

static int woken[NODES];
static int wake_order[64];
static int wake_count;

static void record_wake(void *data)
{
    int id = (int)(intptr_t)data;
    woken[id]++;
    wake_order[wake_count++] = id;
}

static struct async_waker waker_for(int id)
{
    struct async_waker waker = {.wake = record_wake, .data = (void *)(intptr_t)id};
    return waker;
}

static void reset(void)
{
    for (int i = 0; i < NODES; i++)
        woken[i] = 0;
    wake_count = 0;
}

Test(async_waitlist, wakes_in_the_order_added_and_empties)
{
    struct async_wait_list list = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node nodes[NODES];
    reset();
    for (int i = 0; i < NODES; i++) {
        struct async_waker waker = waker_for(i);
        async_wait_node_init(&nodes[i]);
        async_wait_list_add(&list, &nodes[i], &waker);
    }
    cr_assert_not(async_wait_list_empty(&list));
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)NODES);
    cr_assert(async_wait_list_empty(&list));
    for (int i = 0; i < NODES; i++) {
        cr_assert_eq(wake_order[i], i);
        cr_assert_not(async_wait_node_waiting(&nodes[i]));
    }
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)0);
}

Test(async_waitlist, removal_from_head_middle_and_tail)
{
    struct async_wait_list list = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node nodes[5];
    reset();
    for (int i = 0; i < 5; i++) {
        struct async_waker waker = waker_for(i);
        async_wait_node_init(&nodes[i]);
        async_wait_list_add(&list, &nodes[i], &waker);
    }
    async_wait_list_remove(&list, &nodes[0]);
    async_wait_list_remove(&list, &nodes[2]);
    async_wait_list_remove(&list, &nodes[4]);
    async_wait_list_remove(&list, &nodes[4]); /* twice: nothing happens */
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)2);
    cr_assert_eq(wake_order[0], 1);
    cr_assert_eq(wake_order[1], 3);
    cr_assert_eq(woken[0] + woken[2] + woken[4], 0);
}

Test(async_waitlist, adding_again_keeps_the_place_and_takes_the_new_waker)
{
    struct async_wait_list list = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node a;
    struct async_wait_node b;
    struct async_waker first = waker_for(0);
    struct async_waker second = waker_for(1);
    struct async_waker other = waker_for(2);
    reset();
    async_wait_node_init(&a);
    async_wait_node_init(&b);
    async_wait_list_add(&list, &a, &first);
    async_wait_list_add(&list, &b, &other);
    async_wait_list_add(&list, &a, &second);
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)2);
    cr_assert_eq(wake_count, 2);
    cr_assert_eq(wake_order[0], 1); /* a, still first, with its new waker */
    cr_assert_eq(wake_order[1], 2);
    cr_assert_eq(woken[0], 0);
}

Test(async_waitlist, removing_from_another_list_does_nothing)
{
    struct async_wait_list one = ASYNC_WAIT_LIST_INIT;
    struct async_wait_list two = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node node;
    struct async_waker waker = waker_for(0);
    reset();
    async_wait_node_init(&node);
    async_wait_list_add(&one, &node, &waker);
    async_wait_list_remove(&two, &node);
    cr_assert(async_wait_node_waiting(&node));
    cr_assert(async_wait_list_empty(&two));
    cr_assert_eq(async_wait_list_wake_all(&one), (size_t)1);
}

Test(async_waitlist, a_node_on_two_lists_panics)
{
    struct async_wait_list one = ASYNC_WAIT_LIST_INIT;
    struct async_wait_list two = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node node;
    struct async_waker waker = waker_for(0);
    async_wait_node_init(&node);
    async_wait_list_add(&one, &node, &waker);
    cr_assert(HOST_PANICS(async_wait_list_add(&two, &node, &waker)));
    cr_assert(strstr(host_panic_message, "already waiting") != NULL, "%s", host_panic_message);
}

/* A waker that waits again at once, as a woken task that finds nothing would. */
static struct async_wait_list *rewait_list;
static struct async_wait_node *rewait_node;
static int rewaits;

static void wait_again(void *data)
{
    rewaits++;
    struct async_waker self = {.wake = wait_again, .data = data};
    async_wait_list_add(rewait_list, rewait_node, &self);
}

Test(async_waitlist, a_waker_that_waits_again_is_woken_once_per_wake_all)
{
    struct async_wait_list list = ASYNC_WAIT_LIST_INIT;
    struct async_wait_node node;
    struct async_waker waker = {.wake = wait_again, .data = NULL};
    rewait_list = &list;
    rewait_node = &node;
    rewaits = 0;
    async_wait_node_init(&node);
    async_wait_list_add(&list, &node, &waker);
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)1);
    cr_assert_eq(rewaits, 1);
    cr_assert(async_wait_node_waiting(&node)); /* on the list again, for the next wake */
    cr_assert_eq(async_wait_list_wake_all(&list), (size_t)1);
    cr_assert_eq(rewaits, 2);
}
