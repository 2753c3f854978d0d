"""The Linux-binary test cases: what to run, how, and what may differ.

One table serves both sides of the comparison:

  - scripts/linux_ref.py runs each case under qemu-riscv64 (the reference)
    and records tests/linux/expected/NAME.out (stdout) and NAME.status;
  - the kernel's system tests run the same case on our kernel and hand the
    captured stdout and status to compare.compare().

Both sides see the same file-system layout (ROOT_LAYOUT below), so a path
that a program prints is the same on both. The reference runner builds that
layout in a scratch directory and chroots into it; the kernel's disk image
must put the same files at the same paths.

A case's argv[0] is the path of the program in that layout. The environment
is exactly env (nothing is inherited), the working directory is cwd, stdin
is empty (/dev/null on the reference side), and stdout is what is compared.
"""

from dataclasses import dataclass, field

# The files every run sees, by path inside the root:
#   /bin/NAME                Tier 0 programs ($(BUILD)/linux/NAME)
#   /bin/busybox             the static BusyBox (scripts/busybox-build.sh)
#   /tests/busybox_script.sh tests/linux/busybox_script.sh
#   /tmp/                    an empty directory, mode 1777
# Nothing else: no /proc, /dev, /etc or /sys. That is deliberate: a program
# that needs one of them fails under the reference too, and shows it.
ROOT_LAYOUT = {
    "bin": "Tier 0 programs and busybox",
    "tests": "scripts the shell cases run",
    "tmp": "scratch, mode 1777",
}

DEFAULT_ENV = ("PATH=/bin", "HOME=/")

# Masks, applied to both outputs before they are compared: (regex, replacement)
# pairs for re.sub with re.MULTILINE, over the text decoded as UTF-8 with
# errors="surrogateescape" (so any byte survives the round trip).
AUXV_MASKS = (
    # Values that differ from run to run or between kernels: the AT_RANDOM
    # bytes, the address AT_EXECFN points to, the number of auxv entries.
    (r"^masked: ([^\n]*?)( [0-9a-fx]+)$", r"masked: \1 <masked>"),
    (r"^masked: (\d+) auxv entries before AT_NULL$", r"masked: <n> auxv entries before AT_NULL"),
    # auxv entries outside the fixed table: AT_SYSINFO_EHDR (a vDSO, which
    # Linux has and qemu-user 7.2 has not), cache geometry, AT_MINSIGSTKSZ.
    (r"^other: [^\n]*\n", ""),
)


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple
    env: tuple = DEFAULT_ENV
    cwd: str = "/"
    needs_busybox: bool = False
    masks: tuple = ()
    timeout: float = 60.0
    doc: str = ""
    extra: dict = field(default_factory=dict)


def _t0(name, *args, doc="", **kw):
    return Case(name=name, argv=("/bin/" + name,) + args, doc=doc, **kw)


CASES = (
    _t0("hello", doc="one write, exit 0"),
    _t0("fmtfloat", doc="printf %f %e %g; FP state"),
    _t0("bigmalloc", doc="32 MiB malloc (mmap), touched; brk"),
    _t0("forkwait", doc="fork, wait4, exit statuses, SIGKILL, ECHILD"),
    _t0("auxv", "one", "two words", "", doc="initial stack and auxiliary vector",
        env=DEFAULT_ENV + ("EMPTY=", "GREETING=hello world"), masks=AUXV_MASKS),
    _t0("execchain", "3", doc="execve of itself three times; what survives exec"),
    _t0("pipedup", doc="pipes, dup2, EOF, EPIPE, SIGPIPE, 256 KiB transfer"),
    _t0("fileio", "/tmp", doc="files and directories under /tmp"),
    _t0("signals", doc="sigaction SA_SIGINFO, raise, kill, masks, SIGCHLD"),
    _t0("stopcont", doc="SIGSTOP, SIGTSTP, SIGCONT, wait4 WUNTRACED/WCONTINUED, sigaltstack"),
    _t0("threads", doc="four pthreads, mutex, condition variable, TLS"),
    _t0("threadedge", doc="futex timeouts, EAGAIN, EFAULT, wake counts; exit vs exit_group; "
        "CLEARTID; tgkill; SIGKILL and fork in a threaded process; a futex mutex hammered"),
    _t0("sleeptime", doc="nanosleep, clock_gettime, clock_nanosleep"),
    _t0("shellcalls", doc="what BusyBox needs: ppoll, prctl names, F_DUPFD_CLOEXEC, chmod, "
        "utimensat, vfork"),
    Case(name="bb_list", argv=("/bin/busybox", "--list"), needs_busybox=True,
         doc="busybox lists its applets"),
    Case(name="bb_script", argv=("/bin/busybox", "ash", "/tests/busybox_script.sh"),
         needs_busybox=True, timeout=180.0,
         doc="tests/linux/busybox_script.sh under ash"),
)

BY_NAME = {c.name: c for c in CASES}
