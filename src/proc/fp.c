/*
 * fp.c: lazy saving of user FP registers. See fp.h.
 *
 * The invariant: a thread's registers are live in a hart (thread->fp_live)
 * only while it is that hart's current thread. fp_switch_out, called from
 * the switch whenever fp_live is set, saves them and sets the thread's FS
 * to Off, so on whichever hart the thread runs next its first FP
 * instruction traps and fp_handle_first_use loads them there.
 */
#include "proc/fp.h"

#include "arch/riscv.h"
#include "lib/string.h"
#include "proc/thread.h"

static inline uint64_t fs_of(const struct context *context)
{
    return context->sstatus & SSTATUS_FS;
}

static inline void set_fs(struct context *context, uint64_t fs)
{
    context->sstatus = (context->sstatus & ~SSTATUS_FS) | fs;
}

void fp_flush(struct thread *thread)
{
    struct context *context = thread->trap_context;
    if (!thread->fp_live || context == NULL)
        return;
    if (fs_of(context) == SSTATUS_FS_DIRTY) {
        fp_save_registers(&thread->fp);
        set_fs(context, SSTATUS_FS_CLEAN);
    }
}

__attribute__((noinline)) void fp_switch_out(struct thread *thread)
{
    fp_flush(thread);
    if (thread->trap_context != NULL)
        set_fs(thread->trap_context, SSTATUS_FS_OFF);
    thread->fp_live = false;
}

bool fp_handle_first_use(struct thread *thread, struct context *context)
{
    if (fs_of(context) != SSTATUS_FS_OFF)
        return false;
    if (thread->fp_used) {
        fp_load_registers(&thread->fp);
    } else {
        fp_zero_registers();
        memset(&thread->fp, 0, sizeof(thread->fp));
        thread->fp_used = true;
    }
    thread->fp_live = true;
    set_fs(context, SSTATUS_FS_CLEAN);
    return true;
}

void fp_discard_live(struct thread *thread)
{
    thread->fp_used = true;
    thread->fp_live = false;
    if (thread->trap_context != NULL)
        set_fs(thread->trap_context, SSTATUS_FS_OFF);
}

void fp_copy_to_child(struct thread *child, struct thread *parent)
{
    if (parent == NULL) {
        fp_reset(child);
        return;
    }
    fp_flush(parent);
    child->fp = parent->fp;
    child->fp_used = parent->fp_used;
    child->fp_live = false;
    if (child->trap_context != NULL)
        set_fs(child->trap_context, SSTATUS_FS_OFF);
}

void fp_reset(struct thread *thread)
{
    thread->fp_used = false;
    thread->fp_live = false;
    memset(&thread->fp, 0, sizeof(thread->fp));
    if (thread->trap_context != NULL)
        set_fs(thread->trap_context, SSTATUS_FS_OFF);
}
