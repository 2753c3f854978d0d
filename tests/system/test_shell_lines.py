"""Lines too long for their buffer are refused with a message, never cut and run.

Typed at the console, the line discipline holds 255 characters: past that it
rings the bell, and at Enter it drops the line and says so. Read from a file,
the shell holds 511: a longer line is refused with "sh: line longer than ...",
and the lines after it still run.
"""
import subprocess

from qemu import disk_copy

PROMPT = r"\$ "


def test_a_typed_line_over_255_characters_is_refused(qemu, tmp_path):
    vm = qemu("kernel", disk=disk_copy(directory=tmp_path), timeout=120)
    vm.expect(PROMPT)
    long_word = "x" * 1000  # four times the UART ring: the receiver must pause, not drop
    vm.send("echo " + long_word + "\r")
    vm.expect(r"tty: line longer than 255 characters: not taken")
    # The shell never saw the line: it still waits at its prompt, and the next line is whole.
    # The cut line did not run: no 250-odd x's came back as echo's output.
    assert "x" * 250 + "\r\n" not in vm.output.split("not taken")[-1], vm.output
    # The next line is whole again and runs.
    vm.send("echo short and sweet\r")
    vm.expect(r"short and sweet\r*\n")
    vm.expect(PROMPT)
    vm.send("exit 0\r")
    assert vm.wait() == 0, vm.output


def test_a_script_line_over_511_characters_is_refused_and_the_next_runs(qemu, tmp_path):
    disk = disk_copy(directory=tmp_path)
    script = tmp_path / "long.sh"
    script.write_text("echo before\necho " + "y" * 600 + "\necho after\n")
    subprocess.run(["debugfs", "-w", "-R", "write %s /long.sh" % script, str(disk)],
                   check=True, capture_output=True)
    vm = qemu("kernel", disk=disk, timeout=120)
    vm.expect(PROMPT)
    vm.send("sh < /long.sh\r")
    vm.expect(r"before\r*\n")
    vm.expect(r"sh: line longer than 511 characters: not run\r*\n")
    vm.expect(r"after\r*\n")
    vm.expect(PROMPT)
    assert "y" * 100 not in vm.output, vm.output
    vm.send("exit 0\r")
    assert vm.wait() == 0, vm.output
