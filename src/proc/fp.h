/*
 * fp.h: a user thread's floating-point registers, saved lazily.
 *
 * User programs are built for rv64gc, so they may use f0..f31 and fcsr;
 * the kernel is built without F and D (-march=rv64imac, -mabi=lp64) and
 * never touches them, except here. sstatus.FS, saved in each thread's trap
 * context, tells the hardware whether FP instructions are allowed:
 *
 *   Off      a new or exec'd thread, and any thread since it was switched
 *            away from: its first FP instruction is an illegal-instruction
 *            trap, and fp_handle_first_use loads its registers (zeros the
 *            first time), turns FS on (Clean) and retries the instruction;
 *   Clean    its registers are live in this hart and match thread->fp;
 *   Dirty    the hardware set it: the program wrote an FP register since.
 *
 * At a switch away from a thread whose registers are live (fp_live), they
 * are saved if Dirty and FS goes back to Off. A thread that never uses FP
 * costs one byte test per switch. docs/threads.md tells the story.
 */
#ifndef PROC_FP_H
#define PROC_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/context.h"

/* Linux's struct __riscv_d_ext_state: the layout a signal frame carries. */
struct fp_state {
    uint64_t f[32];
    uint32_t fcsr;
};

struct thread;

/* fp_registers.S: store f0..f31 and fcsr; load them; set them all to zero. FS must not be Off... */
void fp_save_registers(struct fp_state *state);
void fp_load_registers(const struct fp_state *state);
void fp_zero_registers(void);

/* Switching away from `thread`, whose registers are live: save them if Dirty; FS Off. */
void fp_switch_out(struct thread *thread);

/*
 * An illegal-instruction trap from user mode: if FS was Off, make the
 * thread's FP registers live (loaded, or zeroed the first time) and return
 * true: the instruction is retried. False: FS was on, the instruction
 * really is illegal.
 */
bool fp_handle_first_use(struct thread *thread, struct context *context);

/* Make thread->fp up to date (save the live registers if Dirty), e.g. for a signal frame. */
void fp_flush(struct thread *thread);

/* thread->fp was changed (sigreturn): the live registers are stale; reload at next use. */
void fp_discard_live(struct thread *thread);

/* fork: the child starts with a copy of the parent's registers (loaded at its first use). */
void fp_copy_to_child(struct thread *child, struct thread *parent);

/* exec: a fresh program starts with FP off and zeroed registers. */
void fp_reset(struct thread *thread);

#endif
