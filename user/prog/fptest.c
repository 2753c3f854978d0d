/*
 * fptest: floating-point registers belong to their thread (docs/threads.md).
 *
 *   fptest hold SEED ROUNDS   fill f0..f31 and fcsr from SEED, give the hart
 *                             away ROUNDS times (sched_yield and nanosleep),
 *                             and check every register is still there
 *   fptest pair               two holders at once, with different seeds,
 *                             plus a third that execs "fptest fresh"
 *   fptest fresh              exec'd with FP registers full: the new program
 *                             must find them all zero
 *   fptest signal             a handler that scribbles on every FP register
 *                             must leave the interrupted code's intact
 *   fptest fork               a child starts with its parent's FP registers
 *
 * Exit status 0 if every register held, 1 otherwise. On a kernel that
 * shares one set of FP registers between processes, `pair` fails.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FP_CLOBBERS                                                                                \
    "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", \
        "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", \
        "f28", "f29", "f30", "f31"

#define IRP_32                                                                                     \
    "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

struct fp_image {
    uint64_t f[32];
    uint64_t fcsr;
};

static void pattern(struct fp_image *image, uint64_t seed)
{
    for (int i = 0; i < 32; i++)
        image->f[i] = seed * 0x9e3779b97f4a7c15ull + (uint64_t)i * 0x0101010101010101ull;
    image->fcsr = (seed * 7) & 0xff; /* frm (3 bits) and fflags (5) */
}

/* Load `in`, then make `rounds` calls of `number` with a0 = arg0, a1 = 0, then store to `out`. */
static void hold(const struct fp_image *in, struct fp_image *out, long number, long arg0,
                 int rounds)
{
    asm volatile(".irp n," IRP_32 "\n"
                 "fld f\\n, \\n*8(%[in])\n"
                 ".endr\n"
                 "ld t0, 256(%[in])\n"
                 "fscsr t0\n"
                 "mv t1, %[rounds]\n"
                 "1: beqz t1, 2f\n"
                 "mv a7, %[number]\n"
                 "mv a0, %[arg0]\n"
                 "li a1, 0\n"
                 "ecall\n"
                 "addi t1, t1, -1\n"
                 "j 1b\n"
                 "2:\n"
                 ".irp n," IRP_32 "\n"
                 "fsd f\\n, \\n*8(%[out])\n"
                 ".endr\n"
                 "frcsr t0\n"
                 "sd t0, 256(%[out])\n"
                 :
                 : [in] "r"(in), [out] "r"(out), [number] "r"(number), [arg0] "r"(arg0),
                   [rounds] "r"((long)rounds)
                 : "t0", "t1", "a0", "a1", "a7", "memory", FP_CLOBBERS);
}

static int compare(const char *what, const struct fp_image *expected, const struct fp_image *got)
{
    int bad = 0;
    for (int i = 0; i < 32; i++) {
        if (expected->f[i] != got->f[i]) {
            printf("fptest %s: f%d is 0x%lx, expected 0x%lx\n", what, i, got->f[i], expected->f[i]);
            bad = 1;
        }
    }
    if (expected->fcsr != got->fcsr) {
        printf("fptest %s: fcsr is 0x%lx, expected 0x%lx\n", what, got->fcsr, expected->fcsr);
        bad = 1;
    }
    return bad;
}

static int hold_and_check(uint64_t seed, int rounds)
{
    struct fp_image in;
    struct fp_image out;
    static struct timespec nap = {0, 1000000}; /* 1 ms */
    pattern(&in, seed);
    hold(&in, &out, SYS_sched_yield, 0, rounds);
    int bad = compare("after yields", &in, &out);
    hold(&in, &out, SYS_nanosleep, (long)&nap, rounds / 10 + 1);
    return bad | compare("after sleeps", &in, &out);
}

static int fresh(void)
{
    struct fp_image zero;
    struct fp_image got;
    memset(&zero, 0, sizeof(zero));
    asm volatile(".irp n," IRP_32 "\n"
                 "fsd f\\n, \\n*8(%[out])\n"
                 ".endr\n"
                 "frcsr t0\n"
                 "sd t0, 256(%[out])\n"
                 :
                 : [out] "r"(&got)
                 : "t0", "memory");
    return compare("after exec", &zero, &got);
}

static void scribble(int signal)
{
    struct fp_image junk;
    struct fp_image out;
    pattern(&junk, 0xdead + (uint64_t)signal);
    hold(&junk, &out, SYS_getpid, 0, 1);
}

static int signal_case(void)
{
    struct sigaction action = {.sa_handler = scribble};
    sigaction(SIGUSR1, &action, NULL);
    struct fp_image in;
    struct fp_image out;
    pattern(&in, 77);
    /* tgkill to itself inside the held section: the handler runs on the way out of it. */
    long pid = getpid();
    asm volatile(".irp n," IRP_32 "\n"
                 "fld f\\n, \\n*8(%[in])\n"
                 ".endr\n"
                 "ld t0, 256(%[in])\n"
                 "fscsr t0\n"
                 "li a7, %[tgkill]\n"
                 "mv a0, %[pid]\n"
                 "mv a1, %[pid]\n"
                 "li a2, %[usr1]\n"
                 "ecall\n"
                 ".irp n," IRP_32 "\n"
                 "fsd f\\n, \\n*8(%[out])\n"
                 ".endr\n"
                 "frcsr t0\n"
                 "sd t0, 256(%[out])\n"
                 :
                 : [in] "r"(&in), [out] "r"(&out), [pid] "r"(pid), [tgkill] "i"(SYS_tgkill),
                   [usr1] "i"(SIGUSR1)
                 : "t0", "a0", "a1", "a2", "a7", "memory", FP_CLOBBERS);
    return compare("after a handler", &in, &out);
}

static int fork_case(void)
{
    struct fp_image in;
    struct fp_image out;
    pattern(&in, 5);
    /* fork inside the held section: the child checks what it inherited. */
    long result;
    asm volatile(".irp n," IRP_32 "\n"
                 "fld f\\n, \\n*8(%[in])\n"
                 ".endr\n"
                 "ld t0, 256(%[in])\n"
                 "fscsr t0\n"
                 "li a7, %[clone]\n"
                 "li a0, %[sigchld]\n"
                 "li a1, 0\n"
                 "li a2, 0\n"
                 "li a3, 0\n"
                 "li a4, 0\n"
                 "ecall\n"
                 "mv %[result], a0\n"
                 ".irp n," IRP_32 "\n"
                 "fsd f\\n, \\n*8(%[out])\n"
                 ".endr\n"
                 "frcsr t0\n"
                 "sd t0, 256(%[out])\n"
                 : [result] "=&r"(result)
                 : [in] "r"(&in), [out] "r"(&out), [clone] "i"(SYS_clone), [sigchld] "i"(SIGCHLD)
                 : "t0", "a0", "a1", "a2", "a3", "a4", "a7", "memory", FP_CLOBBERS);
    if (result == 0)
        _exit(compare("in the child", &in, &out));
    int status = 1;
    waitpid((pid_t)result, &status, 0);
    return compare("in the parent", &in, &out) | !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int pair(void)
{
    pid_t children[3];
    for (int i = 0; i < 2; i++) {
        children[i] = fork();
        if (children[i] == 0)
            _exit(hold_and_check(1000 + (uint64_t)i, 300));
    }
    children[2] = fork();
    if (children[2] == 0) {
        struct fp_image in;
        struct fp_image out;
        pattern(&in, 99);
        hold(&in, &out, SYS_getpid, 0, 1); /* the registers are full when exec comes */
        char *argv[] = {"fptest", "fresh", NULL};
        execv("/bin/fptest", argv);
        _exit(2);
    }
    int bad = hold_and_check(7, 300);
    for (int i = 0; i < 3; i++) {
        int status = 1;
        waitpid(children[i], &status, 0);
        bad |= !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "fresh") == 0)
        return fresh(); /* first: nothing may touch the registers before it looks */
    if (argc == 4 && strcmp(argv[1], "hold") == 0)
        return hold_and_check(strtoul(argv[2], NULL, 0), atoi(argv[3]));
    if (argc == 2 && strcmp(argv[1], "pair") == 0)
        return pair();
    if (argc == 2 && strcmp(argv[1], "signal") == 0)
        return signal_case();
    if (argc == 2 && strcmp(argv[1], "fork") == 0)
        return fork_case();
    printf("usage: fptest hold SEED ROUNDS | pair | fresh | signal | fork\n");
    return 2;
}
