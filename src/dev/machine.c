/*
 * machine.c: machine_exit through the sifive_test device, or SBI.
 */
#include "dev/machine.h"

#include "console/panic.h"
#include "dev/devicetree.h"
#include "arch/riscv.h"
#include "arch/hart.h"
#include "arch/layout.h"
#include "sbi/sbi.h"
#include "trace/timeline.h"

#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333

/* Kernel-window address of the test device's register, 0 if there is none. */
static uint64_t test_device;

void machine_init(void)
{
    uint64_t base;
    uint64_t size;
    if (devicetree_find_device("sifive,test0", &base, &size))
        test_device = (uint64_t)phys_to_virt(base);
    panic_set_machine_exit(machine_exit); /* a panic ends the machine with its code from now */
}

void machine_exit(int code)
{
    if (code < 0 || code > 255)
        code = 255;
    timeline_dump((int)hart_online_count()); /* timeline=1: the recorded events, first */
    if (test_device != 0) {
        uint32_t value = code == 0 ? SIFIVE_TEST_PASS : ((uint32_t)code << 16) | SIFIVE_TEST_FAIL;
        mmio_write32(test_device, value);
    } else if (code != 0) {
        /*
         * Too early (before machine_init) or no test device: SBI shutdown
         * would end QEMU with status 0 whatever the reason, and a failure
         * must never look like a pass. Stop here instead; a test harness
         * sees a hang and its timeout reports the failure.
         */
        static const char message[] = "machine_exit: no sifive_test device known, so the "
                                      "failure status cannot reach QEMU; halting\n";
        sbi_console_write(message, sizeof(message) - 1);
        csr_clear(sstatus, SSTATUS_SIE);
        for (;;)
            wfi();
    }
    sbi_system_reset(SBI_RESET_SHUTDOWN, code == 0 ? SBI_REASON_NONE : SBI_REASON_FAILURE);
    for (;;)
        wfi();
}
