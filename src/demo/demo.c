/*
 * demo.c: the mode= chooser. See demo.h.
 */
#include "demo/demo.h"

#include "console/console.h"
#include "demo/async_demo.h"
#include "demo/echo.h"
#include "demo/threads_demo.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "exec/exec.h"
#include "lib/string.h"

void demo_run_mode(void)
{
    char mode[16] = "";
    devicetree_bootarg("mode", mode, sizeof(mode));
    if (mode[0] == '\0' || strcmp(mode, "shell") == 0) {
        exec_run_init(); /* init (pid 1) in user mode, which starts the shell */
    } else if (strcmp(mode, "halt") == 0) {
        log_info("kernel: mode=halt: booted; powering off");
    } else if (strcmp(mode, "echo") == 0) {
        echo_run();
    } else if (strcmp(mode, "async") == 0) {
        async_demo_run_in_thread(); /* its executor in a thread (docs/async.md) */
    } else if (strcmp(mode, "threads") == 0) {
        threads_demo_run(); /* eight kernel threads under preemption (docs/threads.md) */
    } else {
        log_error("kernel: unknown mode=%s on the command line (known: shell, halt, echo, async, "
                  "threads)",
                  mode);
        machine_exit(1);
    }
}
