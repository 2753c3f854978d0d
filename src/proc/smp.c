/*
 * smp.c: bring-up of the other harts through SBI HSM. See smp.h.
 *
 *   boot hart                                         hart N (parked in OpenSBI)
 *   kstack_alloc: a guarded stack for hart N
 *   hart_prepare(index, id): its per-hart block
 *   start info: satp, stack top, tp
 *   sbi_hart_start(id, _start_secondary, &info) ----> _start_secondary (entry.S): paging on
 *   wfi until every hart is online <---.                kmain_secondary (main.c): stvec, satp,
 *                                      |                timer, PLIC, IPIs
 *                                      |                smp_hart_run: idle thread, online,
 *                                      '-- IPI -------  interrupts on, the idle loop
 */
#include "proc/smp.h"

#include "arch/irq.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"
#include "mm/tlb.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "sbi/sbi.h"
#include "trap/ipi.h"
#include "trap/timer.h"

/* Where a started hart begins, and where the boot hart began (entry.S). */
extern char _start_secondary[];
extern char _start[];
/*
 * entry.S's table for a started hart that OpenSBI 1.1 sends to _start instead
 * (it stores the start address after it marks the hart pending; see entry.S).
 */
extern struct {
    uint64_t hartid;
    uint64_t info_pa;
} secondary_starts[MAX_HARTS];

/* What each started hart gets: its start info and its first stack. In .bss: the kernel window. */
static struct {
    struct hart_start_info info;
    struct kstack stack;
} starts[MAX_HARTS];

/* How long the boot hart waits for a started hart to come online. */
#define START_TIMEOUT_SECONDS 10

/*
 * smp_entry=boot on the command line starts each hart the way OpenSBI 1.1
 * does when a parked hart wakes in the middle of sbi_hart_start: at the boot
 * entry, _start, with the device tree in a1 (entry.S). For the test that
 * shows the kernel copes (tests/system/test_smp.py).
 */
static bool stale_start_wanted(void)
{
    char text[8];
    return devicetree_bootarg("smp_entry", text, sizeof(text)) && strcmp(text, "boot") == 0;
}

/* Ask the firmware to start hart `hartid` as index `index`. False (with a warning) if it refused.
 */
static bool start_hart(uint32_t index, uint64_t hartid)
{
    struct kstack *stack = &starts[index].stack;
    if (kstack_alloc(stack, "idle") != 0)
        panic("smp: no memory for hart %lu's stack", hartid);
    struct hart *hart = hart_prepare(index, hartid);
    hart->stack_bottom = stack->bottom.value;
    hart->stack_top = stack->top.value;
    hart->running = "idle";
    struct hart_start_info *info = &starts[index].info;
    info->satp = pt_satp(&kernel_memory_set.mapping);
    info->stack_top = stack->top.value;
    info->tp = (uint64_t)hart;
    info->stack = stack;
    secondary_starts[index].hartid = hartid;
    secondary_starts[index].info_pa = virt_to_phys(info);
    /* Everything above is in memory before the hart can look (the ecall is not a fence). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    long error;
    if (stale_start_wanted()) /* as OpenSBI 1.1 does it when it loses its race */
        error = sbi_hart_start(hartid, virt_to_phys(_start), devicetree_blob_pa());
    else
        error = sbi_hart_start(hartid, virt_to_phys(_start_secondary), virt_to_phys(info));
    if (error != SBI_SUCCESS) {
        secondary_starts[index].info_pa = 0;
        log_warn("smp: hart %lu did not start: SBI hart_start error %ld (status %ld)", hartid,
                 error, sbi_hart_get_status(hartid));
        kstack_free(stack);
        return false;
    }
    return true;
}

/* harts=N on the command line: at most N harts in all; 0 (absent) means all of them. */
static uint32_t harts_wanted(void)
{
    char text[8];
    if (!devicetree_bootarg("harts", text, sizeof(text)))
        return MAX_HARTS;
    uint32_t wanted = 0;
    for (const char *p = text; *p >= '0' && *p <= '9'; p++)
        wanted = wanted * 10 + (uint32_t)(*p - '0');
    if (wanted == 0 || wanted > MAX_HARTS)
        wanted = MAX_HARTS;
    return wanted;
}

/* Sleep (wfi) until every started hart is online; each one sends an IPI when it is. */
static void wait_until_online(uint32_t started_mask)
{
    uint64_t give_up = read_time() + START_TIMEOUT_SECONDS * timer_frequency();
    while ((hart_online_mask() & started_mask) != started_mask && read_time() < give_up)
        wfi(); /* interrupts are off: the IPI (or a tick) ends the wfi but is not taken */
    uint32_t missing = started_mask & ~hart_online_mask();
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((missing & (1u << index)) != 0)
            log_warn("smp: hart %lu (index %u) started but did not come online within %d s",
                     hart_by_index(index)->id, index, START_TIMEOUT_SECONDS);
    }
}

/* "0 1 2 3": the ids of the harts online, smallest first. */
static void format_online_ids(char *list, size_t size)
{
    size_t used = 0;
    uint64_t printed_below = 0; /* every id printed so far is below this */
    list[0] = '\0';
    for (unsigned n = 0; n < hart_online_count() && used < size; n++) {
        uint64_t smallest = UINT64_MAX;
        for (uint32_t index = 0; index < MAX_HARTS; index++) {
            const struct hart *hart = hart_by_index(index);
            if ((hart_online_mask() & (1u << index)) != 0 && hart->id >= printed_below &&
                hart->id < smallest)
                smallest = hart->id;
        }
        used += (size_t)snprintf(list + used, size - used, "%s%lu", n == 0 ? "" : " ", smallest);
        printed_below = smallest + 1;
    }
}

static void print_harts_online(void)
{
    char list[8 * MAX_HARTS];
    format_online_ids(list, sizeof(list));
    /* Lined up with the boot banner (main.c). */
    kprintf("  harts       %u online: %s (boot hart %lu)\n", hart_online_count(), list, hart_id());
}

void smp_start_harts(void)
{
    hart_set_online(); /* the boot hart, index 0 */
    if (!sbi_has_hsm() || !sbi_has_ipi() || !sbi_has_rfence()) {
        log_warn("smp: the firmware lacks SBI %s: only hart %lu runs",
                 !sbi_has_hsm()   ? "HSM"
                 : !sbi_has_ipi() ? "IPI"
                                  : "RFENCE",
                 hart_id());
        print_harts_online();
        return;
    }
    uint32_t wanted = harts_wanted();
    uint32_t next_index = 1;
    uint32_t started = 0;
    struct fdt_cpu cpu;
    for (int i = 0; devicetree_cpu(i, &cpu); i++) {
        if (!cpu.enabled || cpu.hartid == hart_id())
            continue;
        if (next_index >= wanted) {
            log_info("smp: hart %lu stays parked in the firmware (%u hart(s) wanted, MAX_HARTS %d)",
                     cpu.hartid, wanted, MAX_HARTS);
            continue;
        }
        if (start_hart(next_index, cpu.hartid)) {
            started |= 1u << next_index;
            next_index++;
        }
    }
    wait_until_online(started);
    print_harts_online();
}

void smp_hart_run(const struct hart_start_info *info)
{
    sched_init_hart((const struct kstack *)info->stack); /* this code: the hart's idle thread */
    hart_set_online();
    ipi_send(0, IPI_WAKE); /* the boot hart waits in wfi for this */
    irq_enable();
    sched_run_idle();
}

void smp_print_summary(void)
{
    uint64_t spin = 0;
    uint64_t ipis = 0;
    uint32_t online = hart_online_mask();
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((online & (1u << index)) == 0)
            continue;
        spin += spinlock_spin_time_of(index);
        ipis += ipi_received_count_of(index);
    }
    uint64_t hart_time = read_time() * hart_online_count(); /* since reset, on every hart */
    uint64_t per_mille = hart_time == 0 ? 0 : spin * 1000 / hart_time;
    struct tlb_stats tlb;
    tlb_get_stats(&tlb);
    struct sched_stats sched;
    sched_get_stats(&sched);
    log_info("smp: %u harts; spinning for spinlocks %lu.%lu%% of hart time (%lu ms of %lu); "
             "%lu IPIs taken, %lu idle harts kicked; %lu shootdowns, %lu stack reuses needed none",
             hart_online_count(), per_mille / 10, per_mille % 10, spin * 1000 / timer_frequency(),
             hart_time * 1000 / timer_frequency(), ipis, sched.kicks, tlb.shootdowns,
             tlb.fences_avoided);
    log_info("smp: spinlocks found taken by another hart: sched %lu, process %lu, frame %lu, "
             "heap %lu, frame caches %lu; frame_lock taken %lu times",
             spinlock_contention(&sched_lock), spinlock_contention(&process_lock),
             frame_lock_contention(), heap_lock_contention(), frame_cache_contention(),
             frame_pool_lock_takes());
#ifdef LOCKDEP
    lockdep_print_graph();
#endif
}
