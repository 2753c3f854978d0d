/*
 * ipi.h: inter-processor interrupts: one hart interrupting another.
 *
 * An IPI arrives as the supervisor software interrupt (scause 1, sip.SSIP).
 * Supervisor mode cannot raise it on another hart by itself; it asks the
 * firmware (SBI IPI extension, sbi_send_ipi), which writes the target's
 * machine software interrupt and passes it down as SSIP.
 *
 * The interrupt carries no data, so each hart has a word of pending
 * reasons. A sender sets bits in the target's word, then raises the
 * interrupt; the target's handler swaps the word with 0 and acts on every
 * bit it found. Two senders, or a reason sent twice before the target
 * looks, merge into one interrupt: a reason says "look", not "count me".
 *
 *     hart A                                        hart B
 *     pending[B] |= IPI_WAKE  ---------------.
 *     sbi_send_ipi(B) --> OpenSBI --> MSIP --+--> SSIP --> trap --> ipi_handle:
 *                                            '--------->  reasons = swap(pending[B], 0)
 */
#ifndef TRAP_IPI_H
#define TRAP_IPI_H

#include <stdbool.h>
#include <stdint.h>

/* Reasons, as bits of a hart's pending word. */
#define IPI_WAKE 0x1u /* nothing but wake: leave wfi and look for work (the scheduler's kick) */
#define IPI_CALL 0x2u /* run the function a caller left in this hart's call slot (ipi_call) */

/* Let software interrupts in on this hart (sie.SSIE). Every hart calls it. */
void ipi_init_hart(void);

/* Send `reasons` to the hart with this index (another one; an IPI to oneself is allowed too). */
void ipi_send(uint32_t index, uint32_t reasons);

/* Send `reasons` to every hart whose index bit is set in index_mask. */
void ipi_send_mask(uint32_t index_mask, uint32_t reasons);

/*
 * Run fn(arg) on hart `index`, in its interrupt handler (interrupts off,
 * so fn must be short and must not sleep), and return when it has
 * returned. The target answers with an IPI; the caller waits for it in
 * wfi, and answers the calls other harts make to it meanwhile, so two
 * harts calling each other do not deadlock. The caller may hold spinlocks,
 * but the target must not be spinning with interrupts off (for one of
 * them, say): it would never take the call. On this hart's own index, fn
 * simply runs here.
 */
void ipi_call(uint32_t index, void (*fn)(void *arg), void *arg);

/* The software interrupt: take the pending reasons and act on them (trap dispatch calls it). */
void ipi_handle(void);

/* IPIs this hart has taken (interrupts, not reasons), and sent. */
uint64_t ipi_received_count(void);
uint64_t ipi_received_count_of(uint32_t index); /* hart `index`'s */
uint64_t ipi_sent_count(void);

#endif
