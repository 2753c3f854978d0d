/*
 * lockdep.c: the lock-order checker (make LOCKDEP=1). See lockdep.h.
 *
 * The graph: after[A] is a bit set of the classes taken while holding A.
 * Each edge also keeps where it was first seen: the site that took A and
 * the site that took B. The graph has its own lock, a plain atomic word
 * (not a struct spinlock, which would check itself), taken with interrupts
 * already off: lockdep_acquire runs inside spinlock_acquire.
 */
#ifdef LOCKDEP
#include "sync/lockdep.h"

#include <stdbool.h>

#include "arch/hart.h"
#include "console/console.h"
#include "console/ksyms.h"
#include "console/panic.h"
#include "lib/string.h"
#include "sync/spinlock.h"

#define WORDS ((LOCKDEP_CLASSES + 63) / 64)

struct edge {
    uint16_t from;
    uint16_t to;
    uint64_t from_site; /* where `from` was taken */
    uint64_t to_site;   /* where `to` was taken, with `from` held */
    uint64_t hart;      /* the hart id that did it */
};

struct held {
    struct spinlock *lock;
    uint16_t class;
    uint64_t site;
};

static const char *class_names[LOCKDEP_CLASSES + 1]; /* class 0 is "none yet" */
static int class_count;
static uint64_t after[LOCKDEP_CLASSES + 1][WORDS];
static struct edge edges[LOCKDEP_EDGES];
static int edge_count;
static bool edges_full_warned;
static volatile uint32_t graph_locked;

static struct {
    struct held held[LOCKDEP_HELD];
    int depth;
} harts[MAX_HARTS];

static void graph_lock(void)
{
    while (__atomic_exchange_n(&graph_locked, 1, __ATOMIC_ACQUIRE) != 0)
        ;
}

static void graph_unlock(void)
{
    __atomic_store_n(&graph_locked, 0, __ATOMIC_RELEASE);
}

/* The class of a lock: one per name, found once and remembered in the lock. */
static uint16_t class_of(struct spinlock *lock)
{
    if (lock->lockdep_class != 0)
        return lock->lockdep_class;
    const char *name = lock->name != NULL ? lock->name : "(unnamed)";
    graph_lock();
    int found = 0;
    for (int class = 1; class <= class_count; class ++) {
        if (strcmp(class_names[class], name) == 0) {
            found = class;
            break;
        }
    }
    if (found == 0) {
        if (class_count == LOCKDEP_CLASSES) {
            graph_unlock();
            panic("lockdep: more than %d lock names; raise LOCKDEP_CLASSES (lock '%s')",
                  LOCKDEP_CLASSES, name);
        }
        found = ++class_count;
        class_names[found] = name;
    }
    graph_unlock();
    lock->lockdep_class = (uint16_t)found;
    return (uint16_t)found;
}

static bool has_edge(uint16_t from, uint16_t to)
{
    return (after[from][to / 64] >> (to % 64)) & 1;
}

static const struct edge *find_edge(uint16_t from, uint16_t to)
{
    for (int i = 0; i < edge_count; i++) {
        if (edges[i].from == from && edges[i].to == to)
            return &edges[i];
    }
    return NULL;
}

/*
 * Is there a path start -> ... -> goal? Breadth first; parent[] records it
 * so the report can walk it back. The graph lock is held.
 */
static bool find_path(uint16_t start, uint16_t goal, uint16_t *parent)
{
    uint16_t queue[LOCKDEP_CLASSES + 1];
    bool seen[LOCKDEP_CLASSES + 1] = {false};
    int head = 0;
    int tail = 0;
    queue[tail++] = start;
    seen[start] = true;
    while (head < tail) {
        uint16_t class = queue[head++];
        if (class == goal)
            return true;
        for (uint16_t next = 1; next <= (uint16_t)class_count; next++) {
            if (has_edge(class, next) && !seen[next]) {
                seen[next] = true;
                parent[next] = class;
                queue[tail++] = next;
            }
        }
    }
    return false;
}

static void print_site(const char *label, uint64_t site)
{
    uint64_t offset = 0;
    const char *name = ksyms_lookup(site, &offset);
    if (name != NULL)
        kprintf("%s %s+0x%lx", label, name, offset);
    else
        kprintf("%s %p", label, (void *)site);
}

static void print_edge(const struct edge *edge)
{
    kprintf("    '%s' then '%s': hart %lu took '%s'", class_names[edge->from],
            class_names[edge->to], edge->hart, class_names[edge->from]);
    print_site(" at", edge->from_site);
    kprintf(", then '%s'", class_names[edge->to]);
    print_site(" at", edge->to_site);
    kprintf("\n");
}

/*
 * The new edge held -> wanted closes a cycle with the path wanted -> ... ->
 * held already in the graph. Print both orders with their sites; panic.
 */
__attribute__((noreturn)) static void report_cycle(const struct held *held, uint16_t wanted,
                                                   uint64_t site, const uint16_t *parent)
{
    panic_begin();
    kprintf("\nlockdep: lock order cycle on hart %lu (%s):\n", hart_id(), hart_running_name());
    kprintf("  now:\n");
    struct edge now = {held->class, wanted, held->site, site, hart_id()};
    print_edge(&now);
    kprintf("  but before, the other order:\n");
    /* Walk the path back from held to wanted, and print it forwards. */
    uint16_t path[LOCKDEP_CLASSES + 1];
    int length = 0;
    for (uint16_t class = held->class; class != wanted; class = parent[class])
        path[length++] = class;
    path[length++] = wanted;
    for (int i = length - 1; i > 0; i--) {
        const struct edge *edge = find_edge(path[i], path[i - 1]);
        if (edge != NULL)
            print_edge(edge);
    }
    kprintf("  Two harts taking these locks in these orders at once would wait for each other "
            "for ever.\n");
    char message[160];
    snprintf(message, sizeof(message), "lockdep: lock order cycle: '%s' -> '%s' -> '%s'",
             class_names[held->class], class_names[wanted], class_names[held->class]);
    kprintf("\nPANIC on hart %lu (%s): %s\n", hart_id(), hart_running_name(), message);
    panic_end(read_fp());
}

/* Record held -> wanted, unless it is known; panic if it closes a cycle. */
static void check_order(const struct held *held, uint16_t wanted, uint64_t site)
{
    if (held->class == wanted || has_edge(held->class, wanted))
        return;
    graph_lock();
    uint16_t parent[LOCKDEP_CLASSES + 1];
    if (!has_edge(held->class, wanted) && find_path(wanted, held->class, parent)) {
        graph_unlock();
        report_cycle(held, wanted, site, parent);
    }
    after[held->class][wanted / 64] |= 1ull << (wanted % 64);
    if (edge_count < LOCKDEP_EDGES) {
        edges[edge_count++] = (struct edge){held->class, wanted, held->site, site, hart_id()};
    } else if (!edges_full_warned) {
        edges_full_warned = true; /* the graph still works; only the sites of new edges are lost */
        kprintf("lockdep: more than %d lock orders; new ones are checked without their sites\n",
                LOCKDEP_EDGES);
    }
    graph_unlock();
}

void lockdep_acquire(struct spinlock *lock, uint64_t site)
{
    uint16_t class = class_of(lock);
    if (hart_this() == NULL)
        return; /* before tp is set, nothing is held anywhere */
    __typeof__(harts[0]) *mine = &harts[hart_index()];
    for (int i = 0; i < mine->depth; i++)
        check_order(&mine->held[i], class, site);
    if (mine->depth == LOCKDEP_HELD)
        panic("lockdep: hart %lu holds %d spinlocks at once, taking '%s'", hart_id(), LOCKDEP_HELD,
              lock->name);
    mine->held[mine->depth++] = (struct held){lock, class, site};
}

void lockdep_release(struct spinlock *lock)
{
    if (hart_this() == NULL)
        return;
    __typeof__(harts[0]) *mine = &harts[hart_index()];
    for (int i = mine->depth - 1; i >= 0; i--) {
        if (mine->held[i].lock != lock)
            continue;
        for (int j = i; j + 1 < mine->depth; j++)
            mine->held[j] = mine->held[j + 1];
        mine->depth--;
        return;
    }
}

void lockdep_print_held(void)
{
    __typeof__(harts[0]) *mine = &harts[hart_index()];
    kprintf("lockdep: hart %lu holds %d spinlock(s):\n", hart_id(), mine->depth);
    for (int i = 0; i < mine->depth; i++) {
        kprintf("  '%s'", mine->held[i].lock->name);
        print_site(" taken at", mine->held[i].site);
        kprintf("\n");
    }
}

void lockdep_print_graph(void)
{
    kprintf("lockdep: %d lock names, %d orders seen (held -> taken, first sites):\n", class_count,
            edge_count);
    for (int i = 0; i < edge_count; i++)
        print_edge(&edges[i]);
}

int lockdep_class_count(void)
{
    return class_count;
}

int lockdep_edge_count(void)
{
    return edge_count;
}
#endif /* LOCKDEP */
