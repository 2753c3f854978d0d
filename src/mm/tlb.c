/*
 * tlb.c: TLB shootdowns through SBI, and the clock that avoids most of
 * them. See tlb.h.
 *
 * Why a clock read before a full flush is enough: an unmap clears the
 * entry, then ticks the clock (an atomic add, ordered after the store). A
 * hart that reads the clock and sees that tick, then executes sfence.vma,
 * walks the page table afresh for every address afterwards, and finds the
 * entry cleared. So its flush stamp at least as new as the unmap's stamp
 * proves it holds nothing the unmap removed.
 */
#include "mm/tlb.h"

#include "arch/hart.h"
#include "arch/riscv.h"
#include "console/panic.h"
#include "sbi/sbi.h"

static uint64_t clock = 1; /* 0 is the stamp of a slot never unmapped */
/* Each hart's clock value at its last full flush, by index. */
static uint64_t flushed_at[MAX_HARTS];
/* Harts between tlb_quiet_begin and tlb_quiet_end: flushed, and touching nobody's stack. */
static uint32_t quiet_harts;
static struct tlb_stats stats;
static void (*before_remote_wait)(void);

void tlb_set_before_remote_wait(void (*hook)(void))
{
    before_remote_wait = hook;
}

uint64_t tlb_clock_tick(void)
{
    return __atomic_add_fetch(&clock, 1, __ATOMIC_SEQ_CST);
}

/* Hart `index` flushed its whole TLB after the clock read `now`. */
static void note_full_flush(uint32_t index, uint64_t now)
{
    uint64_t seen = __atomic_load_n(&flushed_at[index], __ATOMIC_RELAXED);
    while (seen < now && !__atomic_compare_exchange_n(&flushed_at[index], &seen, now, false,
                                                      __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        ;
}

void tlb_switch_table(uint64_t satp)
{
    uint64_t now = __atomic_load_n(&clock, __ATOMIC_SEQ_CST);
    csr_write(satp, satp);
    /* The new table makes every cached translation suspect, the global ones too. */
    sfence_vma_all();
    note_full_flush(hart_index(), now);
}

void tlb_quiet_begin(void)
{
    uint64_t now = __atomic_load_n(&clock, __ATOMIC_SEQ_CST);
    sfence_vma_all();
    note_full_flush(hart_index(), now);
    /* After the flush: from here on this hart's TLB holds nothing anyone frees. */
    __atomic_fetch_or(&quiet_harts, 1u << hart_index(), __ATOMIC_SEQ_CST);
}

void tlb_quiet_end(void)
{
    __atomic_fetch_and(&quiet_harts, ~(1u << hart_index()), __ATOMIC_SEQ_CST);
}

uint32_t tlb_stale_harts(uint64_t stamp)
{
    uint32_t online = hart_online_mask() & ~__atomic_load_n(&quiet_harts, __ATOMIC_SEQ_CST);
    uint32_t stale = 0;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((online & (1u << index)) != 0 &&
            __atomic_load_n(&flushed_at[index], __ATOMIC_ACQUIRE) < stamp)
            stale |= 1u << index;
    }
    return stale;
}

void tlb_shootdown(uint32_t index_mask, uint64_t start, uint64_t size)
{
    index_mask &= hart_online_mask() & ~(1u << hart_index());
    if (index_mask == 0)
        return;
    /* One call names harts by id, as a mask from a base: one call per hart keeps any ids. */
    uint64_t ids = 0;
    uint64_t base = UINT64_MAX;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        const struct hart *hart = hart_by_index(index);
        if ((index_mask & (1u << index)) != 0 && hart != NULL && hart->id < base)
            base = hart->id;
    }
    if (before_remote_wait != NULL)
        before_remote_wait(); /* the timer arms an interrupt: see trap/timer.h */
    uint32_t targets = 0;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        const struct hart *hart = hart_by_index(index);
        if ((index_mask & (1u << index)) == 0 || hart == NULL)
            continue;
        targets++;
        if (hart->id - base < 64) {
            ids |= 1ull << (hart->id - base);
            continue;
        }
        long error = sbi_remote_sfence_vma(1, (long)hart->id, start, size);
        if (error != SBI_SUCCESS)
            panic("tlb: remote sfence.vma on hart %lu for [%p, +0x%lx) failed: SBI error %ld",
                  hart->id, (void *)start, size, error);
    }
    long error = ids == 0 ? SBI_SUCCESS : sbi_remote_sfence_vma(ids, (long)base, start, size);
    if (error != SBI_SUCCESS)
        panic("tlb: remote sfence.vma (hart mask 0x%lx from %lu) for [%p, +0x%lx) failed: SBI "
              "error %ld",
              ids, base, (void *)start, size, error);
    __atomic_fetch_add(&stats.shootdowns, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&stats.harts_fenced, targets, __ATOMIC_RELAXED);
}

void tlb_shootdown_everything(uint32_t index_mask)
{
    index_mask &= hart_online_mask() & ~(1u << hart_index());
    if (index_mask == 0)
        return;
    uint64_t now = __atomic_load_n(&clock, __ATOMIC_SEQ_CST);
    tlb_shootdown(index_mask, 0, 0); /* start 0, size 0: the whole TLB (SBI spec) */
    /* Flushed after `now` was read: as good as a satp write then. */
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((index_mask & (1u << index)) != 0)
            note_full_flush(index, now);
    }
}

void tlb_count_avoided(void)
{
    __atomic_fetch_add(&stats.fences_avoided, 1, __ATOMIC_RELAXED);
}

void tlb_get_stats(struct tlb_stats *out)
{
    out->shootdowns = __atomic_load_n(&stats.shootdowns, __ATOMIC_RELAXED);
    out->harts_fenced = __atomic_load_n(&stats.harts_fenced, __ATOMIC_RELAXED);
    out->fences_avoided = __atomic_load_n(&stats.fences_avoided, __ATOMIC_RELAXED);
}
