"""The kernel boots to its banner, reads the device tree, and ends cleanly."""
import re

import pytest

from qemu import SMP, Hang, Qemu, image, run

# The boot hart: 0 on one hart; with several (TEST_SMP) the firmware may pick any.
HART = "0" if SMP == 1 else r"\d+"


def test_banner_shows_hart_sbi_memory_and_high_kmain():
    status, out = run("kernel", bootargs="mode=halt console=test")
    assert status == 0, out
    assert re.search(r"hart\s+%s\b" % HART, out), out
    assert re.search(r"SBI\s+OpenSBI \d+\.\d+, spec \d+\.\d+", out), out
    assert re.search(r"memory\s+128 MiB", out), out
    match = re.search(r"kmain at (0x[0-9a-f]+)", out)
    assert match and match.group(1).startswith("0xffffffff8"), out
    assert 'bootargs    "mode=halt console=test"' in out


@pytest.mark.parametrize("mem,mib", [("64M", 64), ("512M", 512), ("2G", 2048)])
def test_memory_size_comes_from_the_device_tree(mem, mib):
    status, out = run("kernel", bootargs="mode=halt", mem=mem)
    assert status == 0, out
    assert re.search(r"memory\s+%d MiB" % mib, out), out


def test_boots_with_several_harts():
    status, out = run("kernel", bootargs="mode=halt", smp=4)
    assert status == 0, out
    assert "RISC-V Sv39 teaching kernel" in out


def test_basic_boot_kernel_checks_its_environment():
    status, out = run("tests/basic_boot")
    assert "basic_boot: ok" in out, out
    assert status == 0, out
