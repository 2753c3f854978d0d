/*
 * setjmp.h: non-local jumps, for a signal handler that must leave the code
 * it interrupted (a SIGSEGV handler jumping back to a safe place).
 *
 * jmp_buf holds ra, sp, s0..s11 and fs0..fs11; sigsetjmp(env, 1) also
 * keeps the signal mask, which siglongjmp puts back (a handler runs with
 * its signal blocked, and longjmp does not return through rt_sigreturn).
 */
#ifndef SETJMP_H
#define SETJMP_H

typedef struct {
    unsigned long registers[26];
    unsigned long mask_saved;
    unsigned long mask;
} jmp_buf[1];
typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int value);
int sigsetjmp(sigjmp_buf env, int save_mask) __attribute__((returns_twice));
__attribute__((noreturn)) void siglongjmp(sigjmp_buf env, int value);

#endif
