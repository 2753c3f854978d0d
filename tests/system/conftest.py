"""conftest.py: shared fixtures for the system tests.

`qemu` starts kernel images and makes sure none outlives its test:
    def test_x(qemu):
        vm = qemu("kernel", bootargs="...")
        vm.expect("banner")
        assert vm.wait() == 0
`gdb_socket` is a unix socket path of the test's own, for QEMU's gdbstub.

A failed assertion's message goes through scripts/decode_log.py with the
image the test booted last (qemu.IMAGES_RUN), so kernel and user addresses in
it show their function (file:line); a test that booted none is left as it is.
Hang messages are decoded where they are raised.
"""
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qemu as harness  # noqa: E402
from qemu import Hang, Qemu, image  # noqa: E402


COLLECTION_RUNS = {"test_ktest.py": harness.ktest_collection_run,
                   "test_user.py": harness.usertests_collection_run}
prefetched = []


def pytest_collect_file(file_path, parent):
    """Collecting test_ktest.py or test_user.py needs a run of an image: start both at once,
    so they overlap (qemu.run_once hands each result to whoever asks)."""
    if file_path.name in COLLECTION_RUNS and not prefetched:
        for run in COLLECTION_RUNS.values():
            prefetched.append(threading.Thread(target=run, daemon=True))
            prefetched[-1].start()


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


@pytest.fixture
def gdb_socket():
    # Under /tmp, not tmp_path: a unix socket's path must stay under 108 bytes.
    directory = tempfile.mkdtemp(prefix="gdb-")
    yield str(Path(directory) / "gdb.sock")
    shutil.rmtree(directory, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    item.images_before = len(harness.IMAGES_RUN)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, AssertionError) and not isinstance(error, Hang) and error.args \
            and isinstance(error.args[0], str):
        # Only with an image this test booted: another image's symbols would mislead.
        booted = harness.IMAGES_RUN[getattr(item, "images_before", 0):]
        if booted:
            error.args = (harness.decode(error.args[0], booted[-1]),) + error.args[1:]
    yield
