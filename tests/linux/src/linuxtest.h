/*
 * linuxtest.h: what the Tier 0 programs share.
 *
 * Every program prints only facts that are the same on every correct Linux
 * (and on qemu-riscv64): no addresses, no process ids, no times. A fact that is
 * checked prints as "description: yes" or "description: NO"; the exit status
 * is 0 when every check said yes and 1 otherwise, so a run can be judged by its
 * status alone as well as by its output.
 *
 * stdout is made line buffered before anything is printed. Each line is then
 * one write(2), whether stdout is a pipe (qemu-user under the reference
 * runner) or a console (our kernel), and nothing sits in a buffer when a
 * program forks. That keeps the output of several processes in a fixed order.
 */
#ifndef LINUXTEST_H
#define LINUXTEST_H

#include <stdio.h>
#include <stdlib.h>

static int lt_failures;

static inline void lt_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Print "what: yes" or "what: NO" and count a failure. */
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        int lt_ok_ = !!(cond);                                                                     \
        printf("%s: %s\n", (what), lt_ok_ ? "yes" : "NO");                                         \
        if (!lt_ok_)                                                                               \
            lt_failures++;                                                                         \
    } while (0)

static inline int lt_status(void)
{
    return lt_failures ? 1 : 0;
}

#endif
