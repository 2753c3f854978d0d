/*
 * setjmp.h: save a point in the program and jump back to it later.
 *
 * setjmp saves the callee-saved registers (s0..s11), ra and sp: exactly what
 * the calling convention says survives a call. longjmp restores them, so
 * setjmp seems to return a second time, with a nonzero value. The in-kernel
 * test framework uses this to end a case from deep inside a failed ASSERT.
 */
#ifndef KTEST_SETJMP_H
#define KTEST_SETJMP_H

#include "arch/callee_saved.h"

typedef unsigned long jmp_buf[CALLEE_SAVED_COUNT];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int value);

#endif
