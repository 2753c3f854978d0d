"""Signals at the console: Ctrl-C and Ctrl-\\ end the running command (SIGINT,
SIGQUIT to the terminal's foreground process group), the shell survives
both and gives its prompt back. With TEST_SMP=4 the command may run on
another hart than the one that takes the UART interrupt."""
from qemu import disk_copy

PROMPT = r"\$ "


def shell(qemu):
    vm = qemu("kernel", timeout=60, disk=disk_copy())
    vm.expect(r"kernel: started init as pid 1")
    vm.expect(PROMPT)
    return vm


def type_line(vm, line):
    vm.send(line + "\r")


def test_ctrl_c_ends_a_busy_program_and_the_prompt_returns(qemu):
    vm = shell(qemu)
    type_line(vm, "yes > /dev/null")
    vm.expect(r"yes > /dev/null\r*\n")
    vm.send("\x03")
    vm.expect(r"\^C")
    vm.expect(r"sh: yes: killed by signal 2")
    vm.expect(PROMPT)
    # The shell is still there, and the terminal is its own again.
    type_line(vm, "echo still here")
    vm.expect(r"\r?\nstill here\r*\n")
    vm.expect(PROMPT)


def test_ctrl_c_ends_a_sleeping_program(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 100")
    vm.expect(r"sleep 100\r*\n")
    vm.send("\x03")
    vm.expect(r"sh: sleep: killed by signal 2", timeout=5)
    vm.expect(PROMPT)


def test_ctrl_c_reaches_every_program_of_a_pipeline(qemu):
    vm = shell(qemu)
    type_line(vm, "yes | cat > /dev/null")
    vm.expect(r"cat > /dev/null\r*\n")
    vm.send("\x03")
    vm.expect(r"sh: cat: killed by signal 2", timeout=5)
    vm.expect(PROMPT)
    type_line(vm, "echo ok")
    vm.expect(r"\r?\nok\r*\n")


def test_ctrl_backslash_sends_sigquit(qemu):
    vm = shell(qemu)
    type_line(vm, "sleep 100")
    vm.expect(r"sleep 100\r*\n")
    vm.send("\x1c")
    vm.expect(r"sh: sleep: killed by signal 3", timeout=5)
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
