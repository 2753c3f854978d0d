/*
 * heap_bad_free: a test kernel whose success is a panic. The command line
 * picks the mistake: case=double (kfree twice), case=foreign (kfree of a
 * pointer the heap never gave) or case=frame (frame_free twice). It prints
 * the address it is about to misuse; the system test checks the panic names
 * that same address. Returning from the bad free is a failure (status 1).
 */
#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "lib/string.h"
#include "main.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"

static uint64_t not_from_the_heap[4];

void kernel_run(void)
{
    char which[16] = "";
    devicetree_bootarg("case", which, sizeof(which));
    panic_set_exit_code(0);
    if (strcmp(which, "double") == 0) {
        /* Another live block, so a bump heap does not reset when `block` is freed. */
        void *keep = kmalloc(16);
        void *block = kmalloc(48);
        kprintf("heap_bad_free: %p stays live\n", keep);
        kprintf("heap_bad_free: freeing %p twice\n", block);
        kfree(block);
        kfree(block);
    } else if (strcmp(which, "foreign") == 0) {
        kprintf("heap_bad_free: freeing %p, which the heap never gave\n",
                (void *)&not_from_the_heap[2]);
        kfree(&not_from_the_heap[2]);
    } else if (strcmp(which, "frame") == 0) {
        paddr_t frame = frame_alloc();
        kprintf("heap_bad_free: freeing frame %p twice\n", (void *)frame.value);
        frame_free(frame);
        frame_free(frame);
    } else {
        kprintf("heap_bad_free: unknown case=%s\n", which);
    }
    kprintf("heap_bad_free: the bad free returned\n");
    machine_exit(1);
}
