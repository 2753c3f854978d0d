/*
 * waitlist.h: a list of wakers waiting for the same thing.
 *
 * A future that must wait puts a node, kept in its own struct, on the list
 * of what it waits for (a channel's receivers, the console input's readers)
 * together with its task's waker. When the thing happens, its owner wakes
 * the list: each node is taken off and its waker called. A future that gives
 * up takes its node off itself. Nothing is allocated.
 *
 * The list has no lock of its own: its owner holds one around every call.
 * Pure code with no hardware in it, so tests/host tests it too.
 */
#ifndef ASYNC_WAITLIST_H
#define ASYNC_WAITLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "async/future.h"

struct async_wait_list;

struct async_wait_node {
    struct async_waker waker;
    struct async_wait_node *prev;
    struct async_wait_node *next;
    struct async_wait_list *list; /* the list it is on, or NULL */
};

struct async_wait_list {
    struct async_wait_node *head;
    struct async_wait_node *tail;
};

#define ASYNC_WAIT_LIST_INIT                                                                       \
    {                                                                                              \
        .head = NULL, .tail = NULL                                                                 \
    }

void async_wait_node_init(struct async_wait_node *node);
void async_wait_list_init(struct async_wait_list *list);
bool async_wait_list_empty(const struct async_wait_list *list);
bool async_wait_node_waiting(const struct async_wait_node *node);

/*
 * Wait on the list with this waker. A node already on it keeps its place
 * and takes the new waker (a task polled again may come with another one).
 * A node waits on one list at a time; adding it to a second one panics.
 */
void async_wait_list_add(struct async_wait_list *list, struct async_wait_node *node,
                         const struct async_waker *waker);

/* Take a node off; nothing happens when it is not on this list. */
void async_wait_list_remove(struct async_wait_list *list, struct async_wait_node *node);

/* Take every node off, oldest first, and call its waker. Returns how many. */
size_t async_wait_list_wake_all(struct async_wait_list *list);

#endif
