/*
 * uaccess.h: copying between the kernel and user memory, safely.
 *
 * A system call gets addresses from user code, and user code may pass
 * anything: NULL, a kernel address, an unmapped page, a read-only page for
 * read() to fill. The kernel must never fault on such a pointer. So every
 * user pointer goes through these helpers. A copy checks that the range lies
 * in the user half, then copies with sstatus.SUM set for exactly the copy's
 * duration, and lets the MMU check each page as it would the program's own
 * access: the copy routine (uaccess_copy.S) is the one piece of kernel code
 * allowed to fault on a user address. A page the program could touch but
 * that is not there yet (demand-zero, copy-on-write, stack growth) is made
 * present in the fault, as the program's own fault would be
 * (memory_set_handle_fault), and the copy goes on; any other fault on the
 * user side ends it with -EFAULT. The bytes before the bad page may have
 * been copied (Linux says the same of a failed read()). A fault on the
 * kernel's side of a copy (an address at or above USER_END) is a kernel bug
 * and ends in the trap report, like any other.
 *
 * One case the MMU cannot see: a page in the user half without U (PROT_NONE
 * memory is mapped R without U) is open to the kernel. In a set that has
 * held one, copies walk the page table first (user_range_ok), as string
 * copies always do.
 *
 * The set must be the one the hart translates with (the calling process's).
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct memory_set;

/* The user half of every address space: [0, USER_END). */
#define USER_END 0x4000000000ull

/* Does [address, address + length) lie below USER_END, without wrapping around? */
bool user_range_in_user_half(uint64_t address, size_t length);

/* Is [address, address + length) user memory with every page allowing `access` (PTE_R or PTE_W)? */
bool user_range_ok(const struct memory_set *set, uint64_t address, size_t length, uint64_t access);

/* Copy `length` bytes from user `source` into kernel `destination`. 0 or -EFAULT. */
int copy_from_user(const struct memory_set *set, void *destination, uint64_t source, size_t length);

/* Copy `length` bytes from kernel `source` to user `destination`. 0 or -EFAULT. */
int copy_to_user(const struct memory_set *set, uint64_t destination, const void *source,
                 size_t length);

/*
 * Copy a NUL-terminated string of at most `size - 1` characters from user
 * memory into `destination` (always terminated). Returns its length, -EFAULT
 * for a bad pointer, or -ENAMETOOLONG when no NUL comes within `size` bytes.
 */
/*
 * The trap path asks this first about a fault in kernel mode: true if it
 * was a user copy's (uaccess_copy.S), now resolved or redirected to fail
 * with -EFAULT; false for any other fault, which is a kernel bug.
 */
struct context;
bool uaccess_fault(struct context *context, uint64_t scause, uint64_t stval);

long string_from_user(const struct memory_set *set, char *destination, uint64_t source,
                      size_t size);

#endif
