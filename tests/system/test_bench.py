"""make bench repeats exactly: two runs of scripts/bench.py give the same JSON.

Each run boots the image once on one hart and once on two for the SMP figures
(--extra-mem '': the boot with 2 GiB,
for the figures named by memory size, runs the same way and is left out to
keep make test short).

Two figures wait for the disk, and QEMU's disk finishes in host time: a
request sometimes completes before its thread has gone to sleep, which saves
a sleep and two switches, about 1,000 instructions (src/fs/fs_bench.c,
docs/files.md). With 256 requests that could be 20 % of the cold read if
every one did; the widest spread seen is 6 %. Those two must agree within
20 %. BusyBox's script (src/exec/linux_bench.c, 89 million instructions)
writes files, and a few dozen instructions of it depend on the disk too:
it must agree within 0.1 %. So must glibc's hello (src/exec/linux_bench.c,
642,000 instructions), which runs from the same disk: a CI run once saw its
figure 20 instructions apart between two runs. Every other figure must agree
exactly.

The disk is make bench's, build/fs-linux.img (the daily disk plus BusyBox,
which make builds once and caches): the test runs on the BusyBox tests'
worker, so that one make at a time builds it."""
import json
import subprocess
import sys

import pytest

from qemu import BUILD, ROOT, image, make_env

HOST_TIMED = {"file_write_1m_insns": 0.20, "file_read_1m_cold_insns": 0.20,
              "busybox_script_insns": 0.001, "linux_hello_insns": 0.001}


@pytest.mark.slow
@pytest.mark.xdist_group("busybox")
def test_two_bench_runs_give_identical_figures(tmp_path):
    disk = BUILD / "fs-linux.img"
    made = subprocess.run(["make", "-s", "BUILD=%s" % BUILD, str(disk)], cwd=ROOT, env=make_env(),
                          capture_output=True, text=True, timeout=1800)
    assert made.returncode == 0, made.stdout + made.stderr
    outputs = []
    for run in (1, 2):
        path = tmp_path / ("bench%d.json" % run)
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), image("bench"),
                               str(path), "--extra-mem", "", "--disk", str(disk)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "qemu -icount shift=0,sleep=off" in done.stdout, done.stdout
        outputs.append(path.read_bytes())
    first, second = (json.loads(output) for output in outputs)
    assert len(first) >= 10, outputs[0]
    for key, tolerance in HOST_TIMED.items():
        a, b = first.pop(key)["value"], second.pop(key)["value"]
        assert abs(a - b) <= tolerance * max(a, b), "%s: %d and %d" % (key, a, b)
    assert first == second, "bench figures differ between two runs"
