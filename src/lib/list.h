/*
 * list.h: intrusive doubly linked lists, as small kernels use them.
 *
 * "Intrusive" means the links live inside the object that is listed: a
 * struct thread holds a `struct list_node run_node`, and the ready queue
 * links those nodes. Nothing is allocated to put an object on a list, so
 * adding and removing never fail and cost O(1), which is what a scheduler
 * needs in code that runs with interrupts off.
 *
 * A list is a circular chain through a sentinel, the `struct list` itself:
 *
 *     list.head <-> node A <-> node B <-> node C <-> back to list.head
 *
 * so an empty list is the sentinel pointing at itself, and no operation has
 * a special case for the first or the last element. list_entry() gets from
 * a node back to the object that contains it.
 *
 * A node that is on no list points at itself (list_node_init, and again
 * after list_remove), so list_node_linked() can tell whether it is listed.
 * These functions take no locks: the list's owner says which lock guards it.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next;
    struct list_node *prev;
};

struct list {
    struct list_node head; /* the sentinel: head.next is the first node, head.prev the last */
};

/* (clang-format would take the subtraction below for a cast.) */
/* clang-format off */
/* The object of type `type` whose member `member` is the node at `node_pointer`. */
#define list_entry(node_pointer, type, member) \
    ((type *)((char *)(node_pointer) - offsetof(type, member)))

#define LIST_INIT(list_name) {.head = {.next = &(list_name).head, .prev = &(list_name).head}}
/* clang-format on */

static inline void list_init(struct list *list)
{
    list->head.next = &list->head;
    list->head.prev = &list->head;
}

static inline void list_node_init(struct list_node *node)
{
    node->next = node;
    node->prev = node;
}

static inline bool list_empty(const struct list *list)
{
    return list->head.next == &list->head;
}

/* Whether the node is on some list (it must have been initialised). */
static inline bool list_node_linked(const struct list_node *node)
{
    return node->next != node;
}

/* Link `node` between two neighbours that are next to each other. */
static inline void list_link_between(struct list_node *node, struct list_node *prev,
                                     struct list_node *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

static inline void list_push_back(struct list *list, struct list_node *node)
{
    list_link_between(node, list->head.prev, &list->head);
}

static inline void list_push_front(struct list *list, struct list_node *node)
{
    list_link_between(node, &list->head, list->head.next);
}

/* Put `node` just before `position` (a node on the list, or the sentinel for the end). */
static inline void list_insert_before(struct list_node *position, struct list_node *node)
{
    list_link_between(node, position->prev, position);
}

/* Take the node off its list; it then points at itself again. */
static inline void list_remove(struct list_node *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    list_node_init(node);
}

/* The first node, or NULL when the list is empty. */
static inline struct list_node *list_first(const struct list *list)
{
    return list_empty(list) ? NULL : list->head.next;
}

/* Remove and return the first node, or NULL when the list is empty. */
static inline struct list_node *list_pop_front(struct list *list)
{
    if (list_empty(list))
        return NULL;
    struct list_node *first = list->head.next;
    list_remove(first);
    return first;
}

/* Visit every node; the loop body must not remove `node` (see the _safe form). */
#define list_for_each(node, list)                                                                  \
    for (struct list_node *node = (list)->head.next; node != &(list)->head; node = node->next)

/* The same, but the body may remove `node`: the next one is fetched first. */
#define list_for_each_safe(node, list)                                                             \
    for (struct list_node *node = (list)->head.next, *list_next_ = node->next;                     \
         node != &(list)->head; node = list_next_, list_next_ = node->next)

static inline size_t list_length(const struct list *list)
{
    size_t length = 0;
    list_for_each(node, list)
    {
        length++;
    }
    return length;
}

#endif
