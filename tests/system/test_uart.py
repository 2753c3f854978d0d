"""Console input: bytes typed into QEMU's serial port arrive through the UART
receive interrupt (PLIC -> trap -> ring buffer) and echo mode shows them.

Echo mode (mode=echo) echoes each byte, ends each line with its length and
32-bit FNV-1a hash, and on Ctrl-D prints the totals and powers off.
"""
import re

from qemu import Hang  # noqa: F401  (a timeout raises it, with the output so far)

TIMEOUT = 30
CTRL_D = "\x04"


def fnv1a(data):
    value = 0x811C9DC5
    for byte in data.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def start_echo(qemu):
    vm = qemu("kernel", bootargs="mode=echo", timeout=TIMEOUT)
    vm.expect("echo: ready")
    return vm


def test_200_characters_typed_quickly_all_arrive_in_order(qemu):
    vm = start_echo(qemu)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-_=+()[]{}<>/@#$%&*"
    text = "".join(alphabet[(i * 7) % len(alphabet)] for i in range(200))
    vm.send(text + "\r")                       # one write: the bytes arrive back to back
    match = vm.expect(r"echo: line 1: (\d+) bytes, fnv1a ([0-9a-f]{8})")
    assert int(match.group(1)) == 200, vm.output
    assert int(match.group(2), 16) == fnv1a(text), vm.output
    assert text + "\necho: line 1: 200 bytes" in vm.output, vm.output
    vm.send(CTRL_D)
    done = vm.expect(r"echo: done: (\d+) bytes in (\d+) lines, (\d+) UART interrupts, "
                     r"(\d+) dropped, (\d+) overruns")
    total, lines, interrupts, dropped, overruns = map(int, done.groups())
    assert (total, lines, dropped, overruns) == (200, 1, 0, 0), vm.output
    assert interrupts >= 1, vm.output          # they came through the interrupt path
    assert vm.wait() == 0, vm.output


def test_lines_are_counted_and_control_characters_shown(qemu):
    vm = start_echo(qemu)
    lines = ["first", "second line", "bell\x07here"]
    for number, line in enumerate(lines, start=1):
        vm.send(line + "\r")
        match = vm.expect(r"echo: line %d: (\d+) bytes, fnv1a ([0-9a-f]{8})" % number)
        assert int(match.group(1)) == len(line), vm.output
        assert int(match.group(2), 16) == fnv1a(line), vm.output
    assert "bell^Ghere\necho: line 3" in vm.output, vm.output
    vm.send(CTRL_D)
    vm.expect(r"echo: done: %d bytes in 3 lines, \d+ UART interrupts, 0 dropped, 0 overruns"
              % sum(map(len, lines)))
    assert vm.wait() == 0, vm.output
