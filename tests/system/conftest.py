"""conftest.py: shared fixtures for the system tests.

`qemu` starts kernel images and makes sure none outlives its test:
    def test_x(qemu):
        vm = qemu("kernel", bootargs="...")
        vm.expect("banner")
        assert vm.wait() == 0
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qemu import Qemu, image  # noqa: E402


@pytest.fixture
def qemu():
    started = []

    def start(name, **kwargs):
        vm = Qemu(image(name), **kwargs)
        started.append(vm)
        return vm

    yield start
    for vm in started:
        vm.kill()
