/*
 * waitlist.c: a doubly linked list of waiting wakers (see waitlist.h).
 *
 * Doubly linked so that a future that gives up can leave in O(1) from the
 * middle of the list.
 */
#include "async/waitlist.h"

#include "console/panic.h"

/* Out of line, so the panic's message stays away from the list code. */
static void async_wait_node_on_two_lists(struct async_wait_node *node)
{
    panic("async wait list: node %p is already waiting on list %p", (void *)node,
          (void *)node->list);
}

void async_wait_node_init(struct async_wait_node *node)
{
    node->waker.wake = NULL;
    node->waker.data = NULL;
    node->prev = NULL;
    node->next = NULL;
    node->list = NULL;
}

bool async_wait_node_waiting(const struct async_wait_node *node)
{
    return node->list != NULL;
}

void async_wait_list_init(struct async_wait_list *list)
{
    list->head = NULL;
    list->tail = NULL;
}

bool async_wait_list_empty(const struct async_wait_list *list)
{
    return list->head == NULL;
}

void async_wait_list_add(struct async_wait_list *list, struct async_wait_node *node,
                         const struct async_waker *waker)
{
    if (node->list == list) {
        node->waker = *waker;
        return;
    }
    if (node->list != NULL)
        async_wait_node_on_two_lists(node);
    node->waker = *waker;
    node->prev = list->tail;
    node->next = NULL;
    if (list->tail != NULL)
        list->tail->next = node;
    else
        list->head = node;
    list->tail = node;
    node->list = list;
}

void async_wait_list_remove(struct async_wait_list *list, struct async_wait_node *node)
{
    if (node->list != list)
        return;
    if (node->prev != NULL)
        node->prev->next = node->next;
    else
        list->head = node->next;
    if (node->next != NULL)
        node->next->prev = node->prev;
    else
        list->tail = node->prev;
    node->prev = NULL;
    node->next = NULL;
    node->list = NULL;
}

size_t async_wait_list_wake_all(struct async_wait_list *list)
{
    /*
     * Detach the whole chain first: a waker that puts its node back on the
     * list (a waiter woken and waiting again) then joins a fresh list, and
     * this loop cannot go round forever.
     */
    struct async_wait_node *node = list->head;
    list->head = NULL;
    list->tail = NULL;
    size_t woken = 0;
    while (node != NULL) {
        struct async_wait_node *next = node->next;
        struct async_waker waker = node->waker;
        node->prev = NULL;
        node->next = NULL;
        node->list = NULL;
        async_waker_wake(&waker);
        woken++;
        node = next;
    }
    return woken;
}
