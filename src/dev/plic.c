/*
 * plic.c: the PLIC driver (RISC-V PLIC specification, v1.0.0).
 *
 * Registers, as offsets from the base the device tree gives; all 32-bit:
 *   4 * irq                            priority of source irq (0 = never interrupts)
 *   0x1000 + 4 * (irq / 32)            pending bits, one per source
 *   0x2000 + 0x80 * ctx + 4 * (irq/32) enable bits of context ctx
 *   0x200000 + 0x1000 * ctx            priority threshold of context ctx
 *   0x200004 + 0x1000 * ctx            claim (read) and complete (write) of ctx
 * Source 0 does not exist: a claim that returns 0 means nothing is pending.
 */
#include "dev/plic.h"

#include "console/console.h"
#include "lib/format.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "arch/riscv.h"
#include "arch/layout.h"
#include "arch/hart.h"
#include "sync/spinlock.h"
#include "arch/cause.h"

#define PLIC_MAX_SOURCES 1023

#define PLIC_PRIORITY(irq)       (4 * (uint64_t)(irq))
#define PLIC_ENABLE(ctx, irq)    (0x2000 + 0x80 * (uint64_t)(ctx) + 4 * (uint64_t)((irq) / 32))
#define PLIC_THRESHOLD(ctx)      (0x200000 + 0x1000 * (uint64_t)(ctx))
#define PLIC_CLAIM_COMPLETE(ctx) (0x200004 + 0x1000 * (uint64_t)(ctx))

struct plic_handler {
    plic_handler_fn handle;
    void *arg;
    bool enabled; /* routed to the harts (enable_lock) */
};

static uint64_t plic_base; /* kernel-window address of the registers */
static int plic_node;
static uint32_t source_count;
static struct plic_handler handlers[PLIC_MAX_SOURCES + 1];
/*
 * Enable words are shared by 32 sources: changing one bit is read, modify,
 * write. The lock also guards the list of harts' contexts below, so a
 * source enabled while a hart comes online reaches that hart too.
 */
static struct spinlock enable_lock = SPINLOCK_INIT("plic enable");
/* Every hart's supervisor context, by hart index; -1 until that hart has run plic_init_hart. */
static int32_t contexts[MAX_HARTS] = {-1, -1, -1, -1, -1, -1, -1, -1};
_Static_assert(MAX_HARTS == 8, "contexts[] lists one initial value per hart");

/* This hart's part (its slot, arch/hart.h): which PLIC context is its supervisor mode. */
struct plic_hart {
    uint32_t context;
};
HART_SLOT_CHECK(struct plic_hart);

static struct plic_hart *plic_hart(void)
{
    return (struct plic_hart *)hart_slot(HART_SLOT_PLIC);
}

static uint32_t this_context(void)
{
    return plic_hart()->context;
}

/* The phandle of this hart's interrupt controller, the node the PLIC's contexts point at. */
static bool hart_controller_phandle(const struct fdt *tree, uint32_t *phandle)
{
    char path[64];
    /* A cpu node's unit address is its reg, the hart id, in hex. */
    snprintf(path, sizeof(path), "/cpus/cpu@%lx/interrupt-controller", hart_id());
    int node = fdt_path_offset(tree, path);
    if (node < 0)
        return false;
    return fdt_property_u32(tree, node, "phandle", phandle);
}

/*
 * interrupts-extended lists the PLIC's contexts in order, each as a pair
 * <phandle of a hart's interrupt controller, interrupt number>, where 11 is
 * that hart's machine external interrupt and 9 its supervisor one. The
 * position of <this hart, 9> is the context number. (Pairs: a hart's
 * controller has #interrupt-cells = 1.)
 */
static int supervisor_context(const struct fdt *tree, int plic_node)
{
    uint32_t controller;
    if (!hart_controller_phandle(tree, &controller))
        return -1;
    int length = 0;
    const uint8_t *cells = fdt_property(tree, plic_node, "interrupts-extended", &length);
    if (cells == NULL)
        return -1;
    for (int context = 0; (context + 1) * 8 <= length; context++) {
        uint32_t phandle = fdt_read_be32(cells + 8 * context);
        uint32_t interrupt = fdt_read_be32(cells + 8 * context + 4);
        if (phandle == controller && interrupt == IRQ_S_EXTERNAL)
            return context;
    }
    return -1;
}

static int find_plic_node(const struct fdt *tree)
{
    int node = fdt_node_by_compatible(tree, -1, "riscv,plic0");
    if (node < 0)
        node = fdt_node_by_compatible(tree, -1, "sifive,plic-1.0.0");
    return node;
}

void plic_init(void)
{
    const struct fdt *tree = devicetree_get();
    int node = find_plic_node(tree);
    uint64_t base;
    uint64_t size;
    if (node < 0 || fdt_reg(tree, node, 0, &base, &size) != 0)
        panic("plic: no riscv,plic0 node with a reg in the device tree");
    if (!fdt_property_u32(tree, node, "riscv,ndev", &source_count) || source_count == 0 ||
        source_count > PLIC_MAX_SOURCES)
        panic("plic: riscv,ndev is missing or not in 1..%d", PLIC_MAX_SOURCES);
    plic_node = node;
    plic_base = (uint64_t)phys_to_virt(base);
    int context = plic_init_hart();
    log_info("plic: %u sources at %p, hart %lu uses context %d", source_count, (void *)base,
             hart_id(), context);
}

/* The enable word of `irq` in `context`: set or clear its bit. enable_lock is held. */
static void write_enable_bit(int32_t context, uint32_t irq, bool enable)
{
    uint64_t word = plic_base + PLIC_ENABLE(context, irq);
    uint32_t bit = 1u << (irq % 32);
    uint32_t bits = mmio_read32(word);
    if (enable)
        bits |= bit;
    else
        bits &= ~bit;
    mmio_write32(word, bits);
}

int plic_init_hart(void)
{
    const struct fdt *tree = devicetree_get();
    int context = supervisor_context(tree, plic_node);
    if (context < 0)
        panic("plic: interrupts-extended has no supervisor context for hart %lu", hart_id());
    plic_hart()->context = (uint32_t)context;
    spinlock_acquire(&enable_lock);
    /* The sources already routed to the other harts come here too: any hart may serve them. */
    for (uint32_t irq = 1; irq <= source_count; irq++)
        write_enable_bit(context, irq, handlers[irq].handle != NULL && handlers[irq].enabled);
    contexts[hart_index()] = context;
    spinlock_release(&enable_lock);
    /* Threshold 0: every enabled source with priority 1 or more gets through. */
    mmio_write32(plic_base + PLIC_THRESHOLD(context), 0);
    csr_set(sie, SIE_SEIE);
    return context;
}

static void check_source(const char *what, uint32_t irq)
{
    if (plic_base == 0)
        panic("plic: %s(%u) before plic_init", what, irq);
    if (irq == 0 || irq > source_count)
        panic("plic: %s(%u): sources are 1..%u", what, irq, source_count);
}

/* Route `irq` to every hart's context (or to none): whichever hart claims it first serves it. */
static void set_enable_bit(uint32_t irq, bool enable)
{
    spinlock_acquire(&enable_lock);
    handlers[irq].enabled = enable;
    for (uint32_t index = 0; index < MAX_HARTS; index++) {
        if (contexts[index] >= 0)
            write_enable_bit(contexts[index], irq, enable);
    }
    spinlock_release(&enable_lock);
}

void plic_enable(uint32_t irq, uint32_t priority, plic_handler_fn handler, void *arg)
{
    check_source("plic_enable", irq);
    if (priority == 0 || handler == NULL)
        panic("plic: plic_enable(%u) needs a priority above 0 and a handler", irq);
    handlers[irq].handle = handler;
    handlers[irq].arg = arg;
    mmio_write32(plic_base + PLIC_PRIORITY(irq), priority);
    set_enable_bit(irq, true);
}

void plic_disable(uint32_t irq)
{
    check_source("plic_disable", irq);
    set_enable_bit(irq, false);
}

uint32_t plic_claim(void)
{
    return mmio_read32(plic_base + PLIC_CLAIM_COMPLETE(this_context()));
}

void plic_complete(uint32_t irq)
{
    mmio_write32(plic_base + PLIC_CLAIM_COMPLETE(this_context()), irq);
}

void plic_handle_interrupt(void)
{
    for (;;) {
        uint32_t irq = plic_claim();
        if (irq == 0)
            return;
        if (irq > source_count || handlers[irq].handle == NULL)
            panic("plic: claimed source %u, which has no handler", irq);
        handlers[irq].handle(handlers[irq].arg);
        /* Until completed, the PLIC will not signal this source again. */
        plic_complete(irq);
    }
}

uint32_t plic_priority(uint32_t irq)
{
    check_source("plic_priority", irq);
    return mmio_read32(plic_base + PLIC_PRIORITY(irq));
}

bool plic_enabled(uint32_t irq)
{
    check_source("plic_enabled", irq);
    uint32_t bits = mmio_read32(plic_base + PLIC_ENABLE(this_context(), irq));
    return (bits & (1u << (irq % 32))) != 0;
}

uint32_t plic_threshold(void)
{
    return mmio_read32(plic_base + PLIC_THRESHOLD(this_context()));
}

uint32_t plic_source_count(void)
{
    return source_count;
}
