/*
 * timer_test.c: in-kernel tests of the timer tick, checked against the
 * `time` CSR, which counts at the timebase frequency whatever the kernel does.
 */
#include "lib/format.h"
#include "dev/devicetree.h"
#include "ktest/ktest.h"
#include "proc/hold_harts.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "arch/hart.h"
#include "arch/irq.h"
#include "trap/timer.h"

/* Sleep until timer_ticks() reaches target, or give up once `time` passes deadline. */
static bool wait_for_tick(uint64_t target, uint64_t deadline)
{
    while (timer_ticks() < target) {
        if (read_time() > deadline)
            return false;
        wfi();
    }
    return true;
}

/* Ticks and time, read together with interrupts off so no tick lands between them. */
static void read_ticks_and_time(uint64_t *ticks, uint64_t *time)
{
    irq_state_t state = irq_save();
    *ticks = timer_ticks();
    *time = read_time();
    irq_restore(state);
}

static void timer_interval_is_timebase_over_hz(struct ktest *t)
{
    EXPECT_EQ(t, timer_frequency(), devicetree_timebase_frequency());
    EXPECT_EQ(t, timer_interval(), timer_frequency() / HZ);
}

/*
 * Over 50 ticks, the ticks counted must match the time CSR's advance
 * divided by the interval. Both ends are read just after a tick, so each
 * end is late by the time it took to take the interrupt; the margin of 5
 * ticks (10%) absorbs a host that delays QEMU by tens of milliseconds,
 * while a wrong HZ, a lost tick or a double count is far outside it.
 */
static void timer_ticks_advance_at_hz(struct ktest *t)
{
    const uint64_t span = 50;
    ASSERT_TRUE(t, irq_enabled());
    uint64_t give_up = read_time() + 20 * span * timer_interval();
    uint64_t ticks0;
    uint64_t time0;
    uint64_t ticks1;
    uint64_t time1;
    ASSERT_TRUE(t, wait_for_tick(timer_ticks() + 1, give_up));
    read_ticks_and_time(&ticks0, &time0);
    ASSERT_TRUE(t, wait_for_tick(ticks0 + span, give_up));
    read_ticks_and_time(&ticks1, &time1);

    /* HZ ticks per second of `time`, at the device tree's frequency (not the module's sums). */
    uint64_t frequency = devicetree_timebase_frequency();
    uint64_t counted = ticks1 - ticks0;
    uint64_t by_time = ((time1 - time0) * HZ + frequency / 2) / frequency;
    EXPECT_GE(t, counted, span);
    EXPECT_LE(t, counted, by_time + 5);
    EXPECT_GE(t, counted + 5, by_time);
}

/*
 * With interrupts off no tick is counted; the moment they are back on, the
 * pending timer interrupt is taken and counts every tick that was missed.
 */
static void timer_counts_ticks_missed_with_interrupts_off(struct ktest *t)
{
    irq_state_t state = irq_save();
    uint64_t before = timer_ticks();
    spin_until_time(read_time() + 5 * timer_interval());
    uint64_t while_off = timer_ticks();
    irq_restore(state);
    uint64_t after = timer_ticks();
    EXPECT_EQ(t, while_off, before);
    EXPECT_GE(t, after, before + 5);
}

/*
 * Interrupts are back on with a tick pending since `missed`. Under -icount it
 * is taken at once; without it QEMU raises the interrupt from a host timer
 * thread, which a busy host may run a little later. So read this hart's next
 * deadline (with the time and the tick count) until it has moved past
 * `missed`, for at most ten intervals: a tick never taken still fails the
 * checks that follow.
 */
static uint64_t deadline_after_late_tick(uint64_t missed, uint64_t *now, uint64_t *ticks)
{
    uint64_t give_up = read_time() + 10 * timer_interval();
    for (;;) {
        irq_state_t state = irq_save();
        uint64_t deadline = timer_next_deadline();
        *ticks = timer_ticks();
        *now = read_time();
        irq_restore(state);
        if (deadline > missed || *now >= give_up)
            return deadline;
    }
}

/*
 * A tick taken late (interrupts were off past its deadline) programs the
 * next one on the grid, origin + k * interval, not at now + interval:
 * otherwise every late tick shifts all later ones and the clock drifts.
 * Each round is late by a different amount, so no lucky offset passes.
 */
static void timer_deadlines_stay_on_the_grid_after_late_ticks(struct ktest *t)
{
    uint64_t interval = timer_interval();
    ASSERT_TRUE(t, irq_enabled());
    for (uint64_t round = 0; round < 4; round++) {
        irq_state_t state = irq_save();
        uint64_t until = read_time() + interval + interval / 3 + round * interval / 7;
        spin_until_time(until);
        irq_restore(state); /* the pending tick is taken now, late */
        uint64_t now;
        uint64_t ticks;
        uint64_t deadline = deadline_after_late_tick(until, &now, &ticks);
        EXPECT_EQ(t, (deadline - timer_grid_origin()) % interval, 0u);
        EXPECT_GT(t, deadline, until);
        EXPECT_LE(t, deadline, now + interval);
    }
}

/*
 * A tick that comes late (interrupts were off for one and a half intervals)
 * must be counted with the one it missed, and the next deadline must go back
 * to the fixed grid origin + k * interval: computed from `now`, it would be
 * half an interval off, and every late tick would push the grid further.
 * Without -icount the host may delay the interrupt further, and with several
 * harts the others count ticks too, so the checks are relations, not counts:
 * the next deadline is on the grid, at least two intervals on, and the ticks
 * counted are the grid points before it.
 */
static void timer_deadlines_stay_on_the_grid(struct ktest *t)
{
    uint64_t interval = timer_interval();
    uint64_t origin = timer_grid_origin();
    uint64_t give_up = read_time() + 100 * interval;
    ASSERT_TRUE(t, irq_enabled());
    ASSERT_TRUE(t, wait_for_tick(timer_ticks() + 1, give_up));
    irq_state_t state = irq_save();
    uint64_t due = timer_next_deadline();
    EXPECT_EQ(t, (due - origin) % interval, 0u);
    /* Miss the tick due at `due`, and half of the next interval too. */
    spin_until_time(due + interval + interval / 2);
    irq_restore(state); /* the pending interrupt is taken now */
    uint64_t now;
    uint64_t after;
    uint64_t next = deadline_after_late_tick(due + interval, &now, &after);
    EXPECT_EQ(t, (next - origin) % interval, 0u);
    EXPECT_GE(t, next, due + 2 * interval);
    /* Grid points origin + interval .. next - interval have passed: that many ticks. */
    EXPECT_GE(t, after, (next - origin) / interval - 1);
    EXPECT_LE(t, after, (next - origin) / interval);
}

/* uptime is the time CSR in nanoseconds: between the values before and after. */
static void timer_uptime_follows_the_time_csr(struct ktest *t)
{
    uint64_t frequency = timer_frequency();
    ASSERT_NE(t, frequency, 0u);
    uint64_t time0 = read_time();
    uint64_t uptime = timer_uptime_ns();
    uint64_t time1 = read_time();
    /* time0 / frequency seconds, computed the long way for the bounds. */
    uint64_t low =
        time0 / frequency * 1000000000ULL + time0 % frequency * 1000000000ULL / frequency;
    uint64_t high =
        time1 / frequency * 1000000000ULL + time1 % frequency * 1000000000ULL / frequency;
    EXPECT_GE(t, uptime, low);
    EXPECT_LE(t, uptime, high);
    EXPECT_GT(t, timer_uptime_ns(), 0u);
    EXPECT_GE(t, timer_uptime_ns(), uptime);
}

static void timer_isa_string_names_whole_extensions(struct ktest *t)
{
    EXPECT_TRUE(t, timer_isa_has_extension("rv64imafdch_zicsr_zifencei_sstc", "sstc"));
    EXPECT_TRUE(t, timer_isa_has_extension("rv64imac_sstc_zba", "sstc"));
    EXPECT_FALSE(t, timer_isa_has_extension("rv64imafdch_zicsr_zifencei", "sstc"));
    EXPECT_FALSE(t, timer_isa_has_extension("rv64imac_sstcx", "sstc"));
    EXPECT_FALSE(t, timer_isa_has_extension("rv64imac_xsstc", "sstc"));
    /* Single letters are not multi-letter extensions: "s" in "rv64imacs" is not Sstc. */
    EXPECT_FALSE(t, timer_isa_has_extension("rv64imacsstc", "sstc"));
}

/* Sstc when the hart has it, unless timer=sbi; the system tests boot it both ways. */
static void timer_mode_follows_isa_and_command_line(struct ktest *t)
{
    char path[32];
    snprintf(path, sizeof(path), "/cpus/cpu@%lx", hart_id());
    const struct fdt *tree = devicetree_get();
    int node = fdt_path_offset(tree, path);
    ASSERT_GE(t, node, 0);
    const char *isa = fdt_property_string(tree, node, "riscv,isa");
    bool has_sstc = isa != NULL && timer_isa_has_extension(isa, "sstc");
    char choice[16] = "";
    devicetree_bootarg("timer", choice, sizeof(choice));
    if (strcmp(choice, "sbi") == 0)
        EXPECT_FALSE(t, timer_uses_sstc());
    else
        EXPECT_EQ(t, timer_uses_sstc(), has_sstc);
}

static const struct ktest_case timer_cases[] = {
    KTEST_CASE(timer_interval_is_timebase_over_hz),
    KTEST_CASE(timer_ticks_advance_at_hz),
    KTEST_CASE(timer_counts_ticks_missed_with_interrupts_off),
    KTEST_CASE(timer_deadlines_stay_on_the_grid),
    KTEST_CASE(timer_deadlines_stay_on_the_grid_after_late_ticks),
    KTEST_CASE(timer_uptime_follows_the_time_csr),
    KTEST_CASE(timer_isa_string_names_whole_extensions),
    KTEST_CASE(timer_mode_follows_isa_and_command_line),
    {0},
};
/* Ticks are counted by every hart; what this hart misses with interrupts off, only it may count. */
KTEST_SUITE_HOOKS(timer, timer_cases, hold_other_harts_for_case, release_other_harts_after_case);

/*
 * The suite above holds the other harts, so on its own it cannot tell a tick
 * counted once per grid point from one counted once per interrupt: on one
 * hart they are the same. This suite leaves every hart online, each taking
 * its own interrupt at every grid point, and checks that ticks count time.
 */

/*
 * Over ten intervals with every hart ticking, timer_ticks() advances by the
 * grid points `time` has passed, not by harts x grid points (each hart adding
 * its own interrupts), and never gets ahead of `time`. Both ends are read
 * just after a tick was counted; one grid point may pass between that and
 * the read, hence the one tick of slack either way. The other harts'
 * deadlines must have moved on too, or they took no interrupts and the check
 * shows nothing. On one hart it still checks that ticks follow time.
 */
static void timer_ticks_count_time_not_interrupts(struct ktest *t)
{
    const uint64_t span = 10;
    uint64_t interval = timer_interval();
    uint64_t origin = timer_grid_origin();
    uint64_t give_up = read_time() + 20 * span * interval;
    uint64_t deadlines[MAX_HARTS];
    uint64_t ticks0;
    uint64_t time0;
    uint64_t ticks1;
    uint64_t time1;
    ASSERT_TRUE(t, irq_enabled());
    ASSERT_TRUE(t, wait_for_tick(timer_ticks() + 1, give_up));
    read_ticks_and_time(&ticks0, &time0);
    uint32_t online = hart_online_mask();
    for (uint32_t index = 0; index < MAX_HARTS; index++)
        deadlines[index] = timer_next_deadline_of(index);
    while (read_time() < time0 + span * interval && read_time() < give_up)
        wfi();
    ASSERT_TRUE(t, wait_for_tick(timer_ticks() + 1, give_up));
    read_ticks_and_time(&ticks1, &time1);

    /* Every hart that was online took its ticks all along (at least half of them). */
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if ((online & (1u << index)) != 0)
            EXPECT_GE(t, timer_next_deadline_of(index), deadlines[index] + span / 2 * interval);
    }
    uint64_t grid = (time1 - origin) / interval - (time0 - origin) / interval;
    uint64_t counted = ticks1 - ticks0;
    EXPECT_GE(t, grid, span);
    EXPECT_LE(t, counted, grid + 1);
    EXPECT_GE(t, counted + 1, grid);
    /* Grid points origin + interval .. time1: no more ticks than that, whoever counted them. */
    EXPECT_LE(t, ticks1, (time1 - origin) / interval);
}

static const struct ktest_case timer_all_harts_cases[] = {
    KTEST_CASE(timer_ticks_count_time_not_interrupts),
    {0},
};
/* No hooks: the other harts stay online, idle or busy, and take their own timer interrupts. */
KTEST_SUITE(timer_all_harts, timer_all_harts_cases);
