/*
 * test_async_timer_queue.c: the deadline-sorted timer queue
 * (src/async/timer_queue.c) on the host, against a simple model: an
 * array of entries expired by repeatedly taking the earliest deadline, the
 * earliest inserted first among equals.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "async/timer_queue.h"

#define ENTRIES 200

static int expired_ids[ENTRIES];
static int expired_count;

static void record_expiry(void *data)
{
    expired_ids[expired_count++] = (int)(intptr_t)data;
}

static uint64_t next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void insert(struct async_timer_queue *queue, struct async_timer_entry *entry, int id,
                   uint64_t deadline)
{
    struct async_waker waker = {.wake = record_expiry, .data = (void *)(intptr_t)id};
    async_timer_entry_init(entry, deadline);
    async_timer_queue_insert(queue, entry, &waker);
}

Test(async_timer_queue, empty_queue_has_no_deadline)
{
    struct async_timer_queue queue;
    async_timer_queue_init(&queue);
    cr_assert_eq(async_timer_queue_next_deadline(&queue), UINT64_MAX);
    cr_assert_eq(async_timer_queue_expire(&queue, UINT64_MAX), (size_t)0);
}

/* Random deadlines (many equal), some removed, expired in steps: the model's order. */
Test(async_timer_queue, expires_in_deadline_order_stable_among_equals)
{
    static struct async_timer_entry entries[ENTRIES];
    uint64_t deadlines[ENTRIES];
    bool removed[ENTRIES] = {false};
    struct async_timer_queue queue;
    uint64_t state = 0x9e3779b97f4a7c15ull;
    async_timer_queue_init(&queue);
    expired_count = 0;
    for (int i = 0; i < ENTRIES; i++) {
        deadlines[i] = next_random(&state) % 50; /* few values: many ties */
        insert(&queue, &entries[i], i, deadlines[i]);
    }
    for (int i = 0; i < ENTRIES; i += 7) {
        async_timer_queue_remove(&queue, &entries[i]);
        removed[i] = true;
    }
    for (uint64_t now = 0; now < 50; now += 5) {
        size_t before = (size_t)expired_count;
        size_t expired = async_timer_queue_expire(&queue, now);
        cr_assert_eq((size_t)expired_count - before, expired);
        cr_assert_gt(async_timer_queue_next_deadline(&queue), now);
    }
    async_timer_queue_expire(&queue, UINT64_MAX);

    /* The model: by deadline, then by insertion order. */
    int place = 0;
    for (uint64_t deadline = 0; deadline < 50; deadline++) {
        for (int i = 0; i < ENTRIES; i++) {
            if (removed[i] || deadlines[i] != deadline)
                continue;
            cr_assert_lt(place, expired_count);
            cr_assert_eq(expired_ids[place], i, "place %d: expected %d, got %d", place, i,
                         expired_ids[place]);
            place++;
        }
    }
    cr_assert_eq(place, expired_count);
}

Test(async_timer_queue, reinserting_keeps_the_place_and_takes_the_new_waker)
{
    struct async_timer_queue queue;
    struct async_timer_entry early;
    struct async_timer_entry late;
    async_timer_queue_init(&queue);
    expired_count = 0;
    insert(&queue, &late, 1, 20);
    insert(&queue, &early, 0, 10);
    struct async_waker again = {.wake = record_expiry, .data = (void *)(intptr_t)7};
    async_timer_queue_insert(&queue, &early, &again);
    cr_assert_eq(async_timer_queue_next_deadline(&queue), 10u);
    cr_assert_eq(async_timer_queue_expire(&queue, 15), (size_t)1);
    cr_assert_eq(expired_ids[0], 7);
    cr_assert_not(early.linked);
    cr_assert(late.linked);
    async_timer_queue_remove(&queue, &late);
    cr_assert_eq(async_timer_queue_next_deadline(&queue), UINT64_MAX);
}
