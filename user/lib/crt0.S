/*
 * crt0.S: where every user program starts (ELF entry point _start).
 *
 * The kernel starts a program with nothing but its stack, laid out as on
 * Linux (the System V ABI for RISC-V), sp 16-byte aligned:
 *
 *     sp + 0                 argc
 *     sp + 8                 argv[0]         pointers to the strings,
 *     ...                                    which lie higher up the stack
 *     sp + 8 + 8*argc        NULL            (argv[argc])
 *     sp + 16 + 8*argc       envp[0] ...     then NULL (an empty environment
 *                                            is just this NULL)
 *
 * _start sets gp, reads argc, argv and envp from there, calls
 * main(argc, argv, envp) and passes main's return value to exit().
 */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    /*
     * gp is the global pointer: the linker turns loads of small globals
     * within 2 KiB of __global_pointer$ into one gp-relative instruction.
     * It must not "relax" this very instruction into one that uses gp.
     */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop

    ld      a0, 0(sp)           /* a0 = argc */
    addi    a1, sp, 8           /* a1 = argv = &argv[0] */
    slli    t0, a0, 3
    add     a2, a1, t0
    addi    a2, a2, 8           /* a2 = envp = &argv[argc + 1] */

    la      t0, environ
    sd      a2, 0(t0)

    /* The outermost frame: a zero return address and frame pointer end a backtrace. */
    li      ra, 0
    li      s0, 0
    call    main

    /* main returned: its value is the exit status. exit() does not return. */
    call    exit
1:  j       1b
    .size _start, . - _start

    .section .bss
    .balign 8
    .globl environ
environ:
    .zero 8
