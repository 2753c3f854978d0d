/*
 * plic_test.c: in-kernel tests of the PLIC set-up, read back from its
 * registers: the UART's source is routed to this hart's supervisor context.
 */
#include "dev/devicetree.h"
#include "dev/plic.h"
#include "dev/uart.h"
#include "ktest/ktest.h"
#include "arch/riscv.h"

/* The UART's interrupt number, read from the device tree independently of the driver. */
static uint32_t uart_irq_from_devicetree(void)
{
    const struct fdt *tree = devicetree_get();
    int node = fdt_node_by_compatible(tree, -1, "ns16550a");
    uint32_t irq = 0;
    if (node >= 0)
        fdt_property_u32(tree, node, "interrupts", &irq);
    return irq;
}

static void plic_routes_the_uart_to_this_hart(struct ktest *t)
{
    uint32_t irq = uart_irq_from_devicetree();
    ASSERT_TRUE(t, uart_present());
    ASSERT_GT(t, irq, 0u);
    ASSERT_LE(t, irq, plic_source_count());
    EXPECT_GE(t, plic_priority(irq), 1u);
    EXPECT_TRUE(t, plic_enabled(irq));
    EXPECT_EQ(t, plic_threshold(), 0u);
    EXPECT_TRUE(t, (csr_read(sie) & SIE_SEIE) != 0);
    /* A source nobody enabled stays off (the next one: the RTC, on QEMU's virt). */
    EXPECT_FALSE(t, plic_enabled(irq + 1));
}

static const struct ktest_case plic_cases[] = {
    KTEST_CASE(plic_routes_the_uart_to_this_hart),
    {0},
};
KTEST_SUITE(plic, plic_cases);
