/*
 * uart.c: the NS16550A UART driver: interrupt-driven receive, polled transmit.
 *
 * The 16550's registers are bytes, `reg-shift` apart (0 on QEMU's virt):
 *   0 RBR  receive buffer (read)      0 THR  transmit holding (write)
 *   1 IER  interrupt enable           2 FCR  FIFO control (write)
 *   4 MCR  modem control              5 LSR  line status
 * OpenSBI has already set the baud rate and line format. This driver adds
 * the receive interrupt, and takes the console's output over from the SBI
 * console (uart_console_write).
 */
#include "dev/uart.h"

#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "dev/plic.h"
#include "arch/riscv.h"
#include "lib/string.h"
#include "arch/layout.h"
#include "sync/spinlock.h"

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_MCR 4
#define UART_LSR 5

#define IER_RECEIVE     0x01 /* interrupt when received data is available */
#define FCR_FIFO_ENABLE 0x01
#define FCR_TRIGGER_14  0xc0 /* interrupt at 14 bytes, or when the FIFO sits idle (timeout) */
#define MCR_DTR         0x01
#define MCR_RTS         0x02
#define MCR_OUT2        0x08 /* on PC boards this gates the interrupt line to the CPU */
#define MCR_LOOPBACK    0x10
#define LSR_DATA_READY  0x01 /* RBR holds a byte */
#define LSR_OVERRUN     0x02 /* a byte arrived with the FIFO full and was lost */
#define LSR_THR_EMPTY   0x20 /* THR can take a byte */

_Static_assert((UART_RING_SIZE & (UART_RING_SIZE - 1)) == 0,
               "UART_RING_SIZE must be a power of two");

static struct {
    uint64_t base; /* kernel-window address; 0 when there is no UART */
    uint32_t shift;
    uint32_t irq;
} uart;

/*
 * The receive ring. head and tail count bytes forever (wrapping at 2^32);
 * tail - head is the number waiting, and `& (UART_RING_SIZE - 1)` finds the slot.
 * The interrupt handler appends; readers take from the front. The lock keeps
 * both sides correct when they run on different harts.
 */
static struct {
    struct spinlock lock; /* guards everything below */
    uint8_t bytes[UART_RING_SIZE];
    uint32_t head;
    uint32_t tail;
    uint64_t received;
    uint64_t dropped;
    uint64_t overruns;
    uint64_t interrupts;
    uint64_t pauses; /* times the receiver was paused because the ring was full */
    bool paused;     /* the receive interrupt is off until a reader makes room */
} ring = {.lock = SPINLOCK_INIT("uart ring")};

/* Told after an interrupt has put bytes into the ring (see uart_set_receive_hook). */
static void (*volatile receive_hook)(void);
/* Shown each byte as it arrives, before the ring; it may keep it (uart_set_receive_filter). */
static bool (*volatile receive_filter)(uint8_t byte);

static uint8_t reg_read(int reg)
{
    return mmio_read8(uart.base + ((uint64_t)reg << uart.shift));
}

static void reg_write(int reg, uint8_t value)
{
    mmio_write8(uart.base + ((uint64_t)reg << uart.shift), value);
}

void uart_ring_put(uint8_t byte)
{
    spinlock_acquire(&ring.lock);
    ring.received++;
    if (ring.tail - ring.head == UART_RING_SIZE) {
        ring.dropped++;
    } else {
        ring.bytes[ring.tail & (UART_RING_SIZE - 1)] = byte;
        ring.tail++;
    }
    spinlock_release(&ring.lock);
}

int uart_read_byte(void)
{
    int byte = -1;
    spinlock_acquire(&ring.lock);
    if (ring.tail != ring.head) {
        byte = ring.bytes[ring.head & (UART_RING_SIZE - 1)];
        ring.head++;
        if (ring.paused) {
            /* There is room again: the interrupt comes back at once if bytes wait in the UART. */
            ring.paused = false;
            reg_write(UART_IER, IER_RECEIVE);
        }
    }
    spinlock_release(&ring.lock);
    return byte;
}

/*
 * Flow control: with the ring full, the receiver pauses instead of dropping.
 * The receive interrupt goes off and the next bytes stay in the UART's FIFO;
 * once that is full the UART takes no more from the line (QEMU holds them in
 * the host's terminal, as RTS/CTS would hold them at the far end). The first
 * byte a reader takes turns the interrupt back on. True if the ring is full.
 */
static bool pause_if_full(void)
{
    spinlock_acquire(&ring.lock);
    bool full = ring.tail - ring.head == UART_RING_SIZE;
    if (full && !ring.paused) {
        ring.paused = true;
        ring.pauses++;
        reg_write(UART_IER, 0);
    }
    spinlock_release(&ring.lock);
    return full;
}

/* Reading RBR until LSR says empty also lowers the UART's interrupt request. */
static void uart_handle_interrupt(void *arg)
{
    (void)arg;
    ring.interrupts++;
    bool received = false;
    for (;;) {
        uint8_t status = reg_read(UART_LSR);
        if ((status & LSR_OVERRUN) != 0)
            ring.overruns++;
        if ((status & LSR_DATA_READY) == 0 || pause_if_full())
            break;
        uint8_t byte = reg_read(UART_RBR);
        bool (*filter)(uint8_t) = receive_filter;
        if (filter != NULL && filter(byte))
            continue; /* taken as it arrived (Ctrl-C): it never reaches a reader */
        uart_ring_put(byte);
        received = true;
    }
    void (*hook)(void) = receive_hook;
    if (received && hook != NULL)
        hook();
}

void uart_set_receive_filter(bool (*filter)(uint8_t byte))
{
    receive_filter = filter;
}

void uart_set_receive_hook(void (*hook)(void))
{
    receive_hook = hook;
}

/* The UART the firmware uses as the console (/chosen stdout-path), else the first ns16550a. */
static int find_console_uart(const struct fdt *tree)
{
    int chosen = fdt_path_offset(tree, "/chosen");
    const char *stdout_path = NULL;
    if (chosen >= 0)
        stdout_path = fdt_property_string(tree, chosen, "stdout-path");
    if (stdout_path != NULL && stdout_path[0] == '/') {
        /* "/soc/serial@10000000:115200": the options after ':' are not part of the path. */
        char path[128];
        strlcpy(path, stdout_path, sizeof(path));
        char *colon = strchr(path, ':');
        if (colon != NULL)
            *colon = '\0';
        int node = fdt_path_offset(tree, path);
        if (node >= 0 && fdt_stringlist_contains(tree, node, "compatible", "ns16550a"))
            return node;
    }
    return fdt_node_by_compatible(tree, -1, "ns16550a");
}

/*
 * The console's writer once the UART is up. It polls LSR for room and
 * writes THR, byte by byte: interrupts are off (the console holds its
 * lock), and the 16550 holds 16 bytes in its transmit FIFO.
 */
static void uart_console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while ((reg_read(UART_LSR) & LSR_THR_EMPTY) == 0) {
        }
        reg_write(UART_THR, (uint8_t)buf[i]);
    }
}

void uart_init_output(void)
{
    const struct fdt *tree = devicetree_get();
    int node = find_console_uart(tree);
    if (node < 0)
        return; /* the SBI console stays; uart_init says so */
    uint64_t base;
    uint64_t size;
    uint32_t irq;
    if (fdt_reg(tree, node, 0, &base, &size) != 0 ||
        !fdt_property_u32(tree, node, "interrupts", &irq))
        panic("uart: %s has no reg or no interrupts property", fdt_node_name(tree, node));
    uint32_t shift = 0;
    uint32_t width = 1;
    fdt_property_u32(tree, node, "reg-shift", &shift);
    fdt_property_u32(tree, node, "reg-io-width", &width);
    if (width != 1 || shift > 4)
        panic("uart: %s has reg-io-width %u, reg-shift %u; only byte registers are supported",
              fdt_node_name(tree, node), width, shift);
    uart.base = (uint64_t)phys_to_virt(base);
    uart.shift = shift;
    uart.irq = irq;
    /* The console writes here from now on: "\n" alone, with no SBI call per byte. */
    console_set_writer(uart_console_write);
}

void uart_init(void)
{
    if (uart.base == 0) {
        log_warn("uart: no ns16550a in the device tree; console input is off");
        return;
    }
    /* Keep the FIFO on (so bytes wait in hardware while the kernel is busy), 14-byte trigger. */
    reg_write(UART_FCR, FCR_FIFO_ENABLE | FCR_TRIGGER_14);
    reg_write(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    plic_enable(uart.irq, 1, uart_handle_interrupt, NULL);
    reg_write(UART_IER, IER_RECEIVE);
    log_info("uart: %s at %p, interrupt %u, input ring of %d bytes", "ns16550a",
             (void *)virt_to_phys((void *)uart.base), uart.irq, UART_RING_SIZE);
}

bool uart_present(void)
{
    return uart.base != 0;
}

uint32_t uart_bytes_waiting(void)
{
    spinlock_acquire(&ring.lock);
    uint32_t waiting = ring.tail - ring.head;
    spinlock_release(&ring.lock);
    return waiting;
}

uint64_t uart_dropped_bytes(void)
{
    return ring.dropped;
}

uint64_t uart_receiver_pauses(void)
{
    return ring.pauses;
}

uint64_t uart_overrun_errors(void)
{
    return ring.overruns;
}

uint64_t uart_received_bytes(void)
{
    return ring.received;
}

uint64_t uart_interrupt_count(void)
{
    return ring.interrupts;
}

void uart_write_byte(uint8_t byte)
{
    if (uart.base == 0)
        return;
    while ((reg_read(UART_LSR) & LSR_THR_EMPTY) == 0) {
    }
    reg_write(UART_THR, byte);
}

void uart_set_loopback(bool on)
{
    if (uart.base == 0)
        return;
    uint8_t control = reg_read(UART_MCR);
    if (on)
        control |= MCR_LOOPBACK;
    else
        control &= ~MCR_LOOPBACK;
    reg_write(UART_MCR, control);
}
