/*
 * demo.h: what the kernel runs once it is up, chosen by mode= on the
 * kernel command line: the shell (the default), or one of the demos.
 *
 *   mode=shell     init (pid 1) in user mode, which starts the shell
 *   mode=halt      boot, print the banner, power off
 *   mode=echo      echo what is typed, through the UART interrupt (echo.h)
 *   mode=async     the async line editor (async_demo.h, docs/async.md)
 *   mode=threads   eight kernel threads under preemption (threads_demo.h)
 */
#ifndef DEMO_DEMO_H
#define DEMO_DEMO_H

/* Run what mode= asks for. An unknown mode is an error: the machine exits with status 1. */
void demo_run_mode(void);

#endif
