/*
 * raw_thread.h: a thread made with the raw clone call glibc's
 * pthread_create makes (the user libc has no pthreads), and its join
 * through the CLONE_CHILD_CLEARTID word. threadtest and bench_syscall use it.
 */
#ifndef RAW_THREAD_H
#define RAW_THREAD_H

#include <sys/syscall.h>

#include "abi/sched.h"

#define STACK_SIZE (64 * 1024) /* what a stack passed to spawn() must hold */
#define THREAD_FLAGS                                                                               \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |            \
     CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static inline long futex(int *word, int op, int value)
{
    return syscall6(SYS_futex, (long)word, op, value, 0, 0, 0);
}

/*
 * A new thread that runs fn(arg) on `stack` and exits with what it returns.
 * Its tid goes to *tid_word, which the kernel clears (and wakes) at its exit.
 */
static inline long spawn(int (*fn)(void *), void *arg, char *stack, int *tid_word)
{
    register long a0 asm("a0") = THREAD_FLAGS;
    register long a1 asm("a1") = (long)(stack + STACK_SIZE);
    register long a2 asm("a2") = (long)tid_word;
    register long a3 asm("a3") = 0;
    register long a4 asm("a4") = (long)tid_word;
    register long a7 asm("a7") = SYS_clone;
    register long function asm("s1") = (long)fn;
    register long argument asm("s2") = (long)arg;
    /* The child returns here too, with a0 = 0, on the new stack: it must not return from spawn. */
    asm volatile("ecall\n"
                 "bnez a0, 1f\n"
                 "mv a0, s2\n"
                 "jalr s1\n"
                 "li a7, %[exit]\n"
                 "ecall\n"
                 "1:\n"
                 : "+r"(a0)
                 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7), "r"(function),
                   "r"(argument), [exit] "i"(SYS_exit)
                 : "memory", "ra");
    return a0;
}

/* pthread_join's way: sleep on the tid word until the kernel's exit clears it. */
static inline void join(int *tid_word)
{
    for (int tid; (tid = __atomic_load_n(tid_word, __ATOMIC_ACQUIRE)) != 0;)
        futex(tid_word, FUTEX_WAIT, tid);
}

#endif
