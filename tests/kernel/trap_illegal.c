/*
 * trap_illegal: an illegal instruction in kernel code. It must end in the
 * trap report (cause name, stval, sepc with its function, every register,
 * a backtrace) and panic's exit status 101. Known values in a5 and s2 let
 * the system test check that the report shows the trapped registers.
 */
#include "console/console.h"
#include "dev/machine.h"
#include "main.h"

__attribute__((noinline)) void trap_illegal_instruction_here(void)
{
    /*
     * With norvc, `unimp` is csrrw zero, cycle, zero (0xc0001073): a write to
     * the read-only cycle counter, which every RISC-V hart must refuse.
     */
    asm volatile(".option push\n"
                 ".option norvc\n"
                 "li a5, 0x5a5a\n"
                 "li s2, 0x1234abcd\n"
                 "unimp\n"
                 ".option pop\n" ::
                     : "a5", "s2");
}

void kernel_run(void)
{
    kprintf("trap_illegal: executing an illegal instruction\n");
    trap_illegal_instruction_here();
    kprintf("trap_illegal: ERROR the illegal instruction was resumed\n");
    machine_exit(1);
}
