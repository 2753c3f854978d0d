"""Signals at the console: Ctrl-C and Ctrl-\\ end the running command (SIGINT,
SIGQUIT to the terminal's foreground process group), the shell survives
both and gives its prompt back; Ctrl-Z stops it (SIGTSTP), and the shell's
fg and bg continue it. With TEST_SMP=4 the command may run on
another hart than the one that takes the UART interrupt."""
import time

from qemu import disk_copy

PROMPT = r"\$ "


def shell(qemu):
    vm = qemu("kernel", timeout=60, disk=disk_copy())
    vm.expect(r"kernel: started init as pid 1")
    vm.expect(PROMPT)
    return vm


def type_line(vm, line):
    vm.send(line + "\r")


def interrupt(vm, key, expected):
    """Press `key` until `expected` shows. The echo of Enter comes before the shell has
    made the command the foreground group: a key pressed in between reaches the
    shell (which survives it), as it would for a quick typist on Linux."""
    for _ in range(20):
        vm.send(key)
        # try_expect, not expect: a miss must leave QEMU running for the next key (expect
        # kills it with its hang report, and the retries then met a dead machine).
        match = vm.try_expect(expected, timeout=1)
        if match is not None:
            return match
    return vm.expect(expected, timeout=1)


def test_ctrl_c_ends_a_busy_program_and_the_prompt_returns(qemu):
    vm = shell(qemu)
    type_line(vm, "yes > /dev/null")
    vm.expect(r"yes > /dev/null\r*\n")
    interrupt(vm, "\x03", r"sh: yes: killed by signal 2")
    vm.expect(PROMPT)
    # The shell is still there, and the terminal is its own again.
    type_line(vm, "echo still here")
    vm.expect(r"\r?\nstill here\r*\n")
    vm.expect(PROMPT)


def test_ctrl_c_ends_a_sleeping_program(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 100")
    vm.expect(r"sleep 100\r*\n")
    interrupt(vm, "\x03", r"sh: sleep: killed by signal 2")
    vm.expect(PROMPT)


def test_ctrl_c_reaches_every_program_of_a_pipeline(qemu):
    vm = shell(qemu)
    type_line(vm, "yes | cat > /dev/null")
    vm.expect(r"cat > /dev/null\r*\n")
    interrupt(vm, "\x03", r"sh: cat: killed by signal 2")
    vm.expect(PROMPT)
    type_line(vm, "echo ok")
    vm.expect(r"\r?\nok\r*\n")


def test_ctrl_backslash_sends_sigquit(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 100")
    vm.expect(r"sleep 100\r*\n")
    interrupt(vm, "\x1c", r"sh: sleep: killed by signal 3")
    vm.expect(PROMPT)


def test_ctrl_c_at_the_prompt_drops_the_line_and_the_shell_survives(qemu):
    vm = shell(qemu)
    vm.send("echo never")
    vm.expect("echo never")
    vm.send("\x03")
    vm.expect(r"\^C")
    vm.expect(PROMPT)
    type_line(vm, "echo after")
    vm.expect(r"\r?\nafter\r*\n")
    vm.expect(PROMPT)


def test_ctrl_z_stops_the_program_and_fg_brings_it_back(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 100")
    vm.expect(r"sleep 100\r*\n")
    match = interrupt(vm, "\x1a", r"\[(\d+)\] Stopped sleep")
    pid = match.group(1).decode() if isinstance(match.group(1), bytes) else match.group(1)
    vm.expect(PROMPT)
    # The shell is at its prompt with the job stopped, not dead.
    type_line(vm, "jobs")
    vm.expect(r"\[%s\] Stopped sleep" % pid)
    vm.expect(PROMPT)
    type_line(vm, "echo meanwhile")
    vm.expect(r"\r?\nmeanwhile\r*\n")
    vm.expect(PROMPT)
    # fg: it runs in the foreground again, where Ctrl-C reaches it.
    type_line(vm, "fg")
    vm.expect(r"fg\r*\nsleep\r*\n")
    interrupt(vm, "\x03", r"sh: sleep: killed by signal 2")
    vm.expect(PROMPT)
    # No job left: `jobs` prints nothing before the next prompt.
    type_line(vm, "jobs")
    vm.expect(r"jobs\r*\n\$ ")


def test_ctrl_z_then_bg_runs_it_to_its_end(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 2")
    vm.expect(r"sleep 2\r*\n")
    match = interrupt(vm, "\x1a", r"\[(\d+)\] Stopped sleep")
    pid = match.group(1).decode() if isinstance(match.group(1), bytes) else match.group(1)
    vm.expect(PROMPT)
    type_line(vm, "bg")
    vm.expect(r"\[%s\] sleep &" % pid)
    vm.expect(PROMPT)
    type_line(vm, "jobs")
    vm.expect(r"\[%s\] Running sleep" % pid)
    vm.expect(PROMPT)
    # Once it has slept its 2 s, the next prompt reports it.
    time.sleep(3)
    type_line(vm, "")
    vm.expect(r"\[%s\] Done sleep" % pid, timeout=20)
    vm.expect(PROMPT)
