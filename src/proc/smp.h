/*
 * smp.h: starting the other harts.
 *
 * OpenSBI runs the kernel on one hart, the boot hart; the others wait in
 * the firmware until the kernel asks for them through the SBI HSM
 * extension (hart_start). smp_start_harts() asks for every hart the device
 * tree lists, each with a guarded kernel stack of its own, and waits until
 * each one runs the scheduler: from then on any hart runs any ready thread.
 * docs/smp.md tells the whole story.
 */
#ifndef PROC_SMP_H
#define PROC_SMP_H

#include <stdint.h>

#include "arch/hart.h"

/*
 * Start the harts the device tree lists (status okay, up to MAX_HARTS in
 * all), one index each in device-tree order, and wait until they are
 * online. The boot hart calls it once, after sched_init, with interrupts
 * off. `harts=N` on the command line starts at most N harts in all.
 * Prints which harts are online.
 */
void smp_start_harts(void);

/*
 * The rest of a started hart's own set-up, called by kmain_secondary once
 * its traps, timer, PLIC and IPIs work: its first stack becomes its idle
 * thread, it joins the online harts, and it runs the idle loop. Never returns.
 */
__attribute__((noreturn)) void smp_hart_run(const struct hart_start_info *info);

/*
 * One line on how the harts spent their time: the share spent spinning for
 * spinlocks since boot, IPIs, shootdowns. Printed when init exits (the
 * shell's `exit`), and read by scripts/smp_scaling.py.
 */
void smp_print_summary(void);

#endif
