/*
 * futex.h: Linux's fast user-space mutex support: a thread sleeps until
 * the 32-bit word at an address is woken, if the word still holds the
 * value it expects (FUTEX_WAIT); another thread wakes some of the
 * sleepers of that word (FUTEX_WAKE). glibc builds pthread mutexes,
 * condition variables and pthread_join on these two.
 *
 * A word is named by its address space and its address: no memory is
 * shared between processes here (fork copies, MAP_SHARED is not offered),
 * so a "shared" futex can only be met by threads of one address space,
 * exactly as Linux keys a private mapping. docs/threads.md tells more.
 */
#ifndef PROC_FUTEX_H
#define PROC_FUTEX_H

#include <stdint.h>

struct memory_set;

/*
 * Sleep on the word at `address` of `set` (the caller's) if it holds
 * `expected`, until a wake whose bitset meets `bitset`, the `time` value
 * `deadline` (UINT64_MAX: never), or a signal. 0 when woken; -EAGAIN if
 * the word held something else; -ETIMEDOUT; -EINTR (with a deadline) or
 * -ERESTARTSYS (without) for a signal; -EFAULT, -EINVAL (unaligned, no bit).
 */
long futex_wait(struct memory_set *set, uint64_t address, uint32_t expected, uint64_t deadline,
                uint32_t bitset);

/* Wake up to `count` sleepers on the word whose bitset meets `bitset`: how many were woken. */
long futex_wake(struct memory_set *set, uint64_t address, int count, uint32_t bitset);

/* The same with every bit (CLONE_CHILD_CLEARTID at a thread's exit). */
long futex_wake_address(struct memory_set *set, uint64_t address, int count);

/* How many threads sleep on futexes now (tests check nothing is left behind). */
int futex_waiter_count(void);

#endif
