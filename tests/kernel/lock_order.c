/*
 * lock_order: the lock-order checker (make LOCKDEP=1) catches an AB-BA
 * order the first time both orders have been seen, before it ever
 * deadlocks.
 *
 * A thread takes 'alpha' then 'beta'; when it has finished, the boot
 * thread takes 'beta' then 'alpha'. The two never overlap, so nothing
 * hangs and no run of this kernel could deadlock: only the checker can see
 * that two harts doing both at once would wait for each other for ever.
 * Its panic names both locks and all four call sites; the system test
 * (tests/system/test_threads.py, with the stride build) checks them, and status 101.
 *
 * Built without LOCKDEP the order is not checked: the kernel says so and
 * exits with status 2.
 */
#include "console/console.h"
#include "dev/machine.h"
#include "main.h"
#include "proc/thread.h"
#include "sync/spinlock.h"

static struct spinlock alpha = SPINLOCK_INIT("alpha");
static struct spinlock beta = SPINLOCK_INIT("beta");

__attribute__((noinline)) static void take_alpha_then_beta(void)
{
    spinlock_acquire(&alpha);
    spinlock_acquire(&beta);
    spinlock_release(&beta);
    spinlock_release(&alpha);
}

__attribute__((noinline)) static void take_beta_then_alpha(void)
{
    spinlock_acquire(&beta);
    spinlock_acquire(&alpha); /* closes the cycle: the checker panics here */
    spinlock_release(&alpha);
    spinlock_release(&beta);
}

static int alpha_beta_thread(void *unused)
{
    (void)unused;
    take_alpha_then_beta();
    kprintf("lock_order: thread 'alpha-beta' took alpha, then beta, on hart %lu\n", hart_id());
    return 0;
}

void kernel_run(void)
{
#ifndef LOCKDEP
    kprintf("lock_order: built without LOCKDEP=1, so lock order is not checked\n");
    machine_exit(2);
#endif
    struct thread *thread = thread_create(alpha_beta_thread, NULL, "alpha-beta");
    thread_join(thread, NULL);
    kprintf("lock_order: now the boot thread takes beta, then alpha, on hart %lu\n", hart_id());
    take_beta_then_alpha();
    kprintf("lock_order: the checker missed the AB-BA order\n");
    machine_exit(1);
}
