/*
 * uaccess_kernel_fault: a user copy whose *kernel* side is a bad pointer.
 * The copy routine may fault on a user address and carry on (mm/uaccess.c:
 * the page is made present, or the copy fails with -EFAULT), but a fault on
 * the kernel's side of a copy is a kernel bug. It must end in the trap
 * report, with sepc in uaccess_copy, and not pass quietly as -EFAULT.
 */
#include <stdint.h>

#include "console/console.h"
#include "dev/machine.h"
#include "main.h"
#include "mm/memory_set.h"
#include "mm/uaccess.h"

#define USER_PAGE 0x20000ul
/* In the kernel half, where nothing is mapped (arch/layout.h): above the kernel stacks. */
#define BAD_KERNEL_ADDRESS 0xffffffd000000000ul

void kernel_run(void)
{
    static struct memory_set user;
    if (memory_set_init_user(&user) != 0 ||
        memory_set_add_segment(&user, "rw", vaddr(USER_PAGE), vaddr(USER_PAGE + PAGE_SIZE),
                               PTE_R | PTE_W | PTE_U, MAP_FRAMED, paddr(0), NULL, 0) != 0) {
        kprintf("uaccess_kernel_fault: ERROR no user memory set\n");
        machine_exit(1);
    }
    memory_set_activate(&user);
    kprintf("uaccess_kernel_fault: copying to user memory from %p\n", (void *)BAD_KERNEL_ADDRESS);
    int result = copy_to_user(&user, USER_PAGE, (const void *)BAD_KERNEL_ADDRESS, 8);
    kprintf("uaccess_kernel_fault: ERROR the copy returned %d\n", result);
    machine_exit(1);
}
