/*
 * main.c: kmain, the kernel's table of contents.
 *
 * entry.S calls kmain on the boot stack, with paging on and the kernel
 * running at its high address. Each line below starts one subsystem, in the
 * order they depend on each other; the comment says what it makes possible.
 */
#include <stdint.h>

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/layout.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "console/panic.h"
#include "demo/demo.h"
#include "dev/devicetree.h"
#include "dev/machine.h"
#include "dev/plic.h"
#include "dev/uart.h"
#include "dev/virtio_blk.h"
#include "fs/fs.h"
#include "lib/string.h"
#include "main.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/kstack.h"
#include "mm/memory_set.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/smp.h"
#include "sbi/sbi.h"
#include "syscall/syscall.h"
#include "trace/timeline.h"
#include "trap/ipi.h"
#include "trap/timer.h"
#include "trap/trap.h"

/* Written by entry.S: instret at the kernel's first instruction. */
extern uint64_t boot_entry_instret;

static uint64_t boot_instret_at_end;

static void print_banner(void)
{
    long spec = sbi_get_spec_version();
    long impl_id = sbi_get_impl_id();
    long impl_version = sbi_get_impl_version();
    uint64_t memory = devicetree_memory_total();

    kprintf("\n");
    kprintf("RISC-V Sv39 teaching kernel\n");
    kprintf("  hart        %lu\n", hart_id());
    kprintf("  SBI         %s %ld.%ld, spec %ld.%ld (console: %s)\n", sbi_impl_name(impl_id),
            impl_version >> 16, impl_version & 0xffff, (spec >> 24) & 0x7f, spec & 0xffffff,
            sbi_has_dbcn() ? "DBCN" : "legacy");
    kprintf("  memory      %lu MiB\n", memory >> 20);
    kprintf("  kernel      %p .. %p (kmain at %p)\n", (void *)kernel_start, (void *)kernel_end,
            (void *)kmain);
    kprintf("  bootargs    \"%s\"\n", devicetree_bootargs());
}

/*
 * What the console takes from the command line: loglevel=NAME, the log
 * level from here on (console.h); panic=halt, a panic parks the hart for a
 * debugger instead of ending the machine (panic.h).
 */
static void apply_console_options(void)
{
    char panic_action[8] = "";
    if (devicetree_bootarg("panic", panic_action, sizeof(panic_action)))
        panic_set_halt(strcmp(panic_action, "halt") == 0);
    char name[8] = "";
    if (!devicetree_bootarg("loglevel", name, sizeof(name)))
        return;
    int level = console_log_level_by_name(name);
    if (level == 0)
        log_warn("kernel: loglevel=%s is not a level (error, warn, info, debug, trace)", name);
    else
        console_set_log_level(level);
}

/*
 * timeline=1 on the command line: record the scheduler's events for `make
 * timeline` (trace/timeline.h), TIMELINE_EVENTS per hart; timeline=N, N per
 * hart. The buffer is one block of frames, taken only when asked for.
 */
#define TIMELINE_EVENTS 4096

static void start_timeline(void)
{
    char value[12] = "";
    if (!devicetree_bootarg("timeline", value, sizeof(value)) || strcmp(value, "0") == 0)
        return;
    unsigned long events = 0;
    for (const char *p = value; *p >= '0' && *p <= '9' && events < 1000000; p++)
        events = events * 10 + (unsigned long)(*p - '0');
    if (events <= 1)
        events = TIMELINE_EVENTS;
    size_t bytes = timeline_bytes_for(events);
    unsigned order = 0;
    while (((size_t)PAGE_SIZE << order) < bytes)
        order++;
    paddr_t block = frame_alloc_contiguous(order);
    if (block.value == 0) {
        log_warn("kernel: timeline=%s: no %lu KiB block of memory; not recording", value,
                 (unsigned long)(bytes / 1024));
        return;
    }
    size_t per_hart =
        timeline_start(phys_to_virt(block.value), (size_t)PAGE_SIZE << order, timer_frequency());
    log_info("kernel: timeline: recording scheduler events, %lu per hart (printed at power-off)",
             (unsigned long)per_hart);
}

static void boot_stack_move(void);
static void kmain_on_kernel_stack(void);

void kmain(uint64_t hartid, uint64_t dtb_pa)
{
    hart_enter(hart_prepare(0, hartid)); /* tp -> block 0, this hart's; locks work from here */
    trap_init();              /* stvec -> trap.S: a fault from here on is a full report */
    sbi_init();               /* probe SBI extensions: console, timer, reset */
    devicetree_init(dtb_pa);  /* check the device tree OpenSBI handed us */
    apply_console_options();  /* loglevel= and panic= on the command line */
    machine_init();           /* find the sifive_test device, so exit codes reach QEMU */
    uart_init_output();       /* the console writes to the UART itself: one \r\n a newline */
    print_banner();           /* hart, SBI version, memory size, kernel range */
    frame_init();             /* free frames: RAM minus OpenSBI, kernel image, device tree */
    heap_init();              /* kmalloc and kfree (HEAP= picks the design), grown by frames */
    memory_set_init_kernel(); /* W^X page tables per section; the boot page table retires */
    boot_stack_move();        /* to a guarded stack in the kernel stack region; never returns */
}

/* The boot stack from here on: like every kernel stack, it has a guard page below. */
static struct kstack boot_kstack;

static void boot_stack_move(void)
{
    if (kstack_alloc(&boot_kstack, "boot") != 0)
        panic("kmain: no memory for the boot kernel stack");
    kstack_run_on(&boot_kstack, kmain_on_kernel_stack);
}

/* The rest of the init sequence, on the guarded boot stack. */
static void kmain_on_kernel_stack(void)
{
    timer_init();             /* timebase from the device tree; ticks HZ times a second */
    start_timeline();         /* timeline=1: record the scheduler's events from here */
    plic_init();              /* device interrupts reach this hart in supervisor mode */
    ipi_init_hart();          /* other harts' interrupts (IPIs) reach this one */
    uart_init();              /* UART receive interrupt fills the console input ring */
    virtio_blk_init();        /* virtio disks from the device tree, their interrupts routed */
    process_init();           /* the process table, with process 0 "kernel" in it */
    sched_init(&boot_kstack); /* this code becomes thread "boot"; idle thread; time slices */
    syscall_init();           /* traps from user mode go to the system-call layer */
    smp_start_harts();        /* the other harts, through SBI HSM: each runs the scheduler */
    irq_enable();             /* interrupts on: timer ticks and typed input from here */

    boot_instret_at_end = read_instret(); /* the boot figure ends before the disk's waits */
    fs_init();    /* buffer cache, the root disk mounted, the console on fds 0-2 */
    kernel_run(); /* the shell, a demo, or a test image's own code */
    machine_exit(0);
}

/*
 * Every other hart starts here (entry.S's _start_secondary), on its own
 * guarded stack, with paging on and tp at its per-hart block: the per-hart
 * half of the init sequence above. The rest is shared and already done.
 */
void kmain_secondary(const struct hart_start_info *info)
{
    trap_init();                             /* stvec -> trap.S, sscratch = 0 */
    memory_set_activate(&kernel_memory_set); /* satp: the kernel set, as on the boot hart */
    timer_init_hart();                       /* its own tick, on the boot hart's grid */
    plic_init_hart();                        /* its own PLIC context, devices routed here too */
    ipi_init_hart();                         /* IPIs reach it */
    smp_hart_run(info);                      /* idle thread, online, the scheduler; never returns */
}

uint64_t kmain_boot_instructions(void)
{
    return boot_instret_at_end - boot_entry_instret;
}

/*
 * What the kernel does once it is up. Test images link their own strong
 * kernel_run, which replaces this weak one.
 */
__attribute__((weak)) void kernel_run(void)
{
    demo_run_mode(); /* mode= on the command line: the shell (default), or a demo */
}
