"""scripts/decode_log.py on logs captured from real runs: function (file:line) beside
kernel and user addresses, and nothing invented where the log does not say whose
an address is. Also: the harness decodes a failed test's message.
"""
import os
import re
import select
import subprocess
import sys
import time

from qemu import BUILD, ROOT, image, run

DECODE = [sys.executable, str(ROOT / "scripts" / "decode_log.py")]


def decode(text, elf, *extra):
    done = subprocess.run(DECODE + ["--elf", elf, "--user-dir", str(BUILD / "user")] + list(extra),
                          input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_a_panic_log_gets_file_and_line_beside_each_frame(tmp_path):
    status, out = run("tests/backtrace")
    assert status == 101, out
    log = tmp_path / "panic.log"
    log.write_text(out)
    done = subprocess.run(DECODE + ["--elf", image("tests/backtrace"), str(log)],
                          capture_output=True, text=True, timeout=60)
    decoded = done.stdout
    panic_line = int(re.search(r"PANIC at tests/kernel/backtrace\.c:(\d+)", out).group(1))
    # Frame #0 is the return address into backtrace_level_three: its call to panic.
    assert re.search(r"#0 0x[0-9a-f]+ \[backtrace_level_three \(tests/kernel/backtrace\.c:%d\)\] "
                     r"backtrace_level_three\+0x" % panic_line, decoded), decoded
    for name in ("backtrace_level_two", "backtrace_level_one", "kernel_run"):
        assert re.search(r"#\d 0x[0-9a-f]+ \[%s \(tests/kernel/backtrace\.c:\d+\)\]" % name,
                         decoded), decoded
    assert re.search(r"\[kmain_on_kernel_stack \(src/main\.c:\d+\)\]", decoded), decoded
    # Only annotations were added: removing them gives the log back.
    assert re.sub(r" \[[^\]]*\]", "", decoded) == re.sub(r" \[[^\]]*\]", "", out), decoded


def test_a_trap_report_decodes_sepc_ra_and_the_register_dump():
    status, out = run("tests/trap_illegal")
    assert status == 101, out
    decoded, _ = decode(out, image("tests/trap_illegal"))
    assert re.search(r"sepc    0x[0-9a-f]{16} \[trap_illegal_instruction_here "
                     r"\(tests/kernel/trap_illegal\.c:\d+\)\]", decoded), decoded
    assert re.search(r"ra      0x[0-9a-f]{16} \[kernel_run \(tests/kernel/trap_illegal\.c:\d+\)\]",
                     decoded), decoded
    # A trap's backtrace starts at the trapping pc ("<- here"): the same line as sepc's.
    sepc_line = re.search(r"sepc    0x[0-9a-f]{16} \[\S+ \((\S+)\)\]", decoded).group(1)
    assert re.search(r"#0 0x[0-9a-f]+ \[trap_illegal_instruction_here \(%s\)\] .*<- here"
                     % re.escape(sepc_line), decoded), decoded
    # The dump keeps its columns; ra's code location goes at the end of its line.
    assert re.search(r"^  zero 0{16}  ra   ffffffff[0-9a-f]{8}  .*   \[ra: kernel_run "
                     r"\(tests/kernel/trap_illegal\.c:\d+\)", decoded, re.M), decoded
    # The memory-set listing's ranges are left alone.
    assert not re.search(r"0xffffffff80200000 \[", decoded), decoded


def test_user_addresses_are_decoded_only_where_the_program_is_named():
    status, out = run("kernel", bootargs="init=fault_load")
    line = re.search(r"\[pid \d+ fault_load\] killed by SIGSEGV.*", out).group(0)
    sepc = re.search(r"sepc (0x[0-9a-f]+)", line).group(1)
    decoded, _ = decode(out, image("kernel"))
    assert re.search(r"sepc %s \[main \(user/prog/fault_load\.c:\d+\)\]" % sepc, decoded), decoded
    assert "stval 0x0," in decoded, decoded                # not code: left alone
    # The same address on a line that does not say whose it is: left alone.
    alone, _ = decode("something at %s\n" % sepc, image("kernel"))
    assert alone == "something at %s\n" % sepc
    # Decoding twice changes nothing.
    again, _ = decode(decoded, image("kernel"))
    assert again == decoded


def test_a_log_from_another_build_is_left_alone():
    status, out = run("tests/backtrace")
    moved = re.sub(r"kmain at 0x([0-9a-f]+)", "kmain at 0x1234", out)
    assert moved != out, out
    decoded, warnings = decode(moved, image("tests/backtrace"))
    assert "the log is from another build" in warnings, warnings
    assert "(tests/kernel/backtrace.c:" not in decoded, decoded


def test_as_a_filter_it_lets_a_prompt_through_at_once():
    process = subprocess.Popen(DECODE + ["--elf", image("kernel")], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    try:
        process.stdin.write(b"$ ")                         # a prompt: no newline
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 5)
        assert ready, "the prompt did not come through"
        assert os.read(process.stdout.fileno(), 100) == b"$ "
        started = time.monotonic()
        process.stdin.write(b"hello\r\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 5)
        assert ready and os.read(process.stdout.fileno(), 100) == b"hello\r\n"
        assert time.monotonic() - started < 2
    finally:
        process.stdin.close()
        process.wait(10)


def test_a_failed_system_test_shows_decoded_frames(tmp_path):
    """The harness decodes assertion messages: write a failing test and run pytest on it."""
    test_file = tmp_path / "test_fails_with_a_panic.py"
    test_file.write_text(
        "from qemu import run\n\n\n"
        "def test_panics():\n"
        "    status, out = run('tests/backtrace')\n"
        "    assert status == 0, out\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "system"))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "conftest", "--rootdir", str(tmp_path), str(test_file)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"#0 0x[0-9a-f]+ \[backtrace_level_three \(tests/kernel/backtrace\.c:\d+\)\]",
                     done.stdout), done.stdout


def test_ranges_are_left_alone():
    line = "  segment: text [0x10000, 0x11000) R-XU-\n"
    decoded, _ = decode("[pid 7 fault_store] killed\n" + line, image("kernel"))
    assert decoded.endswith(line), decoded
