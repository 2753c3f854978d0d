#!/usr/bin/python3
"""linux_ref.py: the qemu-riscv64 reference for tests/linux.

Runs the cases of tests/linux/cases.py under qemu-user, in a root directory
laid out as our kernel's disk image will be (/bin, /tests, /tmp), and

  record     writes tests/linux/expected/NAME.out and NAME.status, after
             running every case twice and checking both runs agree;
  check      runs every case twice and compares both runs with the recorded
             files (what CI can run: it needs no kernel);
  syscalls   runs every case under qemu's -strace and writes
             $(BUILD)/linux/syscalls.txt (per case: each system call and its
             count; the union with RISC-V numbers; the paths under /proc,
             /dev, /sys and /etc a case tried), and with --md FILE the
             summary tests/linux/SYSCALLS.md;
  run NAME   runs one case and shows its stdout and status;
  exec ARGV  runs any command in the reference root (e.g. exec /bin/busybox
             ash -c 'ls -1 /'), with --strace to see its system calls.

Options: --build DIR (default build) finds $(BUILD)/linux/NAME; --busybox
PATH overrides `scripts/busybox-build.sh --path`. Cases that need busybox
are skipped, and said so, when it is not built.

How it runs a program. qemu-user alone cannot run a program that calls
execve(2) on another RISC-V binary: the host kernel does not know the format
(ENOEXEC) unless binfmt_misc has qemu registered. So each batch runs inside
a new user and mount namespace (`unshare --user --map-root-user --mount`)
that mounts its own binfmt_misc instance (Linux 6.7 and later give every
user namespace its own) and registers qemu-riscv64 for RISC-V ELF files
there, with the P flag (argv[0] kept) and F (the interpreter opened now).
Nothing changes outside the namespace. In it, the runner chroots into the
staged root and execs the program directly: the whole process tree, every
exec included, runs under qemu, as uid 0, with exactly the case's argv, envp
and working directory, stdin from /dev/null, and umask 022.
"""

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINUX = os.path.join(ROOT, "tests", "linux")
sys.path.insert(0, LINUX)
import cases as CASES  # noqa: E402
import compare as CMP  # noqa: E402

QEMU = "/usr/bin/qemu-riscv64"
CACHE = os.environ.get("RVKERNEL_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rvkernel")
BINFMT_NAME = "rvkernel-riscv64"
# The ELF header of a 64-bit little-endian RISC-V executable (ET_EXEC or
# ET_DYN), as Debian's qemu-user-binfmt registers it.
BINFMT_MAGIC = r"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00"
BINFMT_MASK = r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"


def die(msg):
    print(f"linux_ref: {msg}", file=sys.stderr)
    sys.exit(2)


# ---- Inside the namespace --------------------------------------------------------

def static_qemu():
    """The path of a statically linked qemu-riscv64 of the installed version.

    Inside the chroot there is no /lib, so the dynamically linked
    /usr/bin/qemu-riscv64 cannot start there (its ELF interpreter is missing).
    Debian builds the same source statically as qemu-user-static; that
    package is large (all targets, 60 MB) and registers binfmt handlers on
    the host when installed, so we do not install it: we download the .deb of
    the same version as the installed qemu-user once (`apt-get download`,
    the machine's own apt lists) and keep only qemu-riscv64-static, in the
    cache beside BusyBox's."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "qemu-user"],
                       capture_output=True, text=True)
    version = r.stdout.strip()
    if r.returncode != 0 or not version:
        die("qemu-user is not installed: run scripts/install-deps.sh")
    safe = version.replace(":", "_").replace("~", "_")
    path = os.path.join(CACHE, f"qemu-{safe}", "qemu-riscv64-static")
    if os.access(path, os.X_OK):
        return path
    print(f"linux_ref: fetching qemu-user-static {version} for qemu-riscv64-static (once)",
          file=sys.stderr)
    os.makedirs(CACHE, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="qemu.", dir=CACHE)
    try:
        r = subprocess.run(["apt-get", "-q", "-o", "APT::Sandbox::User=" + pwd_name(),
                            "download", f"qemu-user-static={version}"], cwd=tmp)
        debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if r.returncode != 0 or not debs:
            die(f"apt-get download qemu-user-static={version} failed "
                "(is the apt index current? apt-get update)")
        deb = os.path.join(tmp, debs[0])
        sh = (f"dpkg-deb --fsys-tarfile '{deb}' | "
              f"tar -x -C '{tmp}' ./usr/bin/qemu-riscv64-static")
        if subprocess.run(sh, shell=True).returncode != 0:
            die("could not unpack qemu-riscv64-static from " + deb)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(os.path.join(tmp, "usr", "bin", "qemu-riscv64-static"), path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def pwd_name():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name


def setup_binfmt(tmp, qemu):
    """Mount this user namespace's binfmt_misc and register qemu-riscv64."""
    mnt = "/proc/sys/fs/binfmt_misc"
    r = subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        die("cannot mount binfmt_misc in a user namespace (needs Linux 6.7 or later): "
            + r.stderr.strip())
    # Debian's qemu takes "-binfmt-P" at the end of its own name to mean: the
    # kernel passed the P flag, so argv[1] is the file and argv[2] its argv[0].
    interp = os.path.join(tmp, "riscv64-binfmt-P")
    os.symlink(qemu, interp)
    rule = f":{BINFMT_NAME}:M::{BINFMT_MAGIC}:{BINFMT_MASK}:{interp}:PF"
    with open(os.path.join(mnt, "register"), "w") as f:
        f.write(rule)


def reset_dir(path, mode):
    shutil.rmtree(path, ignore_errors=True)
    os.mkdir(path)
    os.chmod(path, mode)


def run_job(root, job, outdir):
    """Run one job chrooted in root; return its result dict."""
    reset_dir(os.path.join(root, "tmp"), 0o1777)
    # qemu-user 7.2 gives the program its environment in reverse order (it
    # builds a list by pushing each variable on the front). Reversing here
    # makes the program see the case's env in the order the case lists it,
    # as Linux would. (A program that execs another sees the reversal again:
    # the cases print such environments sorted.)
    env = {}
    for kv in reversed(job["env"]):
        k, _, v = kv.partition("=")
        env[k] = v
    if job.get("strace"):
        # Every qemu in the tree inherits it and logs to its fd 2. That fd is
        # shared with the program: while a process has its stderr redirected
        # (2>&1, 2> file), its lines go there instead. syscalls parses stdout
        # as well as stderr; the calls of a process whose stderr went to a
        # file are missed. (A log file is no better: each exec reopens it
        # with "w", and the program can close or dup2 over its fd as well.)
        env["QEMU_STRACE"] = "1"

    def child_setup():
        os.chroot(root)
        os.chdir(job["cwd"])
        os.umask(0o022)

    out_path = os.path.join(outdir, job["id"] + ".out")
    err_path = os.path.join(outdir, job["id"] + ".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen(job["argv"], executable=job["argv"][0], env=env,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                             preexec_fn=child_setup, start_new_session=True)
        try:
            rc = p.wait(timeout=job["timeout"])
            status = CMP.status_text(rc)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            status = "timeout"
    # Reap whatever the program left behind in its session.
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return {"id": job["id"], "status": status, "out": out_path, "err": err_path}


def inside(jobs_file):
    with open(jobs_file) as f:
        batch = json.load(f)
    tmp = tempfile.mkdtemp(prefix="binfmt.", dir=batch["outdir"])
    setup_binfmt(tmp, batch["qemu"])
    results = [run_job(batch["root"], job, batch["outdir"]) for job in batch["jobs"]]
    with open(os.path.join(batch["outdir"], "results.json"), "w") as f:
        json.dump(results, f)


# ---- Outside: staging and batches --------------------------------------------------

def busybox_path(opt):
    if opt:
        return opt if os.path.exists(opt) else None
    r = subprocess.run(["sh", os.path.join(ROOT, "scripts", "busybox-build.sh"), "--path"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


def stage_root(workdir, build, busybox):
    """Lay out the root every case sees (cases.ROOT_LAYOUT)."""
    root = os.path.join(workdir, "root")
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "tests"))
    os.mkdir(os.path.join(root, "tmp"))
    os.chmod(root, 0o755)
    missing = []
    for case in CASES.CASES:
        if case.needs_busybox:
            continue
        name = os.path.basename(case.argv[0])
        src = os.path.join(build, "linux", name)
        if os.path.exists(src):
            shutil.copy2(src, os.path.join(root, "bin", name))
        else:
            missing.append(src)
    if missing:
        die("not built: " + ", ".join(missing) + " (make -f tests/linux/linux.mk linux-progs)")
    if busybox:
        shutil.copy2(busybox, os.path.join(root, "bin", "busybox"))
    shutil.copy2(os.path.join(LINUX, "busybox_script.sh"),
                 os.path.join(root, "tests", "busybox_script.sh"))
    return root


def run_batch(workdir, root, jobs):
    """Run jobs inside a fresh user+mount namespace; return results by id."""
    outdir = tempfile.mkdtemp(prefix="runs.", dir=workdir)
    jobs_file = os.path.join(outdir, "jobs.json")
    with open(jobs_file, "w") as f:
        json.dump({"root": root, "outdir": outdir, "jobs": jobs, "qemu": static_qemu()}, f)
    cmd = ["unshare", "--user", "--map-root-user", "--mount", "--",
           sys.executable, os.path.abspath(__file__), "--inside", jobs_file]
    r = subprocess.run(cmd)
    if r.returncode != 0:
        die(f"the namespace run failed ({' '.join(cmd[:5])}): exit {r.returncode}")
    with open(os.path.join(outdir, "results.json")) as f:
        results = json.load(f)
    out = {}
    for res in results:
        with open(res["out"], "rb") as f:
            res["stdout"] = f.read()
        with open(res["err"], "rb") as f:
            res["stderr"] = f.read()
        out[res["id"]] = res
    return out


def job_for(case, run, strace=False):
    return {"id": f"{case.name}.{run}", "argv": list(case.argv), "env": list(case.env),
            "cwd": case.cwd, "timeout": case.timeout, "strace": strace}


def select_cases(names, have_busybox):
    chosen = []
    for n in names or [c.name for c in CASES.CASES]:
        if n not in CASES.BY_NAME:
            die(f"no case {n!r}; cases: {', '.join(CASES.BY_NAME)}")
        c = CASES.BY_NAME[n]
        if c.needs_busybox and not have_busybox:
            print(f"SKIP {n}: busybox not built (scripts/busybox-build.sh)")
            continue
        chosen.append(c)
    return chosen


def twice(workdir, root, chosen):
    """Run every case twice in one batch; return {name: (run1, run2)}."""
    jobs = [job_for(c, r) for r in (1, 2) for c in chosen]
    res = run_batch(workdir, root, jobs)
    return {c.name: (res[f"{c.name}.1"], res[f"{c.name}.2"]) for c in chosen}


def show_stderr(res):
    if res["stderr"]:
        text = res["stderr"].decode("utf-8", "backslashreplace")
        print("  stderr: " + text[-2000:].replace("\n", "\n  stderr: ").rstrip())


def cmd_record(args, workdir, root, chosen):
    os.makedirs(CMP.EXPECTED_DIR, exist_ok=True)
    bad = 0
    for name, (a, b) in twice(workdir, root, chosen).items():
        ok, report = CMP.compare_outputs(name, a["stdout"], a["status"], b["stdout"], b["status"]) \
            if a["status"] != "timeout" and b["status"] != "timeout" else (False, f"{name}: timeout")
        if not ok:
            print(f"FAIL {name}: two runs under qemu differ, nothing recorded\n{report}")
            show_stderr(a)
            bad += 1
            continue
        with open(os.path.join(CMP.EXPECTED_DIR, name + ".out"), "wb") as f:
            f.write(a["stdout"])
        with open(os.path.join(CMP.EXPECTED_DIR, name + ".status"), "w") as f:
            f.write(a["status"] + "\n")
        print(f"recorded {name}: {a['status']}, {len(a['stdout'])} bytes")
    return 1 if bad else 0


def cmd_check(args, workdir, root, chosen):
    passed = failed = 0
    for name, runs in twice(workdir, root, chosen).items():
        for i, r in enumerate(runs, 1):
            if r["status"] == "timeout":
                ok, report = False, f"{name}: timeout"
            else:
                ok, report = CMP.compare(name, r["stdout"], r["status"])
            if ok:
                passed += 1
            else:
                failed += 1
                print(f"FAIL (run {i}) {report}")
                show_stderr(r)
        if all(CMP.compare(name, r["stdout"], r["status"])[0] for r in runs
               if r["status"] != "timeout"):
            print(f"ok   {name} (twice)")
    print(f"linux_ref: {passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_run(args, workdir, root, chosen):
    res = run_batch(workdir, root, [job_for(c, 1, args.strace) for c in chosen])
    for c in chosen:
        r = res[f"{c.name}.1"]
        sys.stdout.buffer.write(r["stdout"])
        sys.stdout.flush()
        sys.stderr.buffer.write(r["stderr"])
        print(f"[{c.name}: {r['status']}]", file=sys.stderr)
    return 0


def cmd_exec(args, workdir, root):
    argv = args.names
    if not argv:
        die("exec needs a command, e.g. exec /bin/busybox ash -c 'echo hi'")
    job = {"id": "exec.1", "argv": argv, "env": list(CASES.DEFAULT_ENV), "cwd": args.cwd,
           "timeout": 120.0, "strace": args.strace}
    r = run_batch(workdir, root, [job])["exec.1"]
    sys.stdout.buffer.write(r["stdout"])
    sys.stdout.flush()
    sys.stderr.buffer.write(r["stderr"])
    print(f"[{r['status']}]", file=sys.stderr)
    return 0


# ---- System calls ---------------------------------------------------------------

# A call starts a line, or follows the ")" of a call whose result another
# process's line interrupted ("12 wait4(-1,...,0)13 openat(...").
STRACE_LINE = re.compile(rb"(?:^|(?<=\)))(\d+) ([a-z_][a-z0-9_]*)\(", re.MULTILINE)
# qemu prints "PID Unknown syscall N" for numbers it has no name for.
STRACE_UNKNOWN = re.compile(rb"^(\d+) Unknown syscall (\d+)", re.MULTILINE)
STRACE_PATH = re.compile(rb'^\d+ (?:openat|open|execve|newfstatat|statx|faccessat|readlinkat|'
                         rb'mkdirat|unlinkat)\((?:AT_FDCWD|-?\d+)?,?"((?:/proc|/dev|/sys|/etc)[^"]*)"'
                         rb'[^\n]*?= ([^\n]*)$', re.MULTILINE)


def path_result(text):
    """qemu's "= 12" or "= -1 errno=2 (No such file or directory)" -> "ok" / "ENOENT..."."""
    m = re.match(r"-1 errno=(\d+) \((.*)\)", text.strip())
    if m:
        return f"fails: {m.group(2)}"
    return "ok (qemu emulates it)" if text.strip() else "?"


def syscall_numbers():
    """{name: number} from the cross toolchain's <asm/unistd.h>."""
    r = subprocess.run(["riscv64-linux-gnu-gcc", "-E", "-dM", "-include", "asm/unistd.h",
                        "-x", "c", "/dev/null"], capture_output=True, text=True)
    if r.returncode != 0:
        die("riscv64-linux-gnu-gcc -E failed: " + r.stderr)
    defs = {}
    for line in r.stdout.splitlines():
        m = re.match(r"#define (__NR\w+) (.+)$", line)
        if m:
            defs[m.group(1)] = m.group(2).strip()

    def value(expr, depth=0):
        if depth > 10:
            return None
        expr = re.sub(r"\b(__NR\w+)\b",
                      lambda m: str(value(defs[m.group(1)], depth + 1))
                      if m.group(1) in defs else "None", expr)
        try:
            return int(eval(expr, {"__builtins__": {}}))  # e.g. "(244 + 15)"
        except Exception:
            return None

    nums = {}
    for name, expr in defs.items():
        if name.startswith("__NR_") and not name.startswith("__NR_syscalls"):
            v = value(expr)
            if v is not None:
                nums[name[5:]] = v
    return nums


def cmd_syscalls(args, workdir, root, chosen):
    res = run_batch(workdir, root, [job_for(c, 1, strace=True) for c in chosen])
    nums = syscall_numbers()
    per_case = collections.OrderedDict()
    paths = {}
    for c in chosen:
        err = res[f"{c.name}.1"]["stderr"] + b"\n" + res[f"{c.name}.1"]["stdout"]
        counts = collections.Counter(m.group(2).decode() for m in STRACE_LINE.finditer(err))
        for m in STRACE_UNKNOWN.finditer(err):
            counts[f"unknown_{m.group(2).decode()}"] += 1
        per_case[c.name] = counts
        paths[c.name] = sorted({(m.group(1).decode(), path_result(m.group(2).decode()))
                                for m in STRACE_PATH.finditer(err)})
    union = collections.Counter()
    for counts in per_case.values():
        union.update(counts)

    def num(name):
        return nums.get(name, "?")

    lines = ["# System calls per case under qemu-riscv64 -strace (scripts/linux_ref.py syscalls)",
             "# name  number  count", ""]
    for name, counts in per_case.items():
        lines.append(f"[{name}] status {res[name + '.1']['status']}")
        for sc in sorted(counts):
            lines.append(f"  {sc:24} {num(sc)!s:>4} {counts[sc]}")
        for p, result in paths[name]:
            lines.append(f"  path {p} -> {result}")
        lines.append("")
    lines.append("[union]")
    for sc in sorted(union, key=lambda s: (nums.get(s, 9999), s)):
        lines.append(f"  {sc:24} {num(sc)!s:>4} {union[sc]}")
    out = os.path.join(args.build, "linux", "syscalls.txt")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out}: {len(union)} distinct system calls over {len(per_case)} cases")
    unknown = sorted(s for s in union if s not in nums)
    if unknown:
        print("names without a RISC-V number (check by hand): " + ", ".join(unknown))
    if args.md:
        write_md(args.md, per_case, paths, nums)
        print(f"wrote {args.md}")
    return 0


MD_NOTES = """\
- Every static glibc program starts with the same calls: `set_tid_address`,
  `set_robust_list`, `prlimit64` (RLIMIT_STACK), `readlinkat("/proc/self/exe")`,
  `getrandom` (malloc's tcache key), `brk` (the heap, and the TLS block of a
  static program), `mprotect` (RELRO), and `newfstatat(1, "", AT_EMPTY_PATH)`
  before the first `printf` (stdio asks whether stdout is a terminal through
  its st_mode). `exit_group` ends it. Under the reference stdout is a pipe;
  where it is a character device (a console), glibc adds `ioctl(TCGETS)`,
  and -ENOTTY is an acceptable answer.
- `set_robust_list` fails with ENOSYS under qemu-riscv64 7.2, and glibc goes
  on; returning 0 is fine too (no output depends on it).
- `readlinkat("/proc/self/exe")` is answered by qemu itself, even in the
  reference root that has no /proc. Without /proc our kernel may return
  ENOENT: glibc only uses the answer for `$ORIGIN`, which a static program
  without dlopen never needs.
- BusyBox calls `prctl(PR_SET_NAME)` and `prctl(PR_GET_NAME)` (15 and 16) to name
  the applets it runs without exec, `ppoll` with a zero timeout, and `fcntl`
  F_GETFL and F_DUPFD_CLOEXEC for the shell's redirections.
- `clone` is fork-like everywhere (glibc's `fork`: CLONE_CHILD_SETTID |
  CLONE_CHILD_CLEARTID | SIGCHLD, no new stack) except in **threads** and
  **threadedge**, where glibc's `pthread_create` passes CLONE_VM | CLONE_FS |
  CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID; `exit` (93) ends one thread,
  and `futex` wakes the joiner through CLONE_CHILD_CLEARTID. glibc 2.36's
  mutexes use FUTEX_WAIT and FUTEX_WAKE (private); its condition variables
  and `pthread_join` wait with FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME and
  no timeout (private, and not for the join). threadedge adds `tgkill` to
  a thread, `gettid` and raw waits with timeouts.
- No case needs /proc, /dev or /sys: the reference root has none of them, and
  every case passes there.
"""


def write_md(path, per_case, paths, nums):
    union = set()
    for counts in per_case.values():
        union |= set(counts)
    first_seen = {}
    for name, counts in per_case.items():
        for sc in counts:
            first_seen.setdefault(sc, name)
    md = []
    md.append("# System calls the Linux test programs make\n")
    md.append("Generated by `scripts/linux_ref.py syscalls --md tests/linux/SYSCALLS.md` from")
    md.append("`qemu-riscv64 -strace` runs of every case in `tests/linux/cases.py`. Numbers")
    md.append("are RISC-V Linux's (`<asm/unistd.h>` of Debian's riscv64-linux-gnu toolchain,")
    md.append("the asm-generic table). The full per-case counts are in")
    md.append("`build/linux/syscalls.txt` after a run. Regenerate this file when a case")
    md.append("changes.\n")
    md.append("## Notes for the kernel\n")
    md.append(MD_NOTES)
    md.append("## The union, by number\n")
    md.append("| nr | name | first needed by | cases |")
    md.append("|---:|------|-----------------|------:|")
    for sc in sorted(union, key=lambda s: (nums.get(s, 9999), s)):
        n_cases = sum(1 for c in per_case.values() if sc in c)
        md.append(f"| {nums.get(sc, '?')} | `{sc}` | {first_seen[sc]} | {n_cases} |")
    md.append("")
    md.append("## By case\n")
    md.append("Each case in the order of `cases.py`: the calls it makes and, marked **new**,")
    md.append("those no earlier case needed. A kernel that implements the calls of a case and")
    md.append("of the cases above it can run that case. (How often each call is made is in")
    md.append("`build/linux/syscalls.txt`; the counts vary a little from run to run.)\n")
    seen = set()
    for name, counts in per_case.items():
        items = []
        for sc in sorted(counts, key=lambda s: (nums.get(s, 9999), s)):
            mark = " **new**" if sc not in seen else ""
            items.append(f"`{sc}` {nums.get(sc, '?')}{mark}")
        seen |= set(counts)
        md.append(f"- **{name}**: " + ", ".join(items))
        for p, result in paths[name]:
            md.append(f"  - tried `{p}` → `{result}`")
    md.append("")
    with open(path, "w") as f:
        f.write("\n".join(md))


# ---- Main ---------------------------------------------------------------------

def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        inside(sys.argv[2])
        return 0
    def parser(names_nargs):
        ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
        ap.add_argument("--busybox", default=None, help="path of the riscv64 busybox binary")
        ap.add_argument("--strace", action="store_true", help="run and exec: show qemu's -strace")
        ap.add_argument("--cwd", default="/", help="exec: working directory in the root")
        ap.add_argument("--md", default=None, help="syscalls: also write this Markdown summary")
        ap.add_argument("command", choices=["record", "check", "syscalls", "run", "exec", "list"])
        ap.add_argument("names", nargs=names_nargs)
        return ap

    # exec takes everything after the command as the argv to run; the other
    # commands take options anywhere, and case names.
    args = parser(argparse.REMAINDER).parse_args()
    if args.command != "exec":
        args = parser("*").parse_args()

    if args.command == "list":
        for c in CASES.CASES:
            print(f"{c.name:12} {' '.join(c.argv)!r:50} {c.doc}")
        return 0
    if not os.access(QEMU, os.X_OK):
        die(f"{QEMU} not found: run scripts/install-deps.sh (qemu-user)")
    if not shutil.which("unshare"):
        die("unshare not found (util-linux)")

    bb = busybox_path(args.busybox)
    os.makedirs(os.path.join(args.build, "linux"), exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="ref.", dir=os.path.abspath(os.path.join(args.build, "linux")))
    try:
        root = stage_root(workdir, args.build, bb)
        if args.command == "exec":
            return cmd_exec(args, workdir, root)
        chosen = select_cases(args.names, bb is not None)
        fn = {"record": cmd_record, "check": cmd_check, "syscalls": cmd_syscalls,
              "run": cmd_run}[args.command]
        return fn(args, workdir, root, chosen)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
