/*
 * machine.h: ending the machine with a status QEMU passes on.
 *
 * QEMU's virt board has a "sifive,test0" device. Writing 0x5555 to it ends
 * QEMU with exit status 0; writing (code << 16) | 0x3333 ends it with `code`.
 * Test scripts read the verdict from that status. SBI system reset is the
 * fallback, but the OpenSBI that QEMU ships always makes QEMU exit 0 then.
 */
#ifndef DEV_MACHINE_H
#define DEV_MACHINE_H

#include <stdint.h>

/*
 * Find the test device in the device tree. Before this (or without one),
 * machine_exit(0) powers off through SBI, and a failure code halts the hart
 * instead, because SBI shutdown would make QEMU report success.
 */
void machine_init(void);

/* End the machine: 0 for success, 1..255 for a failure code. Never returns. */
__attribute__((noreturn)) void machine_exit(int code);

#endif
