/*
 * sigsetjmp.c: sigsetjmp and siglongjmp: setjmp and longjmp that also keep
 * and restore the signal mask (user/include/setjmp.h). sigsetjmp itself
 * is in setjmp.S: it must not return before setjmp has saved the caller's
 * registers.
 */
#include <setjmp.h>
#include <signal.h>

void siglongjmp(sigjmp_buf env, int value)
{
    if (env->mask_saved)
        sigprocmask(SIG_SETMASK, &env->mask, NULL);
    longjmp(env, value);
}
