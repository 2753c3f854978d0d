/*
 * fdt_test.c: the device-tree reader against the live tree QEMU built.
 * The host tests compare it with libfdt; these check the kernel's view.
 */
#include "dev/devicetree.h"
#include "ktest/ktest.h"
#include "lib/fdt.h"
#include "lib/string.h"

static void fdt_finds_chosen_and_cpus(struct ktest *t)
{
    const struct fdt *fdt = devicetree_get();
    EXPECT_GE(t, fdt_path_offset(fdt, "/chosen"), 0);
    EXPECT_GE(t, fdt_path_offset(fdt, "/cpus"), 0);
    EXPECT_LT(t, fdt_path_offset(fdt, "/no-such-node"), 0);
    EXPECT_GT(t, devicetree_timebase_frequency(), 0ul);
}

static void fdt_memory_matches_unit_address(struct ktest *t)
{
    uint64_t base = 0;
    uint64_t size = 0;
    ASSERT_TRUE(t, devicetree_memory_range(0, &base, &size));
    EXPECT_EQ(t, base, 0x80000000ul);
    EXPECT_GE(t, size, 64ul << 20);
    /* "/memory" finds "memory@80000000" by its name without the unit address. */
    int node = fdt_path_offset(devicetree_get(), "/memory");
    EXPECT_GE(t, node, 0);
}

static void fdt_finds_devices_by_compatible(struct ktest *t)
{
    uint64_t base = 0;
    uint64_t size = 0;
    EXPECT_TRUE(t, devicetree_find_device("sifive,test0", &base, &size));
    EXPECT_EQ(t, base, 0x100000ul);
    EXPECT_TRUE(t, devicetree_find_device("ns16550a", &base, &size));
    EXPECT_EQ(t, base, 0x10000000ul);
    EXPECT_FALSE(t, devicetree_find_device("no,such-device", &base, &size));
}

static void fdt_bootarg_parses_key_value(struct ktest *t)
{
    char value[32];
    /* The ktest image is always booted with ktest.filter= on its command line. */
    EXPECT_TRUE(t, devicetree_bootarg("ktest.filter", value, sizeof(value)));
    EXPECT_FALSE(t, devicetree_bootarg("ktest.filt", value, sizeof(value)));
    EXPECT_FALSE(t, devicetree_bootarg("no.such.key", value, sizeof(value)));
}

static void fdt_rejects_bad_magic(struct ktest *t)
{
    static uint8_t blob[64];
    struct fdt fdt;
    memset(blob, 0, sizeof(blob));
    EXPECT_EQ(t, fdt_init(&fdt, blob, sizeof(blob)), -FDT_ERR_BADMAGIC);
    EXPECT_EQ(t, fdt_init(&fdt, blob, 8), -FDT_ERR_TRUNCATED);
}

static const struct ktest_case fdt_cases[] = {
    KTEST_CASE(fdt_finds_chosen_and_cpus),       KTEST_CASE(fdt_memory_matches_unit_address),
    KTEST_CASE(fdt_finds_devices_by_compatible), KTEST_CASE(fdt_bootarg_parses_key_value),
    KTEST_CASE(fdt_rejects_bad_magic),           {0},
};
KTEST_SUITE(fdt, fdt_cases);
