"""Threads and the scheduler, seen from outside: the mode=threads demo, sleep
precision in virtual time (-icount), the panics that name a misuse, a thread's
stack overflow, and the in-kernel suites again on a kernel built with the
stride policy (SCHED=stride), to show that the policy interface holds.
"""
import fcntl
import os
import re
import subprocess

import pytest

import ktap
from qemu import BUILD, ICOUNT, ROOT, SMP, backtrace_names, make_env, run

PANIC_STATUS = 101
# The hart a panic names: 0 on one hart; with several (TEST_SMP) threads run on any.
HART = "0" if SMP == 1 else r"\d+"
DEMO_THREADS = 8
DEMO_ROUNDS = 6


def demo_lines(out):
    """(thread, round) for each line the demo threads printed, in order."""
    return [(int(t), int(r)) for t, r in
            re.findall(r"^threads: thread (\d+) round (\d+) of %d$" % DEMO_ROUNDS, out, re.M)]


def check_demo(out):
    lines = demo_lines(out)
    assert len(lines) == DEMO_THREADS * DEMO_ROUNDS, out
    for thread in range(DEMO_THREADS):
        rounds = [r for t, r in lines if t == thread]
        assert rounds == list(range(1, DEMO_ROUNDS + 1)), out
    # Interleaved: run one after another, the printer would change exactly 7 times,
    # and thread 0 would be done before thread 7 printed anything.
    changes = sum(1 for a, b in zip(lines, lines[1:]) if a[0] != b[0])
    assert changes > DEMO_THREADS - 1, out
    first_of_last = lines.index((DEMO_THREADS - 1, 1))
    last_of_first = lines.index((0, DEMO_ROUNDS))
    assert first_of_last < last_of_first, out
    done = re.search(r"threads: done: (\d+) lines, the printing thread changed (\d+) times, "
                     r"(\d+) preemptions, (\d+) switches, (\d+) of 8 exit codes right", out)
    assert done, out
    assert int(done.group(1)) == len(lines), out
    assert int(done.group(2)) == changes, out   # the kernel counted what we saw
    assert int(done.group(3)) >= DEMO_THREADS, out
    assert int(done.group(5)) == DEMO_THREADS, out


def test_demo_threads_print_interleaved_under_preemption():
    status, out = run("kernel", bootargs="mode=threads", timeout=60)
    assert re.search(r"sched: fifo policy, time slice \d+ ticks", out), out
    check_demo(out)
    assert status == 0, out


def test_sleep_lasts_as_asked_to_within_one_tick_in_virtual_time():
    status, out = run("tests/thread_sleep", extra=ICOUNT, timeout=60)
    sleeps = re.findall(r"^thread_sleep: asked (\d+) us: slept ([\d.]+) us, .* (ok|FAILED)$",
                        out, re.M)
    assert len(sleeps) == 8, out
    for asked, slept, verdict in sleeps:
        # The same bounds the kernel checked, from its own figures: [asked, asked + 1 tick + 1%).
        assert int(asked) <= float(slept) < int(asked) + 10000 + 100, out
        assert verdict == "ok", out
    assert "thread_sleep: ok, every sleep within one tick" in out, out
    assert status == 0, out


@pytest.mark.parametrize("case,message", [
    ("recursive_spinlock",
     r"spinlock_acquire: recursive acquire of lock 'misuse' on hart %s" % HART),
    ("recursive_mutex",
     r"mutex_lock: thread 'boot' already holds mutex 'first' \(mutexes are not recursive\)"),
    ("unlock_not_owner",
     r"mutex_unlock: thread 'boot' unlocks mutex 'first', which thread 'holder' holds"),
    ("unlock_unlocked",
     r"mutex_unlock: thread 'boot' unlocks mutex 'second', which is not locked"),
    # Whichever of the two threads goes to sleep second finds the cycle.
    ("deadlock",
     r"mutex_lock: deadlock: (thread 'deadlock-b' waits for mutex 'first', "
     r"held by 'deadlock-a', which waits for mutex 'second', held by 'deadlock-b'"
     r"|thread 'deadlock-a' waits for mutex 'second', "
     r"held by 'deadlock-b', which waits for mutex 'first', held by 'deadlock-a')"),
    ("sleep_in_interrupt",
     r"mutex_lock: sleeping in an interrupt handler \(it interrupted thread '[^']+'\); "
     r"interrupt handlers must never sleep"),
    ("sleep_with_spinlock",
     r"sched_sleep: thread 'boot' would sleep holding 1 spinlock\(s\)"),
    ("release_not_held",
     r"spinlock_release: lock 'misuse' is not held by hart \d+ \(held by nobody\)"),
    ("interrupts_on_inside",
     r"spinlock_release: interrupts are on as hart %s releases its last lock, 'misuse': "
     r"something turned them on inside a locked section" % HART),
])
def test_a_misuse_panics_and_names_what_happened(case, message):
    status, out = run("tests/sync_misuse", bootargs="case=" + case, timeout=30)
    assert re.search(r"PANIC at \S+ on hart %s \(\S+\): .*" % HART + message, out), out
    assert "went unnoticed" not in out, out
    assert status == PANIC_STATUS, out


def test_a_threads_stack_overflow_names_the_thread():
    status, out = run("tests/thread_stack_overflow", timeout=30)
    assert re.search(r"PANIC on hart %s \(deep-recursion\): kernel stack overflow" % HART,
                     out), out
    assert re.search(r"stack   deep-recursion \[0xffffffc0[0-9a-f]+, 0xffffffc0[0-9a-f]+\)", out), out
    frames = backtrace_names(out)
    assert frames[-2:] == ["deep", "thread_start_kernel"], out
    assert "came back" not in out
    assert status == PANIC_STATUS, out


# ---- The same kernel built with SCHED=stride and LOCKDEP=1 ------------------------------

# One second build serves two purposes, to keep make test short: the stride policy, and the
# lock-order checker (LOCKDEP=1, docs/smp.md), which then watches every in-kernel suite too.
STRIDE_BUILD = BUILD / "stride"


@pytest.fixture(scope="module")
def stride_build():
    """Build kernel.elf, ktest.elf and the lock_order test kernel with the stride policy and
    the lock-order checker, in a directory of their own."""
    relative = os.path.relpath(STRIDE_BUILD, ROOT)
    # Two workers may both want it: one builds while the other waits on the lock.
    with open(str(STRIDE_BUILD) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(
            ["make", "--no-print-directory", "-j2", "BUILD=" + relative, "SCHED=stride",
             "LOCKDEP=1", relative + "/kernel.elf", relative + "/ktest.elf",
             relative + "/tests/lock_order.elf"],
            cwd=str(ROOT), env=make_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return os.path.relpath(STRIDE_BUILD, BUILD)


@pytest.mark.slow
@pytest.mark.xdist_group("stride-build")
def test_stride_build_passes_every_in_kernel_suite(stride_build):
    # One hart, whatever TEST_SMP says: stride's shares are measured on one, and under -icount
    # four harts take turns on one host thread, four times as slow, with LOCKDEP's checks on.
    # (The stride demo below runs on TEST_SMP harts.)
    status, out = run(stride_build + "/ktest", bootargs="ktest.filter=", timeout=120, smp=1,
                      extra=ICOUNT)
    assert "sched: stride policy" in out, out
    report = ktap.parse(out)
    assert report.complete, "%s\n%s" % (report.problems, out)
    assert not report.failed, out
    results = {c.name: c for c in report.cases}
    # The stride case ran for real here; the FIFO-only order case stood aside.
    stride_case = results["sched_stride_priorities_share_the_hart"]
    assert stride_case.ok and not stride_case.skipped, out
    assert results["sched_fifo_order_holds"].skipped, out
    assert status == 0, out


@pytest.mark.slow
@pytest.mark.xdist_group("stride-build")
def test_stride_build_runs_the_demo(stride_build):
    status, out = run(stride_build + "/kernel", bootargs="mode=threads", timeout=60)
    assert "the stride scheduler preempts" in out, out
    check_demo(out)
    assert status == 0, out


@pytest.mark.slow
def test_the_lock_order_checker_catches_a_deliberate_ab_ba(stride_build):
    status, out = run(stride_build + "/tests/lock_order", timeout=60)
    assert "lock_order: thread 'alpha-beta' took alpha, then beta" in out, out
    assert "checker missed" not in out, out
    # Both orders, each with the site that took the first lock and the one that took the second.
    now = re.search(r"'beta' then 'alpha': hart \d+ took 'beta' at take_beta_then_alpha\+0x[0-9a-f]+"
                    r", then 'alpha' at take_beta_then_alpha\+0x[0-9a-f]+", out)
    before = re.search(r"'alpha' then 'beta': hart \d+ took 'alpha' at "
                       r"take_alpha_then_beta\+0x[0-9a-f]+, then 'beta' at "
                       r"take_alpha_then_beta\+0x[0-9a-f]+", out)
    assert now and before and now.start() < before.start(), out
    assert re.search(r"PANIC on hart %s \(boot\): lockdep: lock order cycle: 'beta' -> 'alpha' "
                     r"-> 'beta'" % HART, out), out
    assert status == PANIC_STATUS, out


def test_without_lockdep_the_order_is_not_checked():
    status, out = run("tests/lock_order", timeout=60)
    assert "lock_order: built without LOCKDEP=1, so lock order is not checked" in out, out
    assert status == 2, out
