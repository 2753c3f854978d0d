/*
 * trap_user: the user-mode half of trap.S, before user programs exist.
 *
 * The test maps all of RAM a second time, as user pages, at 0x40000000 (one
 * 1 GiB page in the current root table), and drops to user mode in a tiny
 * program written below in assembly. The program spins on rdtime until ten
 * ticks' worth of time has passed, so timer interrupts trap from user mode
 * and return to it (sscratch path); then it hits a breakpoint (resumed), and
 * ends with an ecall. This image registers its own handler for traps from
 * user mode (trap_set_user_handler): interrupts and the breakpoint go to
 * the trap layer, and the ecall is checked for what the trap saved. Exit
 * status = failures.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "main.h"
#include "arch/layout.h"
#include "arch/hart.h"
#include "arch/sv39.h"
#include "arch/irq.h"
#include "trap/timer.h"
#include "trap/trap.h"

#define USER_WINDOW  0x40000000UL /* where RAM appears to user mode */
#define USER_TP      0x7777UL
#define USER_S2      0x5151UL
#define USER_S3      0xbeefUL
#define USER_EXIT_A7 93UL
#define ROOT_INDEX   1 /* VA 0x40000000..0x7fffffff in the root table */

/*
 * The user program. a0 = the `time` value to wait for. It touches no memory
 * and calls nothing, so it needs nothing mapped but its own code.
 */
asm(".pushsection .text\n"
    ".balign 4\n"
    ".globl trap_user_program, trap_user_ecall\n"
    "trap_user_program:\n"
    "    li    tp, 0x7777\n"
    "    li    s2, 0x5151\n"
    "1:  rdtime t0\n"
    "    bltu  t0, a0, 1b\n"
    "    ebreak\n"
    "    li    s3, 0xbeef\n"
    "    li    a7, 93\n"
    "trap_user_ecall:\n"
    "    ecall\n"
    "2:  j     2b\n"
    ".popsection\n");
extern char trap_user_program[], trap_user_ecall[];

static uint8_t user_stack[4096] __attribute__((aligned(16)));
/* The kernel stack that traps from user mode land on (sscratch points at its top). */
static uint8_t trap_stack[16384] __attribute__((aligned(16)));

static struct {
    uint64_t ticks;
    uint64_t breakpoints;
    struct hart *hart;
} before;

/* The user-mode address of a kernel-image address: same physical byte, user window. */
static uint64_t user_address(const void *kernel_address)
{
    return virt_to_phys(kernel_address) - RAM_BASE + USER_WINDOW;
}

static void map_ram_for_user(void)
{
    uint64_t root_pa = (csr_read(satp) & ((1UL << 44) - 1)) << PAGE_SHIFT;
    uint64_t *root = phys_to_virt(root_pa);
    root[ROOT_INDEX] =
        ((uint64_t)RAM_BASE >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
    sfence_vma_all();
}

static int check(const char *what, bool ok, uint64_t value)
{
    if (ok) {
        kprintf("trap_user: ok: %s\n", what);
        return 0;
    }
    kprintf("trap_user: FAILED: %s (value 0x%lx)\n", what, value);
    return 1;
}

/* The ecall ends up here, on trap_stack, with the user's registers in *context. */
__attribute__((noreturn)) static void check_ecall(struct context *context, uint64_t scause)
{
    uint64_t top = (uint64_t)trap_stack + sizeof(trap_stack);
    int failures = 0;
    failures += check("an ecall from U-mode", scause == EXC_ECALL_FROM_U, scause);
    failures += check("sstatus.SPP says user mode", (context->sstatus & SSTATUS_SPP) == 0,
                      context->sstatus);
    failures +=
        check("sepc is the ecall", context->sepc == user_address(trap_user_ecall), context->sepc);
    failures += check("the context sits at the top of the kernel stack",
                      (uint64_t)context + CONTEXT_SIZE == top, (uint64_t)context);
    failures += check("the user's sp was saved",
                      context->x[REG_SP] == user_address(user_stack + sizeof(user_stack)),
                      context->x[REG_SP]);
    failures += check("the user's tp was saved", context->x[REG_TP] == USER_TP, context->x[REG_TP]);
    failures += check("the kernel's tp is back", hart_this() == before.hart, read_tp());
    failures += check("sscratch is 0 in the kernel", csr_read(sscratch) == 0, csr_read(sscratch));
    failures += check("s2, s3 and a7 hold the user's values",
                      context->x[18] == USER_S2 && context->x[19] == USER_S3 &&
                          context->x[17] == USER_EXIT_A7,
                      context->x[19]);
    /* Two at least: the second trap relies on what returning from the first set up. */
    failures += check("timer interrupts from user mode came and returned",
                      timer_ticks() - before.ticks >= 2, timer_ticks() - before.ticks);
    failures += check("the user's breakpoint was resumed",
                      trap_breakpoint_count() == before.breakpoints + 1, trap_breakpoint_count());
    kprintf("trap_user: %s\n", failures == 0 ? "all checks passed" : "FAILED");
    machine_exit(failures);
}

/* Every trap from user mode, in place of the system-call layer's handler. */
static bool user_trap(struct context *context, uint64_t scause, uint64_t stval)
{
    if (cause_is_interrupt(scause))
        trap_handle_interrupt(context, scause, stval);
    else if (scause == EXC_BREAKPOINT)
        trap_handle_breakpoint(context);
    else
        check_ecall(context, scause);
    return true; /* every register back, the full way (trap.h) */
}

/* Build the context a trap from user mode would have saved, and "return" to it. */
__attribute__((noreturn)) static void enter_user_mode(uint64_t pc, uint64_t sp, uint64_t a0)
{
    struct hart *hart = hart_this();
    struct context *context = (struct context *)(trap_stack + sizeof(trap_stack) - CONTEXT_SIZE);
    memset(context, 0, sizeof(*context));
    context->sepc = pc;
    context->x[REG_SP] = sp;
    context->x[REG_A0] = a0;
    /* SPP = 0: sret goes to user mode. SIE = 0 while trap_return restores registers. */
    context->sstatus = csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE);
    context->sstatus |= SSTATUS_SPIE;
    irq_disable();
    hart->stack_bottom = (uint64_t)trap_stack;
    hart->stack_top = (uint64_t)trap_stack + sizeof(trap_stack);
    asm volatile("mv sp, %0\n"
                 "j trap_return\n" ::"r"(context)
                 : "memory");
    __builtin_unreachable();
}

void kernel_run(void)
{
    map_ram_for_user();
    /* Let user mode read the `time` CSR (scounteren.TM). */
    csr_set(scounteren, 1UL << 1);
    before.ticks = timer_ticks();
    before.breakpoints = trap_breakpoint_count();
    before.hart = hart_this();
    trap_set_user_handler(user_trap);
    uint64_t until = read_time() + 10 * timer_interval();
    kprintf("trap_user: entering user mode at %p\n", (void *)user_address(trap_user_program));
    enter_user_mode(user_address(trap_user_program), user_address(user_stack + sizeof(user_stack)),
                    until);
}
