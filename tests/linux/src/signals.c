/*
 * signals: Linux signal delivery as a program sees it.
 *
 * sigaction with SA_SIGINFO (the handler's siginfo: si_signo, si_code,
 * si_pid), raise (tgkill: SI_TKILL), kill to self (SI_USER), a blocked
 * signal that stays pending and is delivered on unblock, a handler's own
 * signal blocked while it runs, SIGCHLD with CLD_EXITED and the child's status, the
 * default action killing a child, sigsuspend, and a handler's return through
 * rt_sigreturn with the registers (and the FP ones) intact.
 *
 * Handlers only record what they saw; main prints it, so the output order
 * does not depend on where a signal happens to land.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "linuxtest.h"

static volatile sig_atomic_t count[65];
static volatile int last_code[65], last_pid_ok[65], last_status[65];
static pid_t me;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count[sig]++;
    last_code[sig] = si->si_code;
    last_pid_ok[sig] = si->si_signo == sig && si->si_pid == (sig == SIGCHLD ? si->si_pid : me);
    if (sig == SIGCHLD)
        last_status[sig] = si->si_status;
}

/*
 * While a handler runs, its own signal is blocked (no SA_NODEFER). Note that
 * sa_mask (other signals blocked during the handler) is not checked here:
 * qemu-riscv64 7.2, the reference, does not apply it, where Linux does.
 */
static volatile int self_blocked = -1;

static void check_mask(int sig, siginfo_t *si, void *uc)
{
    sigset_t cur;
    handler(sig, si, uc);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    self_blocked = sigismember(&cur, sig);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int masked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    default: return "other";
    }
}

int main(void)
{
    lt_init();
    me = getpid();
    install(SIGUSR1, handler, 0);
    install(SIGUSR2, handler, 0);
    install(SIGCHLD, handler, 0);

    /* raise: delivered before raise returns, si_code SI_TKILL. */
    volatile double f = 1.25;
    raise(SIGUSR1);
    printf("raise(SIGUSR1): handled %d time(s), si_code %s, si_signo and si_pid right: %s\n",
           count[SIGUSR1], code_name(last_code[SIGUSR1]), last_pid_ok[SIGUSR1] ? "yes" : "NO");
    CHECK(f * 4 == 5.0, "FP state survived the handler");

    /* kill to self: SI_USER. */
    kill(getpid(), SIGUSR2);
    printf("kill(self, SIGUSR2): handled %d time(s), si_code %s, si_signo and si_pid right: %s\n",
           count[SIGUSR2], code_name(last_code[SIGUSR2]), last_pid_ok[SIGUSR2] ? "yes" : "NO");

    /* Blocked: pending, not delivered, then delivered once on unblock. */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR1), "blocked SIGUSR1 is pending");
    CHECK(count[SIGUSR1] == 1, "and not delivered yet");
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK(count[SIGUSR1] == 2, "delivered once on unblock");
    sigpending(&pend);
    CHECK(!sigismember(&pend, SIGUSR1), "no longer pending");

    /* A handler runs with its own signal blocked, unblocked again after it. */
    install(SIGUSR1, check_mask, 0);
    raise(SIGUSR1);
    CHECK(self_blocked == 1, "SIGUSR1 is blocked inside its own handler");
    sigprocmask(SIG_BLOCK, NULL, &pend);
    CHECK(!sigismember(&pend, SIGUSR1), "and unblocked after it returns");

    /* SIGCHLD with the child's exit status. */
    /* (Blocked until sigsuspend, so it cannot land between the test and the wait.) */
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    int st;
    while (count[SIGCHLD] == 0)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(c, &st, 0);
    printf("SIGCHLD: handled %d time(s), si_code %s, si_status %d\n", count[SIGCHLD],
           code_name(last_code[SIGCHLD]), last_status[SIGCHLD]);

    /* sigsuspend: wait with SIGUSR2 unblocked only while waiting. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    int before = count[SIGUSR2];
    c = fork();
    if (c == 0) {
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGUSR2);
    while (count[SIGUSR2] == before)
        sigsuspend(&wait_mask);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(c, &st, 0);
    CHECK(count[SIGUSR2] == before + 1 && last_code[SIGUSR2] == SI_USER,
          "sigsuspend woke for a child's kill, SI_USER");

    /* Default actions: SIGTERM kills; SIGUSR1 ignored stays so. */
    signal(SIGCHLD, SIG_DFL);
    c = fork();
    if (c == 0) {
        signal(SIGUSR1, SIG_IGN);
        raise(SIGUSR1);
        raise(SIGTERM);
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM's default action killed the child");
    return lt_status();
}
