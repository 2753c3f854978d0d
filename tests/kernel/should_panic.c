/*
 * should_panic: a test kernel whose success is a panic. It sets the panic
 * exit status to 0, then panics with a known message; the system test checks
 * both the report's text and the status. Returning from the panic would be a
 * failure, reported with status 1.
 */
#include "console/console.h"
#include "console/panic.h"
#include "dev/machine.h"
#include "main.h"

void kernel_run(void)
{
    panic_set_exit_code(0);
    panic("should_panic: the expected panic, value %d", 42);
    kprintf("should_panic: panic returned\n");
    machine_exit(1);
}
