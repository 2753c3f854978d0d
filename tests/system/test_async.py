"""The async executor: the line editor typed into through QEMU's serial port,
and two test kernels run under -icount (virtual time): the sleep race hit on
purpose, and timer futures' order and lateness.

The line editor is the kernel's own, selected with mode=async on the
kernel command line, as a student would run it (make qemu BOOTARGS=mode=async). One task edits what is typed and
echoes it; it sends each finished line through a channel to a second task,
which prints `async: line N: "text" (L bytes)` and the next prompt.
"""
import re

import pytest

from qemu import run

TIMEOUT = 30
ICOUNT = ("-icount", "shift=0,sleep=off")
CTRL_D = "\x04"
CTRL_U = "\x15"
DELETE = "\x7f"       # what a terminal's Backspace key sends
BACKSPACE = "\x08"    # Ctrl-H


def expect(vm, pattern, **kwargs):
    """vm.expect on the raw stream, where each "\\n" arrives with "\\r"s before it."""
    return vm.expect(pattern.replace(r"\n", r"\r*\n"), **kwargs)


def start_editor(qemu, bootargs=""):
    vm = qemu("kernel", bootargs=("mode=async " + bootargs).strip(), timeout=TIMEOUT)
    expect(vm, r"async: line editor ready.*\n> ")
    # The executor is a kernel thread beside the scheduler's others, not the boot code itself.
    # On several harts it may say so before or after the editor's prompt.
    executor = r"async: the executor runs in kernel thread 'async executor' \(tid \d+\)"
    if not re.search(executor, vm.output):
        expect(vm, executor)
    return vm


def expect_line(vm, number, text):
    expect(vm, r'async: line %d: "%s" \(%d bytes\)\n> ' % (number, re.escape(text), len(text)))


def finish(vm, lines, typed):
    vm.send(CTRL_D)
    done = vm.expect(r"async: done: (\d+) lines, (\d+) bytes typed; (\d+) polls, (\d+) wakeups "
                     r"\((\d+) merged\), (\d+) sleeps")
    assert int(done.group(1)) == lines, vm.output
    assert int(done.group(2)) == typed, vm.output
    assert int(done.group(4)) >= 1, vm.output   # the input woke the editor at least once
    assert vm.wait() == 0, vm.output


def test_typed_line_is_echoed_edited_and_printed(qemu):
    vm = start_editor(qemu)
    keys = "hellp" + DELETE + "o world"
    vm.send(keys)
    vm.expect("o world")                                      # the echo, as it is typed
    vm.send("\r")
    expect_line(vm, 1, "hello world")
    # Each Backspace erases on screen: back, a space over the character, back again.
    assert "hellp\b \bo world\n" in vm.output, vm.output
    finish(vm, lines=1, typed=len(keys) + 2)                  # + Enter + Ctrl-D


def test_lines_typed_at_once_all_arrive_in_order(qemu):
    vm = start_editor(qemu)
    lines = ["first", "second line", "a third, with punctuation!", "4"]
    typed = "".join(line + "\r" for line in lines)
    vm.send(typed)                                            # one write: back to back
    for number, line in enumerate(lines, start=1):
        expect_line(vm, number, line)
    # The editor yields after each line, so each is printed before the next is echoed.
    assert "first\nasync: line 1: \"first\" (5 bytes)\n> second line\n" in vm.output, vm.output
    finish(vm, lines=4, typed=len(typed) + 1)


def test_ctrl_u_backspace_and_crlf(qemu):
    vm = start_editor(qemu)
    keys = ("wrong words" + CTRL_U + "rigth" + BACKSPACE + BACKSPACE + "ht\r\n"
            + "x" + DELETE + DELETE + "y\n")
    vm.send(keys)
    expect_line(vm, 1, "right")                               # "rig" + "ht" after two erases
    expect_line(vm, 2, "y")                                   # extra Backspace on an empty line
    assert 'async: line 3' not in vm.output, vm.output        # "\r\n" was one Enter, not two
    finish(vm, lines=2, typed=len(keys) + 1)


def test_ctrl_d_sends_the_unfinished_line_then_quits(qemu):
    vm = start_editor(qemu)
    vm.send("done\r" + "unfinished")
    expect_line(vm, 1, "done")
    vm.expect("unfinished")
    vm.send(CTRL_D)
    expect_line(vm, 2, "unfinished")
    vm.expect(r"async: done: 2 lines, 16 bytes typed")
    assert vm.wait() == 0, vm.output


def test_select_reports_idle_time_and_keeps_the_line(qemu):
    vm = start_editor(qemu, bootargs="async.idle_ms=300")
    vm.send("half")
    vm.expect("half")
    # No key for 300 ms: the timer wins the select; the line typed so far is redrawn.
    expect(vm, r"\nasync: idle for 300 ms \(0 lines so far\)\n> half", timeout=10)
    vm.send(" done\r")
    expect_line(vm, 1, "half done")
    finish(vm, lines=1, typed=len("half done") + 2)


@pytest.mark.slow
def test_sleep_race_is_hit_and_closed_under_icount():
    status, out = run("tests/async_race", timeout=120, extra=ICOUNT)
    good = re.search(r"async_race: executor idle: (\d+) of (\d+) rounds, (\d+) sleeps, (\d+) "
                     r"interrupts caught between check and wfi, (\d+) wakeups lost", out)
    naive = re.search(r"async_race: naive idle: (\d+) of (\d+) rounds, (\d+) sleeps, (\d+) "
                      r"wakeups lost", out)
    assert good and naive, out
    rounds, total, sleeps, caught, lost = map(int, good.groups())
    assert rounds == total and sleeps > 0, out
    assert caught > 0, out          # interrupts really landed between the check and wfi ...
    assert lost == 0, out           # ... and none of them was lost
    naive_rounds, naive_total, _, naive_lost = map(int, naive.groups())
    assert naive_rounds == naive_total, out
    assert naive_lost > 0, out      # the naive check loses wakeups: the race is real
    assert "async_race: ok" in out, out
    assert status == 0, out


def test_timers_complete_in_order_never_early_at_most_a_tick_late():
    # One hart, whatever TEST_SMP says: "at most a tick late" is the bound of the executor's
    # own hart's tick. Under -icount four harts take turns on one host thread, and a timer
    # came 2 ticks late on four (docs/smp.md, "Not yet here": to be looked into).
    status, out = run("tests/async_timers", timeout=60, smp=1, extra=ICOUNT)
    tick = int(re.search(r"one tick is (\d+)", out).group(1))
    rows = re.findall(r"async_timers: #(\d+) timer (\d+): deadline \+(\d+), done \+(\d+), "
                      r"late (\d+)(.*)", out)
    assert len(rows) == 8, out
    deadlines = [int(row[2]) for row in rows]
    assert deadlines == sorted(deadlines), out                 # completed in deadline order
    for _, _, deadline, done, late, flags in rows:
        assert int(done) >= int(deadline), out                 # never early
        assert int(late) <= tick + 100, out                    # the next tick, plus latency
        assert flags.strip() == "", out
    assert "async_timers: ok (0 failures)" in out, out
    assert status == 0, out
