/*
 * trap_hidden_test.c: lab 2's hidden cases (instructors only). The grader
 * copies this file beside the trap dispatcher; it never reaches a handout.
 */
#include "ktest/ktest.h"

#include "arch/context.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "trap/timer.h"
#include "trap/trap.h"

/* Every compressed quadrant (00, 01, 10) is 2 bytes; only 11 is 4. */
static void trap_hidden_lengths_of_every_quadrant(struct ktest *t)
{
    static const uint16_t halfwords[] = {0x0001, 0x4501, 0x9002, 0x8082, 0x0000,
                                         0x0013, 0x0073, 0x1073, 0xffff, 0x0003};
    static const int lengths[] = {2, 2, 2, 2, 2, 4, 4, 4, 4, 4};
    struct context context = {.sstatus = SSTATUS_SPP};
    for (unsigned i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        context.sepc = (uint64_t)&halfwords[i];
        EXPECT_EQ(t, trap_instruction_length(&context), lengths[i]);
    }
}

/* Ten c.ebreaks in a row, each resumed at the next one: ten breakpoints, nothing skipped. */
static void trap_hidden_compressed_breakpoints_in_a_row(struct ktest *t)
{
    uint64_t before = trap_breakpoint_count();
    uint64_t marker;
    asm volatile(".option push\n"
                 ".option rvc\n"
                 "li %0, 0\n"
                 ".rept 10\n"
                 "c.ebreak\n"
                 "c.addi %0, 1\n"
                 ".endr\n"
                 ".option pop\n"
                 : "=&r"(marker));
    EXPECT_EQ(t, marker, 10u);
    EXPECT_EQ(t, trap_breakpoint_count(), before + 10);
}

/* Interrupts off across two and a half intervals: three ticks, and the grid holds. */
static void trap_hidden_long_gap_counts_every_grid_point(struct ktest *t)
{
    uint64_t interval = timer_interval();
    ASSERT_TRUE(t, irq_enabled());
    uint64_t start = timer_ticks();
    uint64_t give_up = read_time() + 50 * interval;
    while (timer_ticks() == start && read_time() < give_up)
        wfi();
    ASSERT_NE(t, timer_ticks(), start);
    irq_state_t state = irq_save();
    uint64_t before = timer_ticks();
    uint64_t due = timer_next_deadline();
    while (read_time() < due + 2 * interval + interval / 2)
        ;
    irq_restore(state);
    irq_state_t again = irq_save();
    uint64_t after = timer_ticks();
    uint64_t next = timer_next_deadline();
    irq_restore(again);
    EXPECT_EQ(t, after, before + 3);
    EXPECT_EQ(t, next, due + 3 * interval);
    EXPECT_EQ(t, (next - timer_grid_origin()) % interval, 0u);
}

static const struct ktest_case trap_hidden_cases[] = {
    KTEST_CASE(trap_hidden_lengths_of_every_quadrant),
    KTEST_CASE(trap_hidden_compressed_breakpoints_in_a_row),
    KTEST_CASE(trap_hidden_long_gap_counts_every_grid_point),
    {0},
};
KTEST_SUITE(trap_hidden, trap_hidden_cases);
