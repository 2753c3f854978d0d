"""Hangs say where: a run that times out reports each hart's function and file:line.

tests/kernel/hang_loop.c spins with interrupts off in hang_loop_wait_for_flag;
the report must name that function and the line of its loop, through
qemu.py (system tests) and through scripts/run-image.sh (make ktest). A hart
in user code is named by its program, [pid N NAME], and decoded with it.
"""
import re
import subprocess

import pytest

import decode_log
from qemu import BUILD, ICOUNT, ROOT, Hang, Qemu, decode, image, run

SOURCE = ROOT / "tests" / "kernel" / "hang_loop.c"


def loop_line():
    """The line after the marker comment in hang_loop.c: the loop the report must name."""
    lines = SOURCE.read_text().splitlines()
    marker = next(i for i, line in enumerate(lines) if "the loop the report must name" in line)
    return marker + 2                                # 1-based, the line after the marker


def check_report(text):
    assert "HANG REPORT" in text, text
    # OpenSBI's lottery picks the boot hart: with several harts, any of them.
    assert re.search(r"hart \d  S-mode  (thread|running) 'boot'", text), text
    assert re.search(r"pc 0x[0-9a-f]{16} hang_loop_wait_for_flag \(tests/kernel/hang_loop\.c:%d\)"
                     % loop_line(), text), text
    assert re.search(r"ra 0x[0-9a-f]{16} kernel_run \(tests/kernel/hang_loop\.c:\d+\)", text), text
    assert re.search(r"#1\s+0x[0-9a-f]+ kernel_run \(tests/kernel/hang_loop\.c:\d+\)", text), text


def test_a_hang_report_names_the_looping_function_and_its_line(qemu):
    vm = qemu("tests/hang_loop", smp=2, timeout=60)
    vm.expect("hang_loop: spinning")          # on a busy host boot may take a while
    with pytest.raises(Hang) as caught:
        vm.wait(timeout=1)
    text = str(caught.value)
    check_report(text)
    assert "hang_loop: spinning with interrupts off" in text, text
    # The other hart waits in its idle thread, woken by each tick (in the firmware if it was
    # stopped inside an SBI call), and the report says so.
    assert re.search(r"hart \d  [SM]-mode  thread 'idle' ", text), text


@pytest.mark.slow
def test_make_ktest_style_runs_report_a_hang_too():
    image = BUILD / "tests" / "hang_loop.elf"
    done = subprocess.run(
        ["sh", "scripts/run-image.sh", str(image), "4", "",
         "-machine", "virt", "-bios", "default", "-m", "128M", "-nographic", "-no-reboot"],
        cwd=str(ROOT), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 124, done.stdout + done.stderr
    assert "did not finish within 4 s" in done.stderr, done.stderr
    check_report(done.stderr)
    # The report ends with the console's last lines, the hang's own message among them.
    assert re.search(r"The last \d+ console lines:\n(  \|.*\n)*  \| hang_loop: spinning",
                     done.stderr), done.stderr


def test_a_run_that_ends_in_time_makes_no_report():
    status, out = run("tests/basic_boot", timeout=60)
    assert status == 0 and "HANG" not in out, out


def test_harts_names_the_user_program_a_hart_runs(gdb_socket):
    """A hart in U-mode: harts reads the kernel's thread (GDB reads memory with the
    hart's privilege, so it borrows S-mode for it and gives U-mode back), and the
    pc is decoded with the program's ELF."""
    hello = BUILD / "user" / "hello.elf"
    main = decode_log.Elf(str(hello)).symbols["main"]
    kernel = image("kernel")
    vm = Qemu(kernel, bootargs="init=hello", extra=("-S",), gdb_socket=gdb_socket, timeout=60)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-q", kernel,
             "-x", str(ROOT / "scripts" / "gdbinit"), "-ex", "kernel-connect " + gdb_socket,
             "-ex", "break *0x%x" % main, "-ex", "continue",
             "-ex", "harts", "-ex", "print $priv", "-ex", "kill"],
            cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    finally:
        vm.kill()
    out = decode(gdb.stdout + gdb.stderr, kernel)
    # On several harts (TEST_SMP) any of them may run it.
    assert re.search(r"hart \d  U-mode  thread 'hello' \(tid \d+, pid 1, THREAD_RUNNING\)", out), out
    assert re.search(r"pc 0x0*%x \[main \(user/prog/hello\.c:\d+\)\] \[pid 1 hello\]" % main,
                     out), out
    assert re.search(r"\$\d+ = 0\n", out), out                 # still in U-mode afterwards


# ---- The kernel's own soft-lockup check ----------------------------------------------

LOCKUP_SOURCE = ROOT / "tests" / "kernel" / "lockup.c"


@pytest.mark.slow
def test_a_kernel_loop_with_interrupts_on_gets_a_lockup_report_and_goes_on():
    # Under -icount the time CSR follows the instructions run: the same ticks on any host.
    # One hart, whatever TEST_SMP says: under -icount several harts share the virtual clock's
    # progress, and the three reports in 350 ms are one hart's ticks.
    status, out = run("tests/lockup", bootargs="lockup=100", timeout=60, smp=1, extra=ICOUNT)
    lines = LOCKUP_SOURCE.read_text().splitlines()
    loop = next(i for i, line in enumerate(lines) if "the loop the report must name" in line) + 2
    reports = re.findall(r"LOCKUP on hart \d+ \(boot\): no reschedule for (\d+) ms", out)
    # 350 ms of waiting, a report every 100 ms: three of them, each 100 ms.
    assert len(reports) == 3 and all(ms == "100" for ms in reports), out
    assert re.search(r"  sepc    0x[0-9a-f]{16}\n  ra      0x[0-9a-f]{16}\n", out), out
    assert re.search(r"#0 0x[0-9a-f]+ lockup_wait_for_flag\+0x[0-9a-f]+ .*lockup\.c:%d.*<- here"
                     % loop, out) or \
        re.search(r"#0 0x[0-9a-f]+ lockup_wait_for_flag\+0x[0-9a-f]+\s+<- here", out), out
    assert re.search(r"#1 0x[0-9a-f]+ kernel_run\+0x", out), out
    # A report, not a panic: the loop ended on its own and the kernel went on.
    assert "lockup: gave up waiting; the kernel went on" in out, out
    assert "PANIC" not in out, out
    assert status == 0, out


def test_busy_programs_in_and_out_of_the_kernel_are_no_lockup():
    # fork, exec and wait in a loop: much time in the kernel, but through the scheduler and
    # back to user mode all the time. A 100 ms limit would catch any false report.
    status, out = run("kernel", bootargs="init=forkstress init.args=200,1 lockup=100", timeout=120)
    assert re.search(r"forkstress: 200 fork/exec/wait by 1 workers, 0 went wrong", out), out
    assert "LOCKUP" not in out, out
    assert status == 0, out
