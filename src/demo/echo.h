/*
 * echo.h: echo mode (mode=echo on the kernel command line).
 *
 * Shows console input at work: every byte typed comes back, Enter ends a
 * line with a summary (its length and FNV-1a hash, so a test can check
 * order and content), and Ctrl-D ends the mode with the totals.
 */
#ifndef DEMO_ECHO_H
#define DEMO_ECHO_H

/* Runs until Ctrl-D. Interrupts must be on: input arrives through them. */
void echo_run(void);

#endif
