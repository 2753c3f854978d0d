/*
 * hart.h: per-hart state, reached through the tp register.
 *
 * Each hart owns one block of memory, cut into fixed slots of
 * HART_SLOT_SIZE bytes. While the hart runs kernel code, tp points at its
 * block, so a subsystem reaches its own per-hart state with one load at a
 * constant offset from tp, and needs no lock: no other hart uses the block.
 *
 *     tp --> +---------------------------+  slot 0  struct hart: id, the stack
 *            |  hart (this file)         |          now in use, what runs now
 *            +---------------------------+  slot 1  sync/spinlock.h: lock depth
 *            |  spinlock                 |
 *            +---------------------------+  slot 2  console/panic.c
 *            |  panic                    |
 *            +---------------------------+  ...     one per subsystem
 *            |  ...                      |
 *            +---------------------------+
 *
 * A subsystem declares the struct for its slot in its own header or source
 * file, and checks that it fits (HART_SLOT_CHECK). The list of slots below
 * is the one place that knows them all: a number each, nothing more, so
 * this header needs no subsystem's header.
 */
#ifndef ARCH_HART_H
#define ARCH_HART_H

/*
 * Harts the kernel can run on. A hart has two numbers: its hart id, which
 * the firmware and the device tree use (any value: they need not be
 * 0..N-1), and its index, 0..MAX_HARTS-1, the place of its block. The
 * boot hart is index 0; the others get 1, 2, ... as they are started
 * (proc/smp.c), in device-tree order.
 */
#define MAX_HARTS 8

#define HART_SLOT_SIZE     64
#define HART_SLOT_HART     0 /* struct hart, below */
#define HART_SLOT_SPINLOCK 1 /* sync/spinlock.h: nesting depth, interrupts before */
#define HART_SLOT_PANIC    2 /* console/panic.c: is this hart panicking? */
#define HART_SLOT_PLIC     3 /* dev/plic.c: this hart's PLIC context */
#define HART_SLOT_TIMER    4 /* trap/timer.c: the next tick's deadline */
#define HART_SLOT_MM       5 /* mm/memory_set.h: the address space in use */
#define HART_SLOT_TRAP     6 /* trap/trap.h: interrupt nesting depth */
#define HART_SLOT_SCHED    7 /* proc/sched.h: current and idle thread, pending preemption */
#define HART_SLOTS         8
#define HART_BLOCK_SIZE    (HART_SLOTS * HART_SLOT_SIZE)

/* Offsets into struct hart that trap.S reads (checked in hart.c). */
#define HART_STACK_BOTTOM        8
#define HART_EMERGENCY_STACK_TOP 24

/* Offsets into struct hart_start_info that entry.S reads (checked in hart.c). */
#define HART_START_SATP      0
#define HART_START_STACK_TOP 8
#define HART_START_TP        16

/* Each hart's emergency stack, where a kernel stack overflow is reported. */
#define EMERGENCY_STACK_SIZE (16 * 1024)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "arch/riscv.h"

/* Slot 0: what every layer may need to know about the hart it runs on. */
struct hart {
    uint64_t id; /* the hart id OpenSBI and the device tree use */
    /* The stack the hart runs on now: trap.S's overflow check, bounded backtraces. */
    uint64_t stack_bottom;
    uint64_t stack_top;
    /* Where a kernel stack overflow is reported (trap.S). */
    uint64_t emergency_stack_top;
    /* A short name for what runs, for reports: the running thread's name ("boot", "idle"). */
    const char *running;
    uint32_t index; /* 0..MAX_HARTS-1: this block's place */
};

/*
 * What a hart started through SBI HSM finds at the physical address in a1
 * (hart_start's `opaque`): entry.S's _start_secondary turns paging on with
 * `satp`, loads sp and tp, and calls kmain_secondary(info) at its high address.
 */
struct hart_start_info {
    uint64_t satp;      /* the kernel memory set's satp value */
    uint64_t stack_top; /* its first stack: a guarded kernel stack (mm/kstack.h) */
    uint64_t tp;        /* its struct hart, prepared by the hart that starts it */
    const void *stack;  /* the struct kstack of that stack, for the idle thread it becomes */
};

/* A subsystem's check that its per-hart struct fits its slot. */
#define HART_SLOT_CHECK(type)                                                                      \
    _Static_assert(sizeof(type) <= HART_SLOT_SIZE, #type " does not fit a hart slot")

/*
 * Give block `index` to the hart with id `hartid`: its id, index and
 * emergency stack; the boot stack as its stack. Called by the boot hart for
 * itself (index 0, then hart_enter points tp at it) and for each hart it is
 * about to start (whose entry code loads tp itself). Panics on an index
 * out of range or already given.
 */
struct hart *hart_prepare(uint32_t index, uint64_t hartid);

/* Point tp at `hart`: from now on this hart's per-hart state is that block. */
void hart_enter(struct hart *hart);

/*
 * This hart runs the kernel now and may be sent interrupts and remote
 * fences: it joins hart_online_mask(). Each hart calls it for itself.
 */
void hart_set_online(void);

/* The harts online, as a bit mask of indexes (bit i: index i). */
uint32_t hart_online_mask(void);

/* How many harts are online. */
unsigned hart_online_count(void);

/* The block with this index, or NULL if no hart has it. */
struct hart *hart_by_index(uint32_t index);

/*
 * tp as a C variable (a GCC global register variable). The compiler then
 * uses tp itself as the base of every per-hart access: reading a slot's
 * field is one load, `ld a0, 64(tp)`. It reads tp afresh after every call,
 * so a thread that resumes on another hart after a switch sees that hart's
 * block. tp is the ABI's thread pointer, which the compiler never allocates.
 */
#ifndef __CPPCHECK__
register uint64_t hart_tp asm("tp");
#else
extern uint64_t hart_tp; /* what cppcheck (make lint) is shown: it misreads register asm */
#endif

/* This hart's struct hart, or NULL before hart_enter (tp is 0 then). */
static inline struct hart *hart_this(void)
{
    return (struct hart *)hart_tp;
}

/* This hart's slot `slot` (hart_enter has run). */
static inline void *hart_slot(int slot)
{
    return (void *)(hart_tp + (uint64_t)slot * HART_SLOT_SIZE);
}

/* The hart id, or 0 before hart_enter ran. */
static inline uint64_t hart_id(void)
{
    struct hart *hart = hart_this();
    return hart == NULL ? 0 : hart->id;
}

/* This hart's index, 0..MAX_HARTS-1 (0 before hart_enter ran). */
static inline uint32_t hart_index(void)
{
    struct hart *hart = hart_this();
    return hart == NULL ? 0 : hart->index;
}

/* What runs on this hart now, for reports: "?" before anything has said. */
static inline const char *hart_running_name(void)
{
    struct hart *hart = hart_this();
    return hart != NULL && hart->running != NULL ? hart->running : "?";
}
#endif /* __ASSEMBLER__ */

#endif
