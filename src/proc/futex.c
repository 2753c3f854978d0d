/*
 * futex.c: futex words: sleeping on them and waking their sleepers. See futex.h.
 *
 * Every sleeper has a small record on its own kernel stack, linked into
 * one of FUTEX_BUCKETS lists by a hash of its key. One spinlock guards the
 * lists. A sleeper reads the word and enters the list under that lock,
 * and a waker changes the word in user memory before it takes the lock to
 * wake: so a wake can never fall between the sleeper's check and its
 * sleep (the lost wake-up futexes exist to prevent).
 *
 * The sleep itself is in the timer queue (sched_sleep_until_guarded), with
 * no deadline when none is asked, because a signal and a timeout must be
 * able to end it as well as a wake.
 */
#include "proc/futex.h"

#include "abi/errno.h"
#include "abi/sched.h"
#include "lib/list.h"
#include "mm/uaccess.h"
#include "proc/interruptible.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "sync/spinlock.h"
#include "arch/riscv.h"
#include "trap/timer.h"

#define FUTEX_BUCKETS 64

struct futex_waiter {
    struct list_node node;
    const struct memory_set *set;
    uint64_t address;
    uint32_t bitset;
    struct thread *thread;
    bool woken; /* set by the waker, under futex_lock, as it takes the record off the list */
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex");
static struct list buckets[FUTEX_BUCKETS];
static bool buckets_ready;
static int waiters;

static struct list *bucket_for(const struct memory_set *set, uint64_t address)
{
    if (!buckets_ready) {
        for (int i = 0; i < FUTEX_BUCKETS; i++)
            list_init(&buckets[i]);
        buckets_ready = true;
    }
    uint64_t key = (address >> 2) ^ ((uint64_t)set >> 6);
    key ^= key >> 17;
    return &buckets[key % FUTEX_BUCKETS];
}

long futex_wait(struct memory_set *set, uint64_t address, uint32_t expected, uint64_t deadline,
                uint32_t bitset)
{
    if ((address & 3) != 0 || bitset == 0)
        return -EINVAL;
    struct futex_waiter me = {
        .set = set, .address = address, .bitset = bitset, .thread = thread_current()};
    spinlock_acquire(&futex_lock);
    uint32_t value;
    if (copy_from_user(set, &value, address, sizeof(value)) != 0) {
        spinlock_release(&futex_lock);
        return -EFAULT;
    }
    if (value != expected) {
        spinlock_release(&futex_lock);
        return -EAGAIN;
    }
    list_push_back(bucket_for(set, address), &me.node);
    waiters++;
    long result = 0;
    while (!me.woken) {
        if (deadline != UINT64_MAX && read_time() >= deadline) {
            result = -ETIMEDOUT;
            break;
        }
        if (sched_sleep_until_guarded(deadline, &futex_lock) != 0 && !me.woken) {
            result = deadline == UINT64_MAX ? -ERESTARTSYS : -EINTR;
            break;
        }
    }
    if (!me.woken) {
        list_remove(&me.node);
        waiters--;
    }
    spinlock_release(&futex_lock);
    return me.woken ? 0 : result;
}

long futex_wake(struct memory_set *set, uint64_t address, int count, uint32_t bitset)
{
    if ((address & 3) != 0 || bitset == 0)
        return -EINVAL;
    long woken = 0;
    spinlock_acquire(&futex_lock);
    struct list *bucket = bucket_for(set, address);
    list_for_each_safe(node, bucket)
    {
        struct futex_waiter *waiter = list_entry(node, struct futex_waiter, node);
        if (waiter->set != set || waiter->address != address || (waiter->bitset & bitset) == 0)
            continue;
        list_remove(&waiter->node);
        waiters--;
        waiter->woken = true;
        spinlock_acquire(&sched_lock);
        sched_end_sleep_locked(waiter->thread);
        spinlock_release(&sched_lock);
        /* Linux's count: at least one is woken, even for 0 or less. */
        if (++woken >= count)
            break;
    }
    spinlock_release(&futex_lock);
    return woken;
}

long futex_wake_address(struct memory_set *set, uint64_t address, int count)
{
    return futex_wake(set, address, count, FUTEX_BITSET_MATCH_ANY);
}

int futex_waiter_count(void)
{
    spinlock_acquire(&futex_lock);
    int count = waiters;
    spinlock_release(&futex_lock);
    return count;
}
