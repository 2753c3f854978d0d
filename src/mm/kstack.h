/*
 * kstack.h: kernel stacks in a region of their own, each with a guard.
 *
 * Every kernel stack (the boot stack included, once paging is set up, and
 * later one per thread) lives in a slot of the kernel stack region:
 *
 *   slot i:  [ guard: 32 KiB, never mapped ][ stack: 32 KiB, mapped R+W ]
 *            ^ slot start                   ^ bottom                    ^ top
 *
 * A stack that overflows runs into its guard and takes a page fault instead
 * of silently overwriting whatever lies below. The region's level-1 table
 * is created at boot, so every address space that shares the kernel half
 * sees stacks that are added later.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/addr.h"

struct memory_set;

#define KSTACK_REGION_START 0xffffffc000000000ull
#define KSTACK_SLOT_SIZE    (64 * 1024)
#define KSTACK_SIZE         (32 * 1024)
#define KSTACK_SLOTS        1024

struct kstack {
    vaddr_t bottom; /* lowest mapped byte */
    vaddr_t top;    /* one past the highest: the initial sp */
    int slot;
    const char *name;
};

/* Reserve the region's tables in the kernel set (called while it is built). */
void kstack_init_region(struct memory_set *kernel);

/* Map a new stack; `name` must outlive it. Returns 0 or -ENOMEM / -EAGAIN (no slot). */
int kstack_alloc(struct kstack *stack, const char *name);

/* Unmap the stack and give its frames back. */
void kstack_free(struct kstack *stack);

/*
 * If addr lies in a kernel stack slot, return that stack's name and say
 * whether addr is in its guard. NULL when addr is outside every slot in use.
 */
const char *kstack_describe(uint64_t addr, bool *in_guard);

/* Switch sp to `stack` and call fn there; fn must never return. */
__attribute__((noreturn)) void kstack_run_on(const struct kstack *stack, void (*fn)(void));

/* Low-level: set sp = top, fp = 0, and call fn (kstack_switch.S). */
__attribute__((noreturn)) void kstack_switch_and_call(uint64_t top, void (*fn)(void));

#endif
