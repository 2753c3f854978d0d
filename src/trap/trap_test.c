/*
 * trap_test.c: in-kernel tests of trap entry, dispatch and return.
 *
 * A breakpoint is a real trap: trap.S saves the context, the dispatcher
 * moves sepc past the instruction, and sret resumes there. The marker
 * arithmetic after each ebreak shows exactly where execution resumed.
 */
#include "ktest/ktest.h"
#include "arch/riscv.h"
#include "arch/irq.h"
#include "trap/trap.h"

/* ebreak is 4 bytes: resuming at +4 runs both adds (3); at +8 only the second (2). */
static void trap_ebreak_resumes_after_four_bytes(struct ktest *t)
{
    uint64_t before = trap_breakpoint_count();
    uint64_t marker;
    asm volatile(".option push\n"
                 ".option norvc\n"
                 "li %0, 0\n"
                 "ebreak\n"
                 "addi %0, %0, 1\n"
                 "addi %0, %0, 2\n"
                 ".option pop\n"
                 : "=&r"(marker));
    EXPECT_EQ(t, marker, 3u);
    EXPECT_EQ(t, trap_breakpoint_count(), before + 1);
}

/* c.ebreak is 2 bytes: resuming at +2 runs c.addi and addi (3); at +4 only addi (2). */
static void trap_c_ebreak_resumes_after_two_bytes(struct ktest *t)
{
    uint64_t before = trap_breakpoint_count();
    uint64_t marker;
    asm volatile(".option push\n"
                 ".option rvc\n"
                 "li %0, 0\n"
                 "c.ebreak\n"
                 "c.addi %0, 1\n"
                 ".option norvc\n"
                 "addi %0, %0, 2\n"
                 ".option pop\n"
                 : "=&r"(marker));
    EXPECT_EQ(t, marker, 3u);
    EXPECT_EQ(t, trap_breakpoint_count(), before + 1);
}

/* Every register the trap path touches must come back as it was. */
#define SET(reg, value) "li " #reg ", " #value "\n"
#define SAVE(reg, slot) "sd " #reg ", " #slot "*8(%0)\n"

static void trap_ebreak_keeps_every_register(struct ktest *t)
{
    uint64_t seen[25];
    /* clang-format off */
    asm volatile(SET(t0, 0x1005) SET(t1, 0x1006) SET(t2, 0x1007) SET(a0, 0x100a)
                 SET(a1, 0x100b) SET(a2, 0x100c) SET(a3, 0x100d) SET(a4, 0x100e)
                 SET(a5, 0x100f) SET(a6, 0x1010) SET(a7, 0x1011) SET(s2, 0x1012)
                 SET(s3, 0x1013) SET(s4, 0x1014) SET(s5, 0x1015) SET(s6, 0x1016)
                 SET(s7, 0x1017) SET(s8, 0x1018) SET(s9, 0x1019) SET(s10, 0x101a)
                 SET(s11, 0x101b) SET(t3, 0x101c) SET(t4, 0x101d) SET(t5, 0x101e)
                 SET(t6, 0x101f)
                 "ebreak\n"
                 SAVE(t0, 0) SAVE(t1, 1) SAVE(t2, 2) SAVE(a0, 3) SAVE(a1, 4) SAVE(a2, 5)
                 SAVE(a3, 6) SAVE(a4, 7) SAVE(a5, 8) SAVE(a6, 9) SAVE(a7, 10) SAVE(s2, 11)
                 SAVE(s3, 12) SAVE(s4, 13) SAVE(s5, 14) SAVE(s6, 15) SAVE(s7, 16) SAVE(s8, 17)
                 SAVE(s9, 18) SAVE(s10, 19) SAVE(s11, 20) SAVE(t3, 21) SAVE(t4, 22)
                 SAVE(t5, 23) SAVE(t6, 24)
                 :
                 : "r"(seen)
                 : "memory", "t0", "t1", "t2", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
                   "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5",
                   "t6");
    /* clang-format on */
    static const uint64_t expected[25] = {
        0x1005, 0x1006, 0x1007, 0x100a, 0x100b, 0x100c, 0x100d, 0x100e, 0x100f,
        0x1010, 0x1011, 0x1012, 0x1013, 0x1014, 0x1015, 0x1016, 0x1017, 0x1018,
        0x1019, 0x101a, 0x101b, 0x101c, 0x101d, 0x101e, 0x101f,
    };
    for (int i = 0; i < 25; i++)
        EXPECT_EQ(t, seen[i], expected[i]);
}

/* The dispatcher reads an instruction's length from its low two bits. */
static void trap_instruction_length_reads_the_encoding(struct ktest *t)
{
    static const uint16_t c_ebreak[] = {0x9002};
    static const uint16_t ebreak[] = {0x0073, 0x0010};
    struct context context = {.sstatus = SSTATUS_SPP};
    context.sepc = (uint64_t)c_ebreak;
    EXPECT_EQ(t, trap_instruction_length(&context), 2);
    context.sepc = (uint64_t)ebreak;
    EXPECT_EQ(t, trap_instruction_length(&context), 4);
}

static void cause_names_cover_both_kinds(struct ktest *t)
{
    EXPECT_STREQ(t, cause_name(EXC_ILLEGAL_INSTRUCTION), "illegal instruction");
    EXPECT_STREQ(t, cause_name(EXC_BREAKPOINT), "breakpoint");
    EXPECT_STREQ(t, cause_name(EXC_LOAD_PAGE_FAULT), "load page fault");
    EXPECT_STREQ(t, cause_name(EXC_STORE_PAGE_FAULT), "store/AMO page fault");
    EXPECT_STREQ(t, cause_name(SCAUSE_INTERRUPT | IRQ_S_TIMER), "supervisor timer interrupt");
    EXPECT_STREQ(t, cause_name(SCAUSE_INTERRUPT | IRQ_S_EXTERNAL), "supervisor external interrupt");
    /* Reserved codes get a name too, never NULL. */
    EXPECT_STREQ(t, cause_name(14), "unknown exception");
    EXPECT_STREQ(t, cause_name(SCAUSE_INTERRUPT | 3), "unknown interrupt");
    EXPECT_STREQ(t, cause_name(SCAUSE_INTERRUPT | 1000), "unknown interrupt");
}

/* The kernel runs with stvec at trap.S (direct mode) and sscratch 0. */
static void trap_vector_is_direct_and_sscratch_zero(struct ktest *t)
{
    extern char trap_entry[];
    EXPECT_EQ(t, csr_read(stvec), (uint64_t)trap_entry);
    EXPECT_EQ(t, csr_read(stvec) & 3, 0u);
    EXPECT_EQ(t, csr_read(sscratch), 0u);
}

/* irq_save/irq_restore pairs nest: the inner pair never turns interrupts on early. */
static void trap_irq_save_restore_nest(struct ktest *t)
{
    irq_state_t original = irq_save();

    irq_enable();
    irq_state_t outer = irq_save();
    bool off_in_outer = !irq_enabled();
    irq_state_t inner = irq_save();
    bool off_in_inner = !irq_enabled();
    irq_restore(inner);
    bool off_after_inner = !irq_enabled();
    irq_restore(outer);
    bool on_after_outer = irq_enabled();

    irq_disable();
    irq_state_t from_off = irq_save();
    irq_restore(from_off);
    bool off_stays_off = !irq_enabled();

    irq_restore(original);
    EXPECT_TRUE(t, off_in_outer);
    EXPECT_TRUE(t, off_in_inner);
    EXPECT_TRUE(t, off_after_inner);
    EXPECT_TRUE(t, on_after_outer);
    EXPECT_TRUE(t, off_stays_off);
    EXPECT_NE(t, outer, 0u);
    EXPECT_EQ(t, inner, 0u);
}

static const struct ktest_case trap_cases[] = {
    KTEST_CASE(trap_ebreak_resumes_after_four_bytes),
    KTEST_CASE(trap_c_ebreak_resumes_after_two_bytes),
    KTEST_CASE(trap_ebreak_keeps_every_register),
    KTEST_CASE(trap_instruction_length_reads_the_encoding),
    KTEST_CASE(cause_names_cover_both_kinds),
    KTEST_CASE(trap_vector_is_direct_and_sscratch_zero),
    KTEST_CASE(trap_irq_save_restore_nest),
    {0},
};
KTEST_SUITE(trap, trap_cases);
