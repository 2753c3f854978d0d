/*
 * timer.c: the supervisor timer, ticking HZ times a second.
 *
 * Deadlines lie on a fixed grid, origin + k * interval, so ticks never drift:
 * each interrupt counts every grid point that `time` has passed (more than
 * one if interrupts were off for long) and programs the next one.
 *
 * Every hart has its own timer (its own stimecmp, or its own SBI deadline)
 * on the same grid, so every hart gets a tick: the scheduler needs one on
 * each to end time slices. The tick count is shared: whichever hart first
 * sees a grid point pass counts it (an atomic maximum), so ticks count time,
 * not interrupts, and keep counting while any hart takes its interrupts.
 */
#include "trap/timer.h"

#include "console/console.h"
#include "lib/format.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "arch/hart.h"
#include "sbi/sbi.h"
#include "arch/irq.h"
#include "mm/tlb.h"
#include "sync/spinlock.h"

#if HZ <= 0 || HZ > 100000
#error "HZ must be between 1 and 100000"
#endif

#define NS_PER_SECOND 1000000000ULL

static uint64_t frequency; /* timebase, Hz */
static uint64_t interval;  /* time units per tick */
static uint64_t origin;    /* `time` when the grid of deadlines starts */
static bool use_sstc;
/* Grid points passed since origin, as counted by any hart (atomic maximum, see count_ticks). */
static uint64_t ticks;
/* Called after each tick on every hart (see timer_add_tick_hook). */
static timer_tick_hook_t tick_hooks[TIMER_TICK_HOOKS_MAX];
static int tick_hook_count;
/* Guards adding a hook: two harts must not fill one slot (the handlers read without it). */
static struct spinlock tick_hooks_lock = SPINLOCK_INIT("timer hooks");

/* This hart's part (its slot, arch/hart.h): when its next tick is due. */
struct timer_hart {
    uint64_t deadline; /* the `time` value of the next tick */
};
HART_SLOT_CHECK(struct timer_hart);

static struct timer_hart *timer_hart(void)
{
    return (struct timer_hart *)hart_slot(HART_SLOT_TIMER);
}

bool timer_isa_has_extension(const char *isa, const char *extension)
{
    /* Single-letter extensions come first; each multi-letter one follows an underscore. */
    size_t length = strlen(extension);
    for (const char *p = strchr(isa, '_'); p != NULL; p = strchr(p + 1, '_')) {
        const char *name = p + 1;
        bool ends = name[length] == '_' || name[length] == '\0';
        if (strncmp(name, extension, length) == 0 && ends)
            return true;
    }
    return false;
}

/* Whether the device tree says this hart has Sstc (riscv,isa or riscv,isa-extensions). */
static bool hart_has_sstc(void)
{
    const struct fdt *tree = devicetree_get();
    char path[32];
    /* A cpu node's unit address is its reg, the hart id, in hex. */
    snprintf(path, sizeof(path), "/cpus/cpu@%lx", hart_id());
    int node = fdt_path_offset(tree, path);
    if (node < 0)
        return false;
    if (fdt_stringlist_contains(tree, node, "riscv,isa-extensions", "sstc"))
        return true;
    const char *isa = fdt_property_string(tree, node, "riscv,isa");
    return isa != NULL && timer_isa_has_extension(isa, "sstc");
}

/* Sstc unless the hart lacks it or the command line says timer=sbi. */
static bool choose_sstc(void)
{
    bool has_sstc = hart_has_sstc();
    char choice[16];
    if (!devicetree_bootarg("timer", choice, sizeof(choice)))
        return has_sstc;
    if (strcmp(choice, "sbi") == 0)
        return false;
    if (strcmp(choice, "sstc") != 0)
        panic("timer: unknown timer=%s on the command line (use timer=sbi or timer=sstc)", choice);
    if (!has_sstc)
        panic("timer: timer=sstc, but hart %lu's riscv,isa has no sstc", hart_id());
    return true;
}

/* Ask for the timer interrupt when `time` reaches deadline; this also clears a pending one. */
static void timer_program(uint64_t deadline)
{
    timer_hart()->deadline = deadline;
    if (use_sstc)
        write_stimecmp(deadline);
    else
        sbi_set_timer(deadline);
}

/* Armed a tenth of a tick ahead: see timer_interrupt_within in timer.h. */
static void arm_a_timer_while_waiting(void)
{
    timer_interrupt_within(interval / 10);
}

void timer_init(void)
{
    frequency = devicetree_timebase_frequency();
    if (frequency == 0)
        panic("timer: the device tree has no /cpus timebase-frequency");
    interval = frequency / HZ;
    if (interval == 0)
        panic("timer: HZ=%d is faster than the %lu Hz timebase", HZ, frequency);
    use_sstc = choose_sstc();
    /* Now a spin can be measured in seconds: a hart that spins this long has found a deadlock. */
    spinlock_set_watchdog(SPINLOCK_WATCHDOG_SECONDS * frequency);
    origin = read_time();
    timer_program(origin + interval);
    /* A remote fence's caller waits with an interrupt armed (see timer_interrupt_within). */
    tlb_set_before_remote_wait(arm_a_timer_while_waiting);
    csr_set(sie, SIE_STIE);
    if (use_sstc)
        log_info("timer: Sstc (stimecmp), timebase %lu Hz, HZ=%d", frequency, HZ);
    else
        log_info("timer: SBI set_timer, timebase %lu Hz, HZ=%d", frequency, HZ);
}

void timer_init_hart(void)
{
    /* One way for all harts: the boot hart chose it, and every hart must be able to follow. */
    if (use_sstc && !hart_has_sstc())
        panic("timer: hart %lu's riscv,isa has no sstc, but the boot hart chose Sstc", hart_id());
    /* The first grid point after now: this hart's ticks fall on the boot hart's grid. */
    uint64_t now = read_time();
    timer_program(origin + ((now - origin) / interval + 1) * interval);
    csr_set(sie, SIE_STIE);
}

/* Count the grid points up to `next` (exclusive) as ticks, unless another hart already has. */
static void count_ticks(uint64_t next)
{
    uint64_t counted = (next - origin) / interval - 1;
    uint64_t seen = __atomic_load_n(&ticks, __ATOMIC_RELAXED);
    while (seen < counted && !__atomic_compare_exchange_n(&ticks, &seen, counted, false,
                                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

void timer_interrupt_within(uint64_t time_units)
{
    uint64_t soon = read_time() + time_units;
    if (soon >= timer_hart()->deadline)
        return; /* the tick comes sooner anyway */
    /* Not timer_program: the tick's deadline stays; this interrupt's handler programs it again. */
    if (use_sstc)
        write_stimecmp(soon);
    else
        sbi_set_timer(soon);
}

void timer_handle_interrupt(void)
{
    uint64_t now = read_time();
    /* LAB 2 BEGIN: timer_count_and_rearm */
    uint64_t deadline = timer_hart()->deadline;
    if (now < deadline) {
        /* Early (an old deadline was still pending): just ask again. */
        timer_program(deadline);
        return;
    }
    /* Every grid point in (.., now] is one tick, counted even if it came late. */
    uint64_t passed = (now - deadline) / interval + 1;
    uint64_t next = deadline + passed * interval;
    count_ticks(next);
    timer_program(next);
    /* LAB 2 END: timer_count_and_rearm */
    /* Acquire pairs with the release in timer_add_tick_hook: a counted slot is a filled slot. */
    int hook_count = __atomic_load_n(&tick_hook_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < hook_count; i++)
        tick_hooks[i](now);
}

void timer_add_tick_hook(timer_tick_hook_t hook)
{
    /*
     * The lock keeps two harts from taking one slot; it also turns interrupts
     * off, so this hart's handler cannot run between the slot and the count.
     * Handlers on other harts read the count with acquire: a counted slot is
     * a filled slot.
     */
    spinlock_acquire(&tick_hooks_lock);
    if (tick_hook_count == TIMER_TICK_HOOKS_MAX)
        panic("timer: all %d tick hooks are taken; cannot add %p", TIMER_TICK_HOOKS_MAX,
              (void *)hook);
    tick_hooks[tick_hook_count] = hook;
    __atomic_store_n(&tick_hook_count, tick_hook_count + 1, __ATOMIC_RELEASE);
    spinlock_release(&tick_hooks_lock);
}

uint64_t timer_ticks(void)
{
    return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

uint64_t timer_uptime_ns(void)
{
    if (frequency == 0)
        return 0;
    /* Split into whole seconds and the rest, so that nothing overflows 64 bits. */
    uint64_t now = read_time();
    uint64_t seconds = now / frequency;
    uint64_t rest = now % frequency;
    return seconds * NS_PER_SECOND + rest * NS_PER_SECOND / frequency;
}

uint64_t timer_frequency(void)
{
    return frequency;
}

uint64_t timer_interval(void)
{
    return interval;
}

uint64_t timer_next_deadline(void)
{
    return timer_hart()->deadline;
}

uint64_t timer_next_deadline_of(uint32_t index)
{
    const struct hart *hart = index < MAX_HARTS ? hart_by_index(index) : NULL;
    if (hart == NULL)
        return 0;
    /* Another hart's slot, at the same offset in its block as ours is in this hart's. */
    const struct timer_hart *theirs =
        (const struct timer_hart *)((uint64_t)hart + HART_SLOT_TIMER * HART_SLOT_SIZE);
    /* That hart writes it in its handler: one aligned 64-bit load sees an old or a new value. */
    return __atomic_load_n(&theirs->deadline, __ATOMIC_RELAXED);
}

uint64_t timer_grid_origin(void)
{
    return origin;
}

bool timer_uses_sstc(void)
{
    return use_sstc;
}
