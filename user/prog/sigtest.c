/*
 * sigtest CASE: signals, one case per run (usertests runs each in a child
 * and wants exit status 0). docs/signals.md says what each one proves.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(condition) check((condition), #condition, __LINE__)

static void check(bool ok, const char *text, int line)
{
    if (!ok) {
        printf("    # sigtest.c:%d: CHECK failed: %s (errno %d)\n", line, text, errno);
        failures++;
    }
}

static long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec nap = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&nap, &nap) < 0 && errno == EINTR) {
    }
}

static volatile sig_atomic_t caught;
static volatile int caught_signal;
static volatile int caught_code;
static volatile int caught_pid;
static volatile int caught_status;
static void *volatile caught_addr;

static void on_signal(int signal)
{
    caught++;
    caught_signal = signal;
}

static void on_siginfo(int signal, siginfo_t *info, void *context)
{
    (void)context;
    caught++;
    caught_signal = signal;
    caught_code = info->si_code;
    caught_pid = info->si_pid;
    caught_status = info->si_status;
    caught_addr = info->si_addr;
}

static void install(int signal, void (*handler)(int), unsigned long flags)
{
    struct sigaction action = {.sa_handler = handler, .sa_flags = flags};
    CHECK(sigaction(signal, &action, NULL) == 0);
}

static void install_info(int signal, unsigned long flags)
{
    struct sigaction action = {.sa_sigaction = on_siginfo, .sa_flags = SA_SIGINFO | flags};
    CHECK(sigaction(signal, &action, NULL) == 0);
}

/* A child that waits `ms`, then sends `signal` to the parent; returns its pid. */
static pid_t signal_me_later(int signal, long ms)
{
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_ms(ms);
        kill(parent, signal);
        _exit(0);
    }
    return child;
}

/* ---- The cases ---------------------------------------------------------------------- */

static void case_handler(void)
{
    install(SIGUSR1, on_signal, 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(caught == 1 && caught_signal == SIGUSR1);
    install_info(SIGUSR2, 0);
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(caught == 2 && caught_signal == SIGUSR2 && caught_code == SI_USER &&
          caught_pid == getpid());
    /* The old action comes back from sigaction. */
    struct sigaction old;
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_signal);
    /* SIGKILL and SIGSTOP take no handler. */
    CHECK(sigaction(SIGKILL, &old, NULL) < 0 && errno == EINVAL);
    CHECK(sigaction(SIGSTOP, &old, NULL) < 0 && errno == EINVAL);
    /* SIGFPE has no fault to come from on RISC-V, but a handler still gets it. */
    install(SIGFPE, on_signal, 0);
    CHECK(raise(SIGFPE) == 0 && caught_signal == SIGFPE);
}

static void case_mask(void)
{
    install(SIGUSR1, on_signal, 0);
    sigset_t set;
    sigset_t old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL); /* silently not blocked */
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    raise(SIGUSR1);
    CHECK(caught == 0);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1);
    sigset_t now;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && sigismember(&now, SIGUSR1) == 1 &&
          sigismember(&now, SIGKILL) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
    CHECK(caught == 1); /* delivered as the unblocking call returned */
    /* Inside a handler its own signal is blocked, unless SA_NODEFER. */
    static volatile int nested;
    caught = 0;
    install(SIGUSR2, on_signal, SA_NODEFER);
    CHECK(raise(SIGUSR2) == 0 && caught == 1);
    (void)nested;
    /* SA_RESETHAND: the second one takes the default action (death), in a child. */
    pid_t child = fork();
    if (child == 0) {
        install(SIGUSR1, on_signal, SA_RESETHAND);
        raise(SIGUSR1);
        raise(SIGUSR1);
        _exit(caught == 1 ? 0 : 3);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGUSR1);
}

static volatile int blocked_inside;

static void check_mask_inside(int signal)
{
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside = sigismember(&now, signal) + 2 * sigismember(&now, SIGUSR2);
}

static void case_handler_mask(void)
{
    struct sigaction action = {.sa_handler = check_mask_inside};
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK(blocked_inside == 3); /* its own signal and sa_mask's */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(now == 0); /* rt_sigreturn put the mask back */
    action.sa_flags = SA_NODEFER;
    sigemptyset(&action.sa_mask);
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK(blocked_inside == 0);
}

static void case_default_actions(void)
{
    int expected[] = {SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGABRT};
    for (unsigned i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        pid_t child = fork();
        if (child == 0) {
            raise(expected[i]);
            _exit(0);
        }
        int status = 0;
        CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
              WTERMSIG(status) == expected[i]);
    }
    /* SIGCHLD, SIGWINCH, SIGURG, SIGCONT: ignored by default; SIG_IGN ignores anything. */
    pid_t child = fork();
    if (child == 0) {
        raise(SIGCHLD);
        raise(SIGWINCH);
        raise(SIGCONT);
        signal(SIGTERM, SIG_IGN);
        raise(SIGTERM);
        _exit(9);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 9);
}

static void case_sigchld(void)
{
    install_info(SIGCHLD, SA_RESTART);
    sigset_t block;
    sigset_t empty;
    sigemptyset(&block);
    sigemptyset(&empty);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t child = fork();
    if (child == 0)
        _exit(42);
    /* Blocked until sigsuspend opens the mask, so the SIGCHLD cannot slip by. */
    CHECK(sigsuspend(&empty) < 0 && errno == EINTR);
    CHECK(caught == 1 && caught_signal == SIGCHLD && caught_pid == child &&
          caught_code == CLD_EXITED && caught_status == 42);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WEXITSTATUS(status) == 42);
}

static void case_eintr(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    char byte;
    /* A handler without SA_RESTART: the read ends with EINTR. */
    install(SIGUSR1, on_signal, 0);
    pid_t child = signal_me_later(SIGUSR1, 50);
    CHECK(read(fds[0], &byte, 1) < 0 && errno == EINTR && caught == 1);
    waitpid(child, NULL, 0);
    /* wait4 too. */
    caught = 0;
    pid_t sleeper = fork();
    if (sleeper == 0) {
        sleep_ms(400);
        _exit(0);
    }
    child = signal_me_later(SIGUSR1, 50);
    CHECK(waitpid(sleeper, NULL, 0) < 0 && errno == EINTR && caught == 1);
    waitpid(child, NULL, 0);
    waitpid(sleeper, NULL, 0);
    /* nanosleep: EINTR and what was left, even under SA_RESTART, as on Linux. */
    caught = 0;
    install(SIGUSR1, on_signal, SA_RESTART);
    child = signal_me_later(SIGUSR1, 50);
    struct timespec request = {5, 0};
    struct timespec left = {0, 0};
    long start = now_ms();
    CHECK(nanosleep(&request, &left) < 0 && errno == EINTR && caught == 1);
    CHECK(now_ms() - start < 2000 && left.tv_sec >= 3 && left.tv_sec <= 5);
    waitpid(child, NULL, 0);
    close(fds[0]);
    close(fds[1]);
}

static void case_restart(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    install(SIGUSR1, on_signal, SA_RESTART);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        sleep_ms(50);
        kill(parent, SIGUSR1);
        sleep_ms(50);
        write(fds[1], "x", 1);
        _exit(0);
    }
    char byte = 0;
    /* The handler runs in the middle, and the read goes on to get the byte. */
    CHECK(read(fds[0], &byte, 1) == 1 && byte == 'x' && caught == 1);
    waitpid(child, NULL, 0);
    /* An ignored signal neither interrupts nor kills. */
    signal(SIGUSR2, SIG_IGN);
    child = fork();
    if (child == 0) {
        sleep_ms(30);
        kill(parent, SIGUSR2);
        sleep_ms(30);
        write(fds[1], "y", 1);
        _exit(0);
    }
    CHECK(read(fds[0], &byte, 1) == 1 && byte == 'y');
    waitpid(child, NULL, 0);
}

/* A child blocked in the kernel dies of SIGKILL at once, wherever it waits. */
static void kill_blocked(const char *where, void (*block)(void))
{
    pid_t child = fork();
    if (child == 0) {
        block();
        _exit(0);
    }
    sleep_ms(50); /* let it block */
    long start = now_ms();
    CHECK(kill(child, SIGKILL) == 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    long took = now_ms() - start;
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) || took > 500) {
        printf("    # blocked in %s: status 0x%x after %ld ms\n", where, status, took);
        failures++;
    }
}

static void block_in_nanosleep(void)
{
    struct timespec long_time = {100, 0};
    nanosleep(&long_time, NULL);
}

static void block_in_pipe_read(void)
{
    int fds[2];
    char byte;
    pipe(fds);
    read(fds[0], &byte, 1);
}

static void block_in_pipe_write(void)
{
    int fds[2];
    static char big[8192];
    pipe(fds);
    for (;;)
        write(fds[1], big, sizeof(big));
}

static void block_in_console_read(void)
{
    char byte;
    read(0, &byte, 1);
}

static void block_in_wait4(void)
{
    pid_t grandchild = fork();
    if (grandchild == 0) {
        block_in_nanosleep();
        _exit(0);
    }
    waitpid(grandchild, NULL, 0);
}

static void block_in_sigsuspend(void)
{
    sigset_t empty;
    sigemptyset(&empty);
    sigsuspend(&empty);
}

static void case_kill_blocked(void)
{
    kill_blocked("nanosleep", block_in_nanosleep);
    kill_blocked("a pipe read", block_in_pipe_read);
    kill_blocked("a pipe write", block_in_pipe_write);
    kill_blocked("a console read", block_in_console_read);
    kill_blocked("wait4", block_in_wait4);
    kill_blocked("sigsuspend", block_in_sigsuspend);
    /* SIGTERM's default too. */
    pid_t child = fork();
    if (child == 0) {
        block_in_pipe_read();
        _exit(0);
    }
    sleep_ms(30);
    kill(child, SIGTERM);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGTERM);
}

static void case_init_survives(void)
{
    /* init ignores what it has no handler for, SIGKILL included; kill still says 0, as Linux. */
    CHECK(kill(1, SIGKILL) == 0);
    CHECK(kill(1, SIGTERM) == 0);
    /* A pid is a pid_t: 0x100000001 is pid 1, which the rule above protects. */
    long raw = syscall2(SYS_kill, 0x100000001L, SIGTERM);
    CHECK(raw == 0);
    raw = syscall2(SYS_kill, 0x100000000L + 99999, SIGTERM);
    CHECK(raw == -ESRCH);
    sleep_ms(20);
    CHECK(kill(1, 0) == 0); /* still there (and if not, the machine is off) */
}

static void case_nanosleep_limits(void)
{
    struct timespec bad[] = {{0, -1}, {0, 1000000000}, {-1, 0}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(nanosleep(&bad[i], NULL) < 0 && errno == EINVAL);
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad[0], NULL) == EINVAL);
    CHECK(clock_nanosleep(99, 0, &bad[0], NULL) == EINVAL);
    /* Too long to count: it must sleep (for ever), not wrap to 0.29 s. */
    pid_t child = fork();
    if (child == 0) {
        struct timespec huge = {(long)18446744074L, 0};
        nanosleep(&huge, NULL);
        _exit(7);
    }
    pid_t child2 = fork();
    if (child2 == 0) {
        struct timespec huge = {0x7fffffffffffffffL, 999999999};
        clock_nanosleep(CLOCK_MONOTONIC, 0, &huge, NULL);
        _exit(7);
    }
    sleep_ms(1500); /* five times the 0.29 s that the wrapped request used to sleep */
    int status = 0;
    CHECK(waitpid(child, &status, WNOHANG) == 0);
    CHECK(waitpid(child2, &status, WNOHANG) == 0);
    kill(child, SIGKILL);
    kill(child2, SIGKILL);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status));
    CHECK(waitpid(child2, &status, 0) == child2 && WIFSIGNALED(status));
    /* An absolute sleep until a time gone already returns at once. */
    struct timespec past = {0, 1};
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 20000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    long start = now_ms();
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL) == 0);
    CHECK(now_ms() - start >= 10);
}

/* ---- Faults caught by handlers -------------------------------------------------------- */

static sigjmp_buf escape;

static void jump_out(int signal, siginfo_t *info, void *context)
{
    (void)context;
    caught_signal = signal;
    caught_addr = info->si_addr;
    caught_code = info->si_code;
    siglongjmp(escape, 1);
}

/* Skip the faulting instruction (4 bytes: the tests build it without compression). */
static void skip_it(int signal, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    caught++;
    caught_signal = signal;
    caught_addr = info->si_addr;
    uc->uc_mcontext.sc_regs.pc += 4;
}

static void case_segv_longjmp(void)
{
    struct sigaction action = {.sa_sigaction = jump_out, .sa_flags = SA_SIGINFO};
    CHECK(sigaction(SIGSEGV, &action, NULL) == 0);
    for (int round = 0; round < 3; round++) {
        volatile int *bad = (volatile int *)(uintptr_t)(0x10 + round * 8);
        if (sigsetjmp(escape, 1) == 0) {
            (void)*bad;
            CHECK(!"the load of a bad address went through");
        } else {
            CHECK(caught_signal == SIGSEGV && caught_addr == (void *)bad &&
                  caught_code == SEGV_MAPERR);
        }
    }
    /* siglongjmp put the mask back: SIGSEGV is not blocked after the jump. */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(sigismember(&now, SIGSEGV) == 0);
}

static void case_segv_fixup(void)
{
    struct sigaction action = {.sa_sigaction = skip_it, .sa_flags = SA_SIGINFO};
    CHECK(sigaction(SIGSEGV, &action, NULL) == 0);
    long value = 5;
    asm volatile(".option push\n.option norvc\n"
                 "sd %1, 0(%2)\n"
                 ".option pop\n"
                 : "+r"(value)
                 : "r"(value), "r"(0x8)
                 : "memory");
    CHECK(caught == 1 && caught_addr == (void *)0x8);
    CHECK(sigaction(SIGILL, &action, NULL) == 0);
    asm volatile(".option push\n.option norvc\n"
                 ".word 0xc0001073\n" /* unimp: csrrw zero, cycle, zero */
                 ".option pop\n");
    CHECK(caught == 2 && caught_signal == SIGILL);
    CHECK(sigaction(SIGTRAP, &action, NULL) == 0);
    asm volatile(".option push\n.option norvc\n"
                 "ebreak\n"
                 ".option pop\n");
    CHECK(caught == 3 && caught_signal == SIGTRAP);
    /* A fault signal that is blocked is still fatal (Linux forces it). */
    pid_t child = fork();
    if (child == 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        *(volatile int *)0 = 1;
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGSEGV);
}

/* ---- Groups, sessions, and other harts --------------------------------------------------- */

static void case_groups(void)
{
    CHECK(getpgrp() == getpgid(0));
    CHECK(getsid(0) > 0);
    install(SIGUSR1, on_signal, 0);
    pid_t me = getpid();
    /* A child in a group of its own: kill(-group) reaches it, kill(0) from it reaches only it. */
    int fds[2];
    pipe(fds);
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        signal(SIGUSR2, SIG_IGN);
        write(fds[1], "r", 1);
        struct timespec forever = {100, 0};
        while (caught == 0)
            nanosleep(&forever, NULL);
        kill(0, SIGUSR2); /* its own group: only itself, and it ignores it */
        _exit(caught == 1 && getpgrp() == getpid() ? 5 : 6);
    }
    setpgid(child, child); /* both sides set it, as a shell does: no race */
    char byte;
    read(fds[0], &byte, 1);
    CHECK(getpgid(child) == child);
    CHECK(kill(-child, SIGUSR1) == 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 5);
    CHECK(kill(-child, SIGUSR1) < 0 && errno == ESRCH);
    CHECK(caught == 0 && getpid() == me);
    /* setsid: a new session and group, not for a group leader. */
    child = fork();
    if (child == 0) {
        pid_t session = setsid();
        bool ok = session == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        ok = ok && setsid() < 0 && errno == EPERM;
        _exit(ok ? 0 : 1);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(setpgid(99999, 0) < 0 && errno == ESRCH);
    /* kill(0, 0) asks about the caller's own group, kill(-1, 0) about everyone it may signal. */
    CHECK(kill(0, 0) == 0);
    pid_t other = fork();
    if (other == 0) {
        block_in_nanosleep();
        _exit(0);
    }
    CHECK(kill(-1, 0) == 0); /* (with no one else but init, it is ESRCH, as on Linux) */
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    CHECK(setpgid(0, -1) < 0 && errno == EINVAL);
}

static void spin_until_caught(int signal)
{
    (void)signal;
    caught = 1;
}

static void case_other_hart(void)
{
    /*
     * Children spinning in user mode (on other harts, with SMP) get a kill at their next trap.
     * The handler is set before fork, so the child has it from its first instruction: set in
     * the child, a busy host could let the kill arrive first, and SIGUSR1's default ends it.
     */
    signal(SIGUSR1, spin_until_caught);
    for (int round = 0; round < 3; round++) {
        pid_t child = fork();
        if (child == 0) {
            while (caught == 0) {
            }
            _exit(7);
        }
        sleep_ms(20);
        long start = now_ms();
        CHECK(kill(child, SIGUSR1) == 0);
        int status = 0;
        CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 7);
        CHECK(now_ms() - start < 2000);
    }
    signal(SIGUSR1, SIG_DFL);
    pid_t child = fork();
    if (child == 0) {
        for (;;) {
        }
    }
    sleep_ms(20);
    CHECK(kill(child, SIGKILL) == 0);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGKILL);
}

/* ---- Stop and continue -------------------------------------------------------------------- */

/* A child that writes one byte to `fd` every 10 ms until it is killed. */
static pid_t ticker(int fd)
{
    pid_t child = fork();
    if (child == 0) {
        for (;;) {
            write(fd, "t", 1);
            sleep_ms(10);
        }
    }
    return child;
}

/* Bytes waiting in a non-blocking pipe, read away. */
static int drain(int fd)
{
    char buffer[64];
    int total = 0;
    int got;
    while ((got = (int)read(fd, buffer, sizeof(buffer))) > 0)
        total += got;
    return total;
}

static void case_stop_continue(void)
{
    int fds[2];
    CHECK(pipe2(fds, O_NONBLOCK) == 0);
    install_info(SIGCHLD, SA_RESTART);
    pid_t child = ticker(fds[1]);
    sleep_ms(50);
    CHECK(kill(child, SIGSTOP) == 0);
    int status = 0;
    /* Without WUNTRACED a stop is not reported: WNOHANG finds nothing. */
    CHECK(waitpid(child, &status, WNOHANG) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child);
    CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP && !WIFEXITED(status) &&
          !WIFSIGNALED(status) && status == 0x137f);
    CHECK(caught >= 1 && caught_signal == SIGCHLD && caught_code == CLD_STOPPED &&
          caught_pid == child && caught_status == SIGSTOP);
    /* Reported once. */
    CHECK(waitpid(child, &status, WUNTRACED | WNOHANG) == 0);
    /* Stopped: it writes nothing. */
    drain(fds[0]);
    sleep_ms(150);
    int while_stopped = drain(fds[0]);
    CHECK(while_stopped == 0);
    caught = 0;
    CHECK(kill(child, SIGCONT) == 0);
    CHECK(waitpid(child, &status, WCONTINUED) == child && WIFCONTINUED(status) &&
          status == 0xffff && !WIFSTOPPED(status) && !WIFSIGNALED(status));
    CHECK(caught >= 1 && caught_code == CLD_CONTINUED && caught_status == SIGCONT);
    sleep_ms(100);
    CHECK(drain(fds[0]) > 0); /* it runs again */
    /* SA_NOCLDSTOP: the parent is not told by SIGCHLD, but wait4 still sees it. */
    install_info(SIGCHLD, SA_RESTART | SA_NOCLDSTOP);
    caught = 0;
    CHECK(kill(child, SIGTSTP) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status) &&
          WSTOPSIG(status) == SIGTSTP);
    CHECK(caught == 0);
    kill(child, SIGKILL);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGKILL);
    close(fds[0]);
    close(fds[1]);
}

/* In one process: a stop signal and SIGCONT each discard the other while pending. */
static void case_stop_cancels_continue(void)
{
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGTSTP);
    sigaddset(&both, SIGCONT);
    sigprocmask(SIG_BLOCK, &both, NULL);
    install(SIGCONT, on_signal, 0);
    sigset_t pending;
    raise(SIGCONT);
    raise(SIGTSTP);
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGTSTP) == 1 && sigismember(&pending, SIGCONT) == 0);
    raise(SIGCONT);
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGTSTP) == 0 && sigismember(&pending, SIGCONT) == 1);
    /* Unblocked: SIGCONT's handler runs, and no stop is left to stop this process. */
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    CHECK(caught == 1 && caught_signal == SIGCONT);
    /* A stop signal with a handler does not stop; SIG_IGN'd, it is dropped. */
    install(SIGTSTP, on_signal, 0);
    raise(SIGTSTP);
    CHECK(caught == 2 && caught_signal == SIGTSTP);
    signal(SIGTTOU, SIG_IGN);
    raise(SIGTTOU);
    CHECK(caught == 2);
}

/* Stop a child, see the stop, keep it stopped for `ms`, continue it, and return its status. */
static int stop_for(pid_t child, long ms)
{
    int status = 0;
    CHECK(kill(child, SIGSTOP) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    sleep_ms(ms);
    CHECK(waitpid(child, &status, WNOHANG) == 0); /* still there, still stopped */
    CHECK(kill(child, SIGCONT) == 0);
    CHECK(waitpid(child, &status, 0) == child);
    return status;
}

static void case_stop_blocked(void)
{
    /* nanosleep: a stop pauses it; after SIGCONT it sleeps what was left and returns 0. */
    pid_t child = fork();
    if (child == 0) {
        long start = now_ms();
        struct timespec nap = {0, 300 * 1000000};
        int result = nanosleep(&nap, NULL);
        long took = now_ms() - start;
        _exit(result == 0 && took >= 300 ? 0 : result != 0 ? 10 + errno : 99);
    }
    sleep_ms(50);
    int status = stop_for(child, 100);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("    # nanosleep: status 0x%x\n", status);

    /* A pipe read: stopped, it does not take the byte; continued, the read restarts and does. */
    int fds[2];
    int replies[2];
    CHECK(pipe(fds) == 0 && pipe2(replies, O_NONBLOCK) == 0);
    child = fork();
    if (child == 0) {
        char byte = 0;
        ssize_t got = read(fds[0], &byte, 1);
        write(replies[1], &byte, 1);
        _exit(got == 1 && byte == 'r' ? 0 : got < 0 ? 10 + errno : 99);
    }
    sleep_ms(50);
    CHECK(kill(child, SIGSTOP) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    write(fds[1], "r", 1);
    sleep_ms(100);
    char reply = 0;
    CHECK(read(replies[0], &reply, 1) < 0 && errno == EAGAIN); /* stopped: no answer */
    CHECK(kill(child, SIGCONT) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(read(replies[0], &reply, 1) == 1 && reply == 'r');

    /* wait4: a stop and a continue do not end it with EINTR. */
    child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            sleep_ms(250);
            _exit(7);
        }
        int inner = 0;
        pid_t got = waitpid(grandchild, &inner, 0);
        _exit(got == grandchild && WEXITSTATUS(inner) == 7 ? 0 : got < 0 ? 10 + errno : 99);
    }
    sleep_ms(50);
    status = stop_for(child, 50);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fds[0]);
    close(fds[1]);
    close(replies[0]);
    close(replies[1]);
}

static void case_kill_stopped(void)
{
    int status = 0;
    /* SIGKILL ends a stopped process at once. */
    pid_t child = fork();
    if (child == 0) {
        block_in_pipe_read();
        _exit(0);
    }
    sleep_ms(30);
    CHECK(kill(child, SIGSTOP) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    long start = now_ms();
    CHECK(kill(child, SIGKILL) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGKILL);
    CHECK(now_ms() - start < 500);
    /* SIGTERM waits while it is stopped, and kills it once it is continued. */
    child = fork();
    if (child == 0) {
        block_in_pipe_read();
        _exit(0);
    }
    sleep_ms(30);
    CHECK(kill(child, SIGSTOP) == 0);
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    CHECK(kill(child, SIGTERM) == 0);
    sleep_ms(100);
    CHECK(waitpid(child, &status, WNOHANG) == 0); /* stopped, not dead */
    CHECK(kill(child, SIGCONT) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGTERM);
}

/* ---- The alternate signal stack --------------------------------------------------------- */

static char alternate[3 * MINSIGSTKSZ] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile int handler_stack_flags;
static volatile int handler_change_result;
static volatile int handler_change_errno;
static stack_t handler_uc_stack;

static void on_stack_handler(int signal, siginfo_t *info, void *context)
{
    (void)info;
    ucontext_t *uc = context;
    int local = signal;
    handler_sp = (uintptr_t)&local;
    handler_uc_stack = uc->uc_stack;
    stack_t now;
    sigaltstack(NULL, &now);
    handler_stack_flags = now.ss_flags;
    stack_t other = {.ss_sp = alternate, .ss_size = sizeof(alternate)};
    handler_change_result = sigaltstack(&other, NULL);
    handler_change_errno = errno;
    caught++;
}

static bool on_alternate(uintptr_t address)
{
    return address >= (uintptr_t)alternate && address < (uintptr_t)alternate + sizeof(alternate);
}

static void case_altstack(void)
{
    stack_t old;
    /* None at first. */
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE && old.ss_size == 0);
    /* Refusals: a bad pointer either way, a stack too small, unknown flags. */
    CHECK(sigaltstack((stack_t *)8, NULL) < 0 && errno == EFAULT);
    CHECK(sigaltstack(NULL, (stack_t *)8) < 0 && errno == EFAULT);
    stack_t small = {.ss_sp = alternate, .ss_size = MINSIGSTKSZ - 1};
    CHECK(sigaltstack(&small, NULL) < 0 && errno == ENOMEM);
    stack_t odd = {.ss_sp = alternate, .ss_size = sizeof(alternate), .ss_flags = 4};
    CHECK(sigaltstack(&odd, NULL) < 0 && errno == EINVAL);
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
    /* Set it, read it back. */
    stack_t stack = {.ss_sp = alternate, .ss_size = sizeof(alternate)};
    CHECK(sigaltstack(&stack, NULL) == 0);
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alternate &&
          old.ss_size == sizeof(alternate) && old.ss_flags == 0);
    /* An SA_ONSTACK handler runs on it, sees SS_ONSTACK, may not change it, finds it in uc_stack.
     */
    struct sigaction action = {.sa_sigaction = on_stack_handler,
                               .sa_flags = SA_SIGINFO | SA_ONSTACK};
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK(caught == 1 && on_alternate(handler_sp));
    CHECK(handler_stack_flags == SS_ONSTACK);
    CHECK(handler_change_result < 0 && handler_change_errno == EPERM);
    CHECK(handler_uc_stack.ss_sp == alternate && handler_uc_stack.ss_size == sizeof(alternate) &&
          handler_uc_stack.ss_flags == 0);
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == 0); /* back on the ordinary stack */
    /* Without SA_ONSTACK, the ordinary stack. */
    action.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK(caught == 2 && !on_alternate(handler_sp) && handler_stack_flags == 0);
    CHECK(handler_change_result == 0); /* not on it: a change is allowed */
    /* SS_DISABLE turns it off: SA_ONSTACK then uses the ordinary stack. */
    stack_t off = {.ss_flags = SS_DISABLE};
    CHECK(sigaltstack(&off, &old) == 0 && old.ss_sp == alternate);
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    raise(SIGUSR1);
    CHECK(caught == 3 && !on_alternate(handler_sp) && handler_uc_stack.ss_flags == SS_DISABLE);
    /* A fork's child keeps it. */
    CHECK(sigaltstack(&stack, NULL) == 0);
    pid_t child = fork();
    if (child == 0) {
        stack_t inherited;
        sigaltstack(NULL, &inherited);
        _exit(inherited.ss_sp == alternate && inherited.ss_size == sizeof(alternate) ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static volatile int depth;

/* Recursion without end: each call keeps 1 KiB of stack. */
static int __attribute__((noinline)) recurse(int n)
{
    volatile char room[1024];
    room[0] = (char)n;
    if (++depth > (1 << 30))
        return room[0]; /* never: the stack ends long before */
    return recurse(n + 1) + room[0];
}

static void overflow_handler(int signal, siginfo_t *info, void *context)
{
    (void)info;
    (void)context;
    int local = 0;
    /* Exit 42 if this runs on the alternate stack, as it must: the ordinary one is full. */
    _exit(signal == SIGSEGV && on_alternate((uintptr_t)&local) ? 42 : 43);
}

/* The classic: a stack overflow caught by a SIGSEGV handler on the alternate stack. */
static void case_altstack_overflow(void)
{
    int status = 0;
    pid_t child = fork();
    if (child == 0) {
        stack_t stack = {.ss_sp = alternate, .ss_size = sizeof(alternate)};
        sigaltstack(&stack, NULL);
        struct sigaction action = {.sa_sigaction = overflow_handler,
                                   .sa_flags = SA_SIGINFO | SA_ONSTACK};
        sigaction(SIGSEGV, &action, NULL);
        recurse(0);
        _exit(1);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 42);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
        printf("    # with an alternate stack: status 0x%x\n", status);
    /* Without one, there is nowhere to run the handler: the process dies of SIGSEGV. */
    child = fork();
    if (child == 0) {
        struct sigaction action = {.sa_sigaction = overflow_handler,
                                   .sa_flags = SA_SIGINFO | SA_ONSTACK};
        sigaction(SIGSEGV, &action, NULL);
        recurse(0);
        _exit(1);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
          WTERMSIG(status) == SIGSEGV);
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"handler", case_handler},
    {"mask", case_mask},
    {"handler_mask", case_handler_mask},
    {"defaults", case_default_actions},
    {"sigchld", case_sigchld},
    {"eintr", case_eintr},
    {"restart", case_restart},
    {"kill_blocked", case_kill_blocked},
    {"init_survives", case_init_survives},
    {"nanosleep_limits", case_nanosleep_limits},
    {"segv_longjmp", case_segv_longjmp},
    {"fault_fixup", case_segv_fixup},
    {"groups", case_groups},
    {"other_hart", case_other_hart},
    {"stop_continue", case_stop_continue},
    {"stop_cancels_continue", case_stop_cancels_continue},
    {"stop_blocked", case_stop_blocked},
    {"kill_stopped", case_kill_stopped},
    {"altstack", case_altstack},
    {"altstack_overflow", case_altstack_overflow},
};

int main(int argc, char **argv)
{
    for (unsigned i = 0; argc == 2 && i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run();
            return failures > 255 ? 255 : failures;
        }
    }
    printf("usage: sigtest CASE; the cases:");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        printf(" %s", cases[i].name);
    printf("\n");
    return 2;
}
