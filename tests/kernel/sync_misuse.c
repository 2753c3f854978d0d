/*
 * sync_misuse: a test kernel whose success is a panic that names the
 * mistake. The command line picks it (case=...):
 *
 *   recursive_spinlock   a hart takes a spinlock it already holds
 *   recursive_mutex      a thread locks a mutex it already holds
 *   unlock_not_owner     a thread unlocks a mutex another thread holds
 *   unlock_unlocked      a thread unlocks a mutex nobody holds
 *   deadlock             two threads each wait for the mutex the other holds
 *   sleep_in_interrupt   a timer interrupt handler tries to take a mutex
 *   sleep_with_spinlock  a thread sleeps while it holds a spinlock
 *   release_not_held     a hart releases a spinlock it never took
 *   interrupts_on_inside a hart turns interrupts on while it holds spinlocks
 *
 * tests/system/test_threads.py checks each panic message and status 101.
 * Coming back from the mistake is a failure (status 1).
 */
#include "arch/irq.h"
#include "console/console.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "lib/string.h"
#include "main.h"
#include "proc/thread.h"
#include "proc/mutex.h"
#include "sync/spinlock.h"
#include "trap/timer.h"

static struct spinlock lock = SPINLOCK_INIT("misuse");
static struct mutex first = MUTEX_INIT(first, "first");
static struct mutex second = MUTEX_INIT(second, "second");

/*
 * Each deadlock thread takes its first mutex, then waits until the other
 * has taken its own, then asks for the other's. On one hart a yield would
 * do; on several, the other thread may not have started yet.
 */
static int first_mutexes_taken;

static void take_then_wait_for_the_other(struct mutex *mine)
{
    mutex_lock(mine);
    __atomic_fetch_add(&first_mutexes_taken, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&first_mutexes_taken, __ATOMIC_SEQ_CST) < 2)
        sched_yield();
}

static int lock_first_then_second(void *unused)
{
    (void)unused;
    take_then_wait_for_the_other(&first);
    mutex_lock(&second);
    return 0;
}

static int lock_second_then_first(void *unused)
{
    (void)unused;
    take_then_wait_for_the_other(&second);
    mutex_lock(&first); /* one of the two closes the cycle: the check panics there */
    return 0;
}

/*
 * Takes `first` and stays alive holding it, so that the report can name a
 * live thread. (It used to exit and be joined: the report then read the
 * name of a freed thread, which only came out right while nothing reused
 * that part of its memory.)
 */
static int holder_has_it;

static int hold_first(void *unused)
{
    (void)unused;
    mutex_lock(&first);
    __atomic_store_n(&holder_has_it, 1, __ATOMIC_SEQ_CST);
    for (;;)
        sched_yield();
    return 0;
}

static void lock_in_a_tick(uint64_t now)
{
    (void)now;
    mutex_lock(&first);
}

void kernel_run(void)
{
    char which[32] = "";
    devicetree_bootarg("case", which, sizeof(which));
    kprintf("sync_misuse: case %s\n", which);
    if (strcmp(which, "recursive_spinlock") == 0) {
        spinlock_acquire(&lock);
        spinlock_acquire(&lock);
    } else if (strcmp(which, "recursive_mutex") == 0) {
        mutex_lock(&first);
        mutex_lock(&first);
    } else if (strcmp(which, "unlock_not_owner") == 0) {
        thread_create(hold_first, NULL, "holder");
        while (!__atomic_load_n(&holder_has_it, __ATOMIC_SEQ_CST))
            sched_yield();
        mutex_unlock(&first);
    } else if (strcmp(which, "unlock_unlocked") == 0) {
        mutex_unlock(&second);
    } else if (strcmp(which, "deadlock") == 0) {
        struct thread *a = thread_create(lock_first_then_second, NULL, "deadlock-a");
        struct thread *b = thread_create(lock_second_then_first, NULL, "deadlock-b");
        thread_join(a, NULL);
        thread_join(b, NULL);
    } else if (strcmp(which, "sleep_in_interrupt") == 0) {
        timer_add_tick_hook(lock_in_a_tick);
        sched_sleep_ticks(5); /* the next tick's hook panics */
    } else if (strcmp(which, "release_not_held") == 0) {
        spinlock_release(&lock);
    } else if (strcmp(which, "sleep_with_spinlock") == 0) {
        spinlock_acquire(&lock);
        sched_sleep_ticks(1);
    } else if (strcmp(which, "interrupts_on_inside") == 0) {
        static struct spinlock inner = SPINLOCK_INIT("inner");
        spinlock_acquire(&lock);
        spinlock_acquire(&inner);
        irq_enable();
        spinlock_release(&inner); /* not the last lock: the check comes with the last */
        spinlock_release(&lock);
    } else {
        kprintf("sync_misuse: unknown case=%s\n", which);
    }
    kprintf("sync_misuse: the mistake went unnoticed\n");
    machine_exit(1);
}
