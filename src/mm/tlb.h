/*
 * tlb.h: keeping every hart's TLB honest.
 *
 * A hart caches translations in its TLB, and only sfence.vma on that hart
 * forgets them. When a mapping changes, the hart that changes it flushes
 * its own TLB (pagetable.c does, page by page); any other hart that may
 * hold the old translation must be asked to flush too: a TLB shootdown,
 * through SBI's RFENCE extension, which runs sfence.vma on the target
 * harts and returns when they all have.
 *
 * A shootdown costs an interrupt on every target and a wait on the caller,
 * so the kernel sends one only when a hart may really hold the old
 * translation. It keeps a clock that ticks at every kernel-half unmap that
 * may need one (tlb_clock_tick), and each hart remembers the clock's value
 * at its last full flush (every satp write is one). A hart that has flushed
 * everything since an unmap cannot hold what that unmap removed:
 * tlb_stale_harts() leaves it out. docs/smp.md tells the whole story.
 */
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdint.h>

/*
 * Flush [start, start + size) from the TLBs of the harts in index_mask
 * (bit i: hart index i; this hart's own bit is ignored: flush it locally).
 * Returns when every target has flushed. Panics if the firmware refuses.
 */
void tlb_shootdown(uint32_t index_mask, uint64_t start, uint64_t size);

/*
 * Flush the whole TLB of the harts in index_mask (not this one), and note it
 * as their last full flush: whatever was unmapped before is gone from them.
 */
void tlb_shootdown_everything(uint32_t index_mask);

/*
 * Called before each remote fence, whose caller spins in the firmware until
 * the targets answer. The timer registers one (trap/timer.h says why).
 */
void tlb_set_before_remote_wait(void (*hook)(void));

/* A kernel-half mapping was just removed: tick the clock, and return the new time, its stamp. */
uint64_t tlb_clock_tick(void);

/*
 * Write satp and flush this hart's whole TLB, noting the clock: everything
 * unmapped before now is gone from this hart (memory_set_activate uses it).
 */
void tlb_switch_table(uint64_t satp);

/*
 * A quiet hart: between tlb_quiet_begin (which flushes its whole TLB) and
 * tlb_quiet_end it touches no memory that anyone may unmap (no thread's
 * stack but its own), so its TLB holds nothing of any mapping removed
 * meanwhile or before, and no shootdown need wait for it. The idle loop is
 * quiet while it sleeps in wfi, and ends it as it wakes, before any
 * interrupt handler runs: an idle hart costs a shootdown nothing.
 */
void tlb_quiet_begin(void);
void tlb_quiet_end(void);

/* The online harts (this one included) that may still hold a translation removed at `stamp`. */
uint32_t tlb_stale_harts(uint64_t stamp);

struct tlb_stats {
    uint64_t shootdowns;     /* SBI remote fences sent */
    uint64_t harts_fenced;   /* targets over all of them */
    uint64_t fences_avoided; /* reuses that needed none: every hart had flushed since */
};

void tlb_get_stats(struct tlb_stats *stats);
void tlb_count_avoided(void);

#endif
