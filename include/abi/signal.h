/*
 * signal.h: signals as Linux on riscv64 has them: the numbers, the sets,
 * struct sigaction as rt_sigaction takes it, siginfo_t, and the signal
 * frame a handler finds on its stack (docs/signals.md draws it).
 */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

#define SIGHUP    1
#define SIGINT    2 /* Ctrl-C on the console, to the foreground process group */
#define SIGQUIT   3 /* Ctrl-\ */
#define SIGILL    4 /* illegal instruction */
#define SIGTRAP   5 /* breakpoint */
#define SIGABRT   6
#define SIGBUS    7 /* misaligned access */
#define SIGFPE    8
#define SIGKILL   9 /* can be neither caught, nor blocked, nor ignored */
#define SIGUSR1   10
#define SIGSEGV   11 /* bad memory access: page fault */
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17 /* sent to the parent when a child ends; ignored by default */
#define SIGCONT   18 /* continues a stopped process, even when blocked or ignored */
#define SIGSTOP   19 /* stops the process; cannot be caught or blocked */
#define SIGTSTP   20 /* Ctrl-Z: stops, by default */
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define SIGRTMIN  32
#define SIGRTMAX  64
#define NSIG      65 /* signals are 1..64 */

/* sa_handler's two special values. */
#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN ((void (*)(int))1)
#define SIG_ERR ((void (*)(int)) - 1)

/* sa_flags. */
#define SA_NOCLDSTOP 0x00000001u /* no SIGCHLD when a child stops or continues */
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO   0x00000004u /* the handler is sa_sigaction(sig, info, ucontext) */
#define SA_ONSTACK   0x08000000u /* the handler runs on the alternate stack (sigaltstack) */
#define SA_RESTART   0x10000000u /* a call the signal interrupted starts again */
#define SA_NODEFER   0x40000000u /* the signal is not blocked while its handler runs */
#define SA_RESETHAND 0x80000000u /* the action goes back to SIG_DFL once delivered */

/* rt_sigprocmask's `how`. */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* si_code values. */
#define SI_USER       0 /* kill */
#define SI_KERNEL     0x80
#define SI_TKILL      (-6)
#define ILL_ILLOPC    1
#define FPE_INTDIV    1
#define SEGV_MAPERR   1
#define SEGV_ACCERR   2
#define BUS_ADRALN    1
#define TRAP_BRKPT    1
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * The kernel's signal set: one bit a signal, bit (n - 1) for signal n.
 * rt_sigaction and rt_sigprocmask take its size (8) as their last argument.
 */
typedef uint64_t kernel_sigset_t;
#define SIGSET_BIT(signal) (1ull << ((signal)-1))

/* struct sigaction as rt_sigaction reads it on riscv64 (there is no sa_restorer). */
struct kernel_sigaction {
    void *handler; /* SIG_DFL, SIG_IGN, or the function */
    unsigned long flags;
    kernel_sigset_t mask; /* blocked, besides the caller's mask, while the handler runs */
};

union sigval {
    int sival_int;
    void *sival_ptr;
};

/* siginfo_t: 128 bytes; the union starts at 16. */
typedef struct {
    int si_signo;
    int si_errno;
    int si_code;
    int _pad0;
    union {
        struct {
            int si_pid; /* kill, SIGCHLD: who sent it / which child */
            unsigned int si_uid;
            int si_status; /* SIGCHLD: the exit code or the signal */
        };
        void *si_addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP: the address */
        char _pad[128 - 16];
    };
} siginfo_t;

/* sigaltstack's stack, and uc_stack in the frame: where it is, and SS_* flags. */
typedef struct {
    void *ss_sp;
    int ss_flags;
    unsigned long ss_size;
} stack_t;

#define SS_ONSTACK    1          /* (read back) the thread runs on it now */
#define SS_DISABLE    2          /* no alternate stack */
#define SS_AUTODISARM (1u << 31) /* forget it while a handler runs on it */
#define MINSIGSTKSZ   2048       /* riscv64 Linux's: smaller is -ENOMEM */
#define SIGSTKSZ      8192

/* struct user_regs_struct: pc where x0 would be, then x1..x31. */
struct user_regs_struct {
    unsigned long pc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7;
    unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
};

struct __riscv_d_ext_state {
    uint64_t f[32];
    uint32_t fcsr;
};

struct __riscv_q_ext_state {
    uint64_t f[64] __attribute__((aligned(16)));
    uint32_t fcsr;
    uint32_t reserved[3];
};

union __riscv_fp_state {
    struct __riscv_d_ext_state d; /* the one this kernel fills */
    struct __riscv_q_ext_state q; /* here for the size and alignment only */
};

struct sigcontext {
    struct user_regs_struct sc_regs;
    union __riscv_fp_state sc_fpregs;
};

struct ucontext {
    unsigned long uc_flags;
    struct ucontext *uc_link;
    stack_t uc_stack;
    kernel_sigset_t uc_sigmask; /* the mask to restore at rt_sigreturn */
    uint8_t __unused[1024 / 8 - sizeof(kernel_sigset_t)];
    struct sigcontext uc_mcontext;
};

/* What the kernel pushes on the user stack for a handler: sp points at it. */
struct rt_sigframe {
    siginfo_t info;
    struct ucontext uc;
};

/*
 * Where a handler returns to (ra): a page the kernel maps into every
 * program, just above the stack, holding `li a7, 139; ecall`
 * (rt_sigreturn). Linux has it in the vDSO; this kernel has no vDSO.
 */
#define SIGNAL_TRAMPOLINE_ADDRESS 0x3ffffff000ull
#endif

#endif
