/*
 * uaccess_copy.S: the one piece of kernel code that may fault on a user
 * address and carry on.
 *
 *   size_t uaccess_copy(void *to, const void *from, size_t length,
 *                       const struct memory_set *set);
 *
 * Copies `length` bytes and returns how many it could NOT copy: 0 when all
 * went, more when it stopped at a page it may not touch. The caller has
 * set sstatus.SUM and checked that both ranges lie where they should (the
 * user one below USER_END); uaccess.c has the callers.
 *
 * How a fault is survived. A load or store here that faults traps into the
 * kernel's own trap path, which asks uaccess_fault (uaccess.c) first:
 * sepc lies between uaccess_copy and uaccess_copy_end, so the fault is
 * this routine's. If the page is one the program could have touched
 * (demand-zero, copy-on-write, the stack's next page), the fault is
 * resolved and the same instruction runs again. If not, sepc is moved to
 * uaccess_copy_failed, which returns the bytes left (a2 counts them down).
 * `set` stays in a3, untouched, for uaccess_fault to read from the trap
 * frame. Linux does the same with its exception table; here there is one
 * routine, so the table is one range.
 *
 * The loop copies 64, then 8 bytes at a time when `to` and `from` share
 * their alignment (after a few single bytes to reach it), else byte by
 * byte. It uses only t0-t6, a4 and a5 besides its arguments.
 */
    .text
    .globl uaccess_copy, uaccess_copy_end, uaccess_copy_failed
uaccess_copy:
    xor     t0, a0, a1
    andi    t0, t0, 7
    bnez    t0, .Lbytes             /* different alignments: bytes only */
.Lalign:                            /* single bytes until both are 8-aligned */
    andi    t0, a0, 7
    beqz    t0, .Laligned
    beqz    a2, .Ldone
    lbu     t1, 0(a1)
    sb      t1, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
    j       .Lalign
.Laligned:
    li      t0, 64
    j       .Lblocks
.Lblock:                            /* 64 bytes a turn, as memcpy does */
    ld      t1, 0(a1)
    ld      t2, 8(a1)
    ld      t3, 16(a1)
    ld      t4, 24(a1)
    ld      t5, 32(a1)
    ld      t6, 40(a1)
    ld      a4, 48(a1)
    ld      a5, 56(a1)
    sd      t1, 0(a0)
    sd      t2, 8(a0)
    sd      t3, 16(a0)
    sd      t4, 24(a0)
    sd      t5, 32(a0)
    sd      t6, 40(a0)
    sd      a4, 48(a0)
    sd      a5, 56(a0)
    addi    a0, a0, 64
    addi    a1, a1, 64
    addi    a2, a2, -64
.Lblocks:
    bgeu    a2, t0, .Lblock
    li      t0, 8
    j       .Lwords
.Lword:                             /* then 8 bytes a turn */
    ld      t1, 0(a1)
    sd      t1, 0(a0)
    addi    a0, a0, 8
    addi    a1, a1, 8
    addi    a2, a2, -8
.Lwords:
    bgeu    a2, t0, .Lword
    j       .Lbytes
.Lbyte:                             /* and the last few (or all, unaligned) one by one */
    lbu     t1, 0(a1)
    sb      t1, 0(a0)
    addi    a0, a0, 1
    addi    a1, a1, 1
    addi    a2, a2, -1
.Lbytes:
    bnez    a2, .Lbyte
.Ldone:
    li      a0, 0
    ret
uaccess_copy_end:

/* uaccess_fault sends a fault it could not resolve here: a2 bytes were left. */
uaccess_copy_failed:
    mv      a0, a2
    ret
