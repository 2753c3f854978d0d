/*
 * stopcont: stopping and continuing a process, and the alternate signal
 * stack, as a Linux program sees them.
 *
 * A child stopped by SIGSTOP: wait4 with WUNTRACED sees
 * WIFSTOPPED and the signal, once; WCONTINUED sees WIFCONTINUED after
 * SIGCONT; the parent's SIGCHLD says CLD_STOPPED and CLD_CONTINUED; a pending stop and a pending
 * SIGCONT cancel each other; SIGKILL ends a stopped child; a nanosleep that is stopped and
 * continued still sleeps its time and returns 0. Then sigaltstack: its
 * errors, an SA_ONSTACK handler on the stack with SS_ONSTACK and EPERM, and
 * a stack overflow caught by a SIGSEGV handler on the alternate stack.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "linuxtest.h"

static volatile int chld_count, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_count++;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void nap_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) < 0 && errno == EINTR) {
    }
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *code_name(int code)
{
    return code == CLD_STOPPED     ? "CLD_STOPPED"
           : code == CLD_CONTINUED ? "CLD_CONTINUED"
           : code == CLD_EXITED    ? "CLD_EXITED"
           : code == CLD_KILLED    ? "CLD_KILLED"
                                   : "other";
}

static pid_t spinner(void)
{
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            nap_ms(5);
    }
    return c;
}

static char alt[4 * 8192] __attribute__((aligned(16)));
static volatile int on_alt, saw_onstack, change_errno, uc_flags;

static int in_alt(const void *p)
{
    return (uintptr_t)p >= (uintptr_t)alt && (uintptr_t)p < (uintptr_t)alt + sizeof(alt);
}

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    int local;
    on_alt = in_alt(&local);
    stack_t now;
    sigaltstack(NULL, &now);
    saw_onstack = (now.ss_flags & SS_ONSTACK) != 0;
    stack_t other = {.ss_sp = alt, .ss_size = sizeof(alt)};
    change_errno = sigaltstack(&other, NULL) < 0 ? errno : 0;
    uc_flags = uc->uc_stack.ss_flags;
}

static volatile int depth;

static int __attribute__((noinline)) deeper(int n)
{
    volatile char room[1024];
    room[0] = (char)n;
    if (++depth > (1 << 30))
        return room[0];
    return deeper(n + 1) + room[0];
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    int local;
    _exit(sig == SIGSEGV && in_alt(&local) ? 42 : 43);
}

int main(void)
{
    lt_init();
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    int st = 0;
    pid_t c = spinner();
    kill(c, SIGSTOP);
    CHECK(waitpid(c, &st, WUNTRACED) == c, "waitpid WUNTRACED returns the stopped child");
    printf("status: WIFSTOPPED %d WSTOPSIG %d raw 0x%x\n", WIFSTOPPED(st), WSTOPSIG(st), st);
    CHECK(waitpid(c, &st, WUNTRACED | WNOHANG) == 0, "the stop is reported once");
    nap_ms(50);
    printf("SIGCHLD for the stop: %s, si_status %d\n", code_name(chld_code), chld_status);
    kill(c, SIGCONT);
    CHECK(waitpid(c, &st, WCONTINUED) == c, "waitpid WCONTINUED returns the continued child");
    printf("status: WIFCONTINUED %d raw 0x%x\n", WIFCONTINUED(st), st);
    nap_ms(50);
    printf("SIGCHLD for the continue: %s, si_status %d\n", code_name(chld_code), chld_status);

    /* (SA_NOCLDSTOP is left to sigtest: qemu-user still passes the SIGCHLD on.) */
    kill(c, SIGKILL);
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "SIGKILL ends a stopped child");

    /* A stopped and continued nanosleep sleeps on and returns 0. */
    c = fork();
    if (c == 0) {
        long start = now_ms();
        struct timespec t = {0, 300 * 1000000L};
        int r = nanosleep(&t, NULL);
        _exit(r == 0 && now_ms() - start >= 300 ? 0 : 1);
    }
    nap_ms(50);
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    nap_ms(100);
    kill(c, SIGCONT);
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "nanosleep goes on after a stop and SIGCONT");

    /* A pending stop and a pending SIGCONT cancel each other. */
    sigset_t both, pend;
    sigemptyset(&both);
    sigaddset(&both, SIGTSTP);
    sigaddset(&both, SIGCONT);
    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGCONT);
    raise(SIGTSTP);
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGTSTP) && !sigismember(&pend, SIGCONT),
          "SIGTSTP discards a pending SIGCONT");
    raise(SIGCONT);
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGTSTP) && sigismember(&pend, SIGCONT),
          "SIGCONT discards a pending SIGTSTP");
    sigprocmask(SIG_UNBLOCK, &both, NULL);

    /* sigaltstack. */
    stack_t old;
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE,
          "no alternate stack at first");
    errno = 0;
    CHECK(sigaltstack((stack_t *)8, NULL) < 0 && errno == EFAULT, "a bad pointer: EFAULT");
    stack_t small = {.ss_sp = alt, .ss_size = MINSIGSTKSZ - 1};
    CHECK(sigaltstack(&small, NULL) < 0 && errno == ENOMEM, "below MINSIGSTKSZ: ENOMEM");
    stack_t odd = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 4};
    CHECK(sigaltstack(&odd, NULL) < 0 && errno == EINVAL, "unknown flags: EINVAL");
    stack_t s = {.ss_sp = alt, .ss_size = sizeof(alt)};
    CHECK(sigaltstack(&s, NULL) == 0, "set");
    struct sigaction su = {0};
    su.sa_sigaction = on_usr1;
    su.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &su, NULL);
    raise(SIGUSR1);
    CHECK(on_alt, "an SA_ONSTACK handler runs on it");
    CHECK(saw_onstack, "and sigaltstack says SS_ONSTACK there");
    printf("changing it while on it: %s\n", strerror(change_errno));
    printf("uc_stack.ss_flags in the frame: %d\n", uc_flags);

    c = fork();
    if (c == 0) {
        struct sigaction sv = {0};
        sv.sa_sigaction = on_segv;
        sv.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaction(SIGSEGV, &sv, NULL);
        deeper(0);
        _exit(1);
    }
    waitpid(c, &st, 0);
    printf("stack overflow with a handler on the alternate stack: exit %d\n",
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return lt_status();
}
